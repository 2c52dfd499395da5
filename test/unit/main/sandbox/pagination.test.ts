import { describe, expect, it } from 'vitest';

import {
  InvalidCursorError,
  linkHeaders,
  type Page,
  paginate,
  readLimit,
} from '../../../../main/sandbox/pagination.ts';

const items = ['a', 'b', 'c', 'd', 'e'];
const id = (item: string) => item;

describe('paginate', () => {
  it('walks every item exactly once and offers no next cursor after the last page', () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Page<string> = paginate(items, { limit: 2, after }, id);
      seen.push(...page.items);
      after = page.nextCursor;
      pages += 1;
    } while (after !== null);
    expect(seen).toEqual(items);
    expect(pages).toBe(3);
  });

  it('offers no next cursor on an exactly full last page (look-ahead)', () => {
    expect(paginate(['a', 'b'], { limit: 2, after: null }, id).nextCursor).toBeNull();
  });

  it('refuses a cursor it did not issue', () => {
    expect(() => paginate(items, { limit: 2, after: 'bm9wZQ' }, id)).toThrow(InvalidCursorError);
  });
});

describe('linkHeaders', () => {
  it('sends self and next as separate absolute links that keep the other parameters', () => {
    const url = new URL('http://127.0.0.1:4000/api/v1/users?filter=status+eq+%22ACTIVE%22&limit=2');
    expect(linkHeaders(url, 2, 'Yg')).toEqual([
      '<http://127.0.0.1:4000/api/v1/users?filter=status+eq+%22ACTIVE%22&limit=2>; rel="self"',
      '<http://127.0.0.1:4000/api/v1/users?filter=status+eq+%22ACTIVE%22&limit=2&after=Yg>; rel="next"',
    ]);
    expect(linkHeaders(url, 2, null)).toHaveLength(1);
  });
});

describe('readLimit', () => {
  it('defaults, clamps to the maximum, and refuses nonsense', () => {
    expect(readLimit(new URLSearchParams(''), { default: 200, max: 200 })).toBe(200);
    expect(readLimit(new URLSearchParams('limit=5000'), { default: 200, max: 200 })).toBe(200);
    expect(readLimit(new URLSearchParams('limit=0'), { default: 200, max: 200 })).toBeNull();
    expect(readLimit(new URLSearchParams('limit=abc'), { default: 200, max: 200 })).toBeNull();
  });
});
