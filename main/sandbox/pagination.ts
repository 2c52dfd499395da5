/** Thrown for an `after` cursor the sandbox did not issue (Okta: E0000029). */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

/** One page of a list, and the cursor for the next one when more results exist. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The cursor after the item `id` found at `position`: opaque to clients, as Okta's is. */
function cursorAfter(id: string, position: number): string {
  return Buffer.from(`${String(position)}:${id}`, 'utf8').toString('base64url');
}

/**
 * Where the page after `cursor` starts in `items`.
 *
 * @remarks
 * The cursor names the last returned item and where it stood. When it still stands there (the
 * list has not changed between pages) that is O(1), which keeps walking 100,000 users page by
 * page linear; otherwise the item is looked up by id. An item that is gone is `E0000029`.
 */
function startAfter<T>(items: readonly T[], cursor: string, idOf: (item: T) => string): number {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d+):(.*)$/s.exec(decoded);
  const afterId = match?.[2] ?? decoded;
  const hinted = match === null ? -1 : Number(match[1]);
  const hintedItem = items[hinted];
  if (hintedItem !== undefined && idOf(hintedItem) === afterId) {
    return hinted + 1;
  }
  const index = items.findIndex((item) => idOf(item) === afterId);
  if (index === -1) {
    throw new InvalidCursorError();
  }
  return index + 1;
}

/**
 * Cuts a page out of `items` (in their final order), keeping only those that `matches`.
 *
 * @remarks
 * Without `matches`, `items` are already filtered. With it, the page is found by scanning from
 * the cursor and stops one match after the page is full, so the common large list (every active
 * user, 200 at a time) costs a page's worth of work, not the whole list's. A next cursor is
 * issued only when at least one more match exists (a look-ahead), because clients stop exactly
 * when `rel="next"` is absent (okta-behaviours.md §6).
 */
export function paginate<T>(
  items: readonly T[],
  options: { limit: number; after: string | null; matches?: (item: T) => boolean },
  idOf: (item: T) => string,
): Page<T> {
  const start = options.after === null ? 0 : startAfter(items, options.after, idOf);
  const { matches } = options;
  if (matches === undefined) {
    const page = items.slice(start, start + options.limit);
    const last = page.at(-1);
    const hasMore = start + options.limit < items.length;
    return {
      items: page,
      nextCursor:
        hasMore && last !== undefined ? cursorAfter(idOf(last), start + page.length - 1) : null,
    };
  }
  const page: T[] = [];
  let lastPosition = -1;
  let position = start;
  for (; position < items.length && page.length < options.limit; position += 1) {
    const item = items[position] as T;
    if (matches(item)) {
      page.push(item);
      lastPosition = position;
    }
  }
  let hasMore = false;
  for (; position < items.length && !hasMore; position += 1) {
    hasMore = matches(items[position] as T);
  }
  const last = page.at(-1);
  return {
    items: page,
    nextCursor: hasMore && last !== undefined ? cursorAfter(idOf(last), lastPosition) : null,
  };
}

/**
 * The `Link` headers of a list response: `self`, and `next` only when there is a next page.
 *
 * @remarks
 * Absolute URLs on the org's origin that keep the request's other query parameters, as Okta
 * sends them — separate headers, not one comma-joined value.
 */
export function linkHeaders(requestUrl: URL, limit: number, nextCursor: string | null): string[] {
  const self = new URL(requestUrl);
  const links = [`<${self.toString()}>; rel="self"`];
  if (nextCursor !== null) {
    const next = new URL(requestUrl);
    next.searchParams.set('after', nextCursor);
    next.searchParams.set('limit', String(limit));
    links.push(`<${next.toString()}>; rel="next"`);
  }
  return links;
}

/**
 * Reads `limit` from a query: the default when absent, clamped to `max` (and raised to `min`,
 * when the endpoint declares one); `null` when invalid.
 */
export function readLimit(
  query: URLSearchParams,
  defaults: { default: number; max: number; min?: number },
): number | null {
  const raw = query.get('limit');
  if (raw === null) {
    return defaults.default;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    return null;
  }
  return Math.max(defaults.min ?? 1, Math.min(value, defaults.max));
}
