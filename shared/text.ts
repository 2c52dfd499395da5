/**
 * `text` without the slashes it ends with, in linear time: `/\/+$/` would try a match at every
 * slash of a long run and rescan to its end each time (quadratic), and these strings come from
 * outside (an org URL, a base URL the admin typed, an issuer Okta named).
 */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '/') {
    end -= 1;
  }
  return text.slice(0, end);
}
