import { describe, expect, it } from 'vitest';

import { collect, firstItems } from '../../../../main/okta/collections.ts';

/** An SDK-like collection that counts how many items were asked for. */
function collection<T>(items: (T | null)[]) {
  const state = { asked: 0 };
  return {
    state,
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        state.asked += 1;
        await Promise.resolve();
        yield item;
      }
    },
  };
}

describe('collect', () => {
  it('reads every item, skipping the nulls the SDK iterator may yield', async () => {
    expect(await collect(collection(['a', null, 'b', null, 'c']))).toEqual(['a', 'b', 'c']);
  });

  it('reads an empty collection as []', async () => {
    expect(await collect(collection<string>([]))).toEqual([]);
  });

  it('stops at max without asking for the next item (which could cost a page)', async () => {
    const events = collection([1, 2, 3, 4]);
    expect(await collect(events, 2)).toEqual([1, 2]);
    expect(events.state.asked).toBe(2);
  });

  it('counts only items, not nulls, toward max', async () => {
    expect(await collect(collection([null, 1, null, 2, 3]), 2)).toEqual([1, 2]);
  });

  it('asks for nothing when max is 0', async () => {
    const events = collection([1]);
    expect(await collect(events, 0)).toEqual([]);
    expect(events.state.asked).toBe(0);
  });
});

describe('firstItems', () => {
  it('asks for one item past the limit, to say there are more', async () => {
    const users = collection(['a', 'b', 'c']);
    expect(await firstItems(users, 2)).toEqual({ items: ['a', 'b'], more: true });
    expect(users.state.asked).toBe(3);
    expect(await firstItems(collection(['a', null, 'b']), 2)).toEqual({
      items: ['a', 'b'],
      more: false,
    });
  });
});
