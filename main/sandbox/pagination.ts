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

/**
 * Cuts a page out of `items` (already filtered and in their final order).
 *
 * @remarks
 * The cursor is the last returned item's id, base64url-encoded so clients treat it as opaque,
 * as Okta's is. A next cursor is issued only when at least one more item exists (a look-ahead),
 * because clients stop exactly when `rel="next"` is absent (okta-behaviours.md §6).
 */
export function paginate<T>(
  items: readonly T[],
  options: { limit: number; after: string | null },
  idOf: (item: T) => string,
): Page<T> {
  let start = 0;
  if (options.after !== null) {
    const afterId = Buffer.from(options.after, 'base64url').toString('utf8');
    const index = items.findIndex((item) => idOf(item) === afterId);
    if (index === -1) {
      throw new InvalidCursorError();
    }
    start = index + 1;
  }
  const page = items.slice(start, start + options.limit);
  const last = page.at(-1);
  const hasMore = start + options.limit < items.length;
  return {
    items: page,
    nextCursor:
      hasMore && last !== undefined ? Buffer.from(idOf(last), 'utf8').toString('base64url') : null,
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

/** Reads `limit` from a query: the default when absent, clamped to `max`; `null` when invalid. */
export function readLimit(
  query: URLSearchParams,
  defaults: { default: number; max: number },
): number | null {
  const raw = query.get('limit');
  if (raw === null) {
    return defaults.default;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    return null;
  }
  return Math.min(value, defaults.max);
}
