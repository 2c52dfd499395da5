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

  it('continues after the cursor’s item when items were added or removed before it', () => {
    const first = paginate(items, { limit: 2, after: null }, id);
    expect(first.items).toEqual(['a', 'b']);
    // The cursor remembers where 'b' stood; it must follow 'b' wherever it is now.
    expect(paginate(['x', 'y', ...items], { limit: 2, after: first.nextCursor }, id).items).toEqual(
      ['c', 'd'],
    );
    expect(paginate(['b', 'c', 'd'], { limit: 2, after: first.nextCursor }, id).items).toEqual([
      'c',
      'd',
    ]);
    expect(() => paginate(['a', 'c'], { limit: 2, after: first.nextCursor }, id)).toThrow(
      InvalidCursorError,
    );
  });

  it('pages through only the matching items, with a next cursor only when another matches', () => {
    const letters = ['a', 'B', 'c', 'D', 'e', 'F', 'g'];
    const upper = (item: string) => item === item.toUpperCase();
    const first = paginate(letters, { limit: 2, after: null, matches: upper }, id);
    expect(first.items).toEqual(['B', 'D']);
    const second = paginate(letters, { limit: 2, after: first.nextCursor, matches: upper }, id);
    expect(second).toEqual({ items: ['F'], nextCursor: null });
    // Exactly full: the look-ahead finds no further match, so no cursor.
    expect(paginate(letters, { limit: 3, after: null, matches: upper }, id).nextCursor).toBeNull();
    expect(paginate(letters, { limit: 2, after: null, matches: () => false }, id)).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('keeps a cursor valid when its item stopped matching since', () => {
    const statuses = new Map([
      ['a', 'ACTIVE'],
      ['b', 'ACTIVE'],
      ['c', 'ACTIVE'],
    ]);
    const active = (item: string) => statuses.get(item) === 'ACTIVE';
    const first = paginate(['a', 'b', 'c'], { limit: 2, after: null, matches: active }, id);
    statuses.set('b', 'SUSPENDED');
    expect(
      paginate(['a', 'b', 'c'], { limit: 2, after: first.nextCursor, matches: active }, id).items,
    ).toEqual(['c']);
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
