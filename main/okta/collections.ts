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

/**
 * Reads every item of an SDK collection, page after page, skipping the `null`s its iterator may
 * yield; stops after `max` items without asking for another page.
 *
 * @remarks
 * For lists that are small by nature (an app's assignments, a server's scopes and policies, the
 * users one login matches). A list that may be a whole directory is read with
 * {@link firstItems} instead. Unlike it, `collect` never asks for the item past `max`, so a
 * bounded read (`limit` = `max`) costs exactly one page.
 */
export async function collect<T>(
  collection: AsyncIterable<T | null>,
  max = Infinity,
): Promise<T[]> {
  const items: T[] = [];
  if (items.length >= max) {
    return items;
  }
  for await (const item of collection) {
    if (item !== null) {
      items.push(item);
    }
    if (items.length >= max) {
      break;
    }
  }
  return items;
}
