/**
 * Reads at most `limit` items of an SDK collection: the first page, never the directory.
 *
 * @remarks
 * Ask Okta for `limit + 1`: the extra item only says there are `more`, and the SDK's iterator
 * fetches the next page only when asked for an item past the first.
 */
export async function firstItems<T>(collection: AsyncIterable<T | null>, limit: number) {
  const items: T[] = [];
  for await (const item of collection) {
    if (item === null) {
      continue;
    }
    if (items.length === limit) {
      return { items, more: true };
    }
    items.push(item);
  }
  return { items, more: false };
}
