import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random characters from [A-Za-z0-9], without modulo bias. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes above it would favour the first characters.
      if (byte < 248 && out.length < length) {
        out += ALPHANUMERIC.charAt(byte % 62);
      }
    }
  }
  return out;
}

/**
 * An Okta-shaped object id: a three-character type prefix and 17 more characters.
 *
 * @remarks
 * Okta ids are 20 characters whose prefix names the type: `00u` users, `00o` orgs, `0oa` apps,
 * `00g` groups, `aus` authorization servers.
 */
export function oktaId(prefix: string): string {
  return `${prefix}${randomAlphanumeric(20 - prefix.length)}`;
}

/** An Okta-shaped SSWS API token: 42 characters starting with `00`. */
export function apiToken(): string {
  return `00${randomBytes(30).toString('base64url')}`;
}

/** An Okta-shaped `errorId` / `X-Okta-Request-Id`. */
export function requestId(): string {
  return `oae${randomAlphanumeric(22)}`;
}
