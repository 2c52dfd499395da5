import { adminConsoleUrl, isLoopbackHostname } from '../../shared/okta/org-url.ts';

/**
 * Whether `url` is on `origin` (scheme, host and port), with no credentials in it.
 *
 * @remarks
 * Compares parsed scheme and host rather than `URL.origin`, because Node's URL parser reports
 * the origin of a custom scheme such as `app://` as `"null"` (only Chromium knows Electron's
 * registered standard schemes), and never with `startsWith`, so `app://console.evil`,
 * `app://console@evil` and `javascript:` URLs are refused however they are spelled.
 */
export function isOnOrigin(url: string, origin: string): boolean {
  try {
    const candidate = new URL(url);
    const expected = new URL(origin);
    return (
      candidate.host !== '' &&
      candidate.protocol === expected.protocol &&
      candidate.host === expected.host &&
      candidate.username === '' &&
      candidate.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * Whether a window may navigate to `url`: only within the app's own origin.
 *
 * @remarks
 * Electron checklist #13.
 */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  return isOnOrigin(url, appOrigin);
}

/**
 * Whether `url` may be handed to the OS to open: https, no credentials, on an allowed origin.
 *
 * @remarks
 * Electron checklist #15. `shell.openExternal` runs whatever handler the OS has for a scheme
 * (`file:`, `smb:`, `ms-msdt:` have all been exploited), so only https on an explicit allowlist
 * (the connected org, documentation hosts) passes — and plain http only for a loopback origin on
 * that allowlist: the local sandbox org, whose sign-in page the login preview opens in the
 * system browser. Hosts are compared after the URL parser has converted IDN look-alikes to
 * punycode.
 */
export function isSafeExternalUrl(url: string, allowedOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const isLoopbackHttp = parsed.protocol === 'http:' && isLoopbackHostname(parsed.hostname);
  if (
    (parsed.protocol !== 'https:' && !isLoopbackHttp) ||
    parsed.username !== '' ||
    parsed.password !== ''
  ) {
    return false;
  }
  return allowedOrigins.includes(parsed.origin);
}

/** Documentation hosts the console links to. */
export const DOCUMENTATION_ORIGINS: readonly string[] = [
  'https://developer.okta.com',
  'https://help.okta.com',
];

/**
 * The origins links may open for the connected orgs: each https org URL and its Admin Console.
 *
 * @remarks
 * The wizard links to Admin Console pages after an apply, and those live on the org's `-admin`
 * host (see {@link adminConsoleUrl}), a different origin from the org URL; without it the
 * allowlist would refuse every such link. A plain-http org qualifies only on loopback (the local
 * sandbox, for the login preview's sign-in page); any other http org never does.
 */
export function connectedOrgOrigins(orgUrls: readonly string[]): string[] {
  return orgUrls
    .flatMap((orgUrl) => {
      const admin = adminConsoleUrl(orgUrl);
      return admin === null ? [orgUrl] : [orgUrl, admin];
    })
    .filter(
      (origin) =>
        origin.startsWith('https:') ||
        (origin.startsWith('http:') && isLoopbackHostname(new URL(origin).hostname)),
    );
}
