/**
 * Matching the console's origins with the org's trusted origins.
 *
 * @remarks
 * Okta keeps a trusted origin exactly as it was sent, a trailing `/` included
 * (okta-behaviours.md §3), and an admin may well have typed `https://app.example/` where the
 * console thinks of the origin `https://app.example`. So the console never compares the texts
 * alone: two values name the same origin when their scheme, host and port are the same, as a
 * browser's `Origin` header would state them.
 */

/** `scheme://host[:port]` of a trusted-origin value, or the value itself when it is no URL. */
function originKey(value: string): string {
  if (!URL.canParse(value)) {
    return value;
  }
  const url = new URL(value);
  // `url.origin` is "null" for the non-special schemes Okta takes (`ionic:`, `capacitor:`).
  return `${url.protocol}//${url.host}`;
}

/** Whether two trusted-origin values name the same origin (`https://a.example/` = `https://a.example`). */
export function sameOrigin(a: string, b: string): boolean {
  return a === b || originKey(a) === originKey(b);
}

/**
 * The trusted origin that is `origin`: the one whose text is the same if there is one, else one
 * that names the same origin another way.
 */
export function findTrustedOrigin<T extends { origin: string | undefined }>(
  items: readonly T[],
  origin: string,
): T | undefined {
  return (
    items.find((item) => item.origin === origin) ??
    items.find((item) => item.origin !== undefined && sameOrigin(item.origin, origin))
  );
}

/**
 * The texts under which Okta may hold `origin` when it was sent bare or with a trailing `/`: the
 * values of an `origin eq …` filter that should find it.
 */
export function originSpellings(origin: string): string[] {
  const bare = origin.endsWith('/') ? origin.slice(0, -1) : origin;
  return [bare, `${bare}/`];
}
