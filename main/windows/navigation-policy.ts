/**
 * Whether a window may navigate to `url`: only within the app's own origin.
 *
 * @remarks
 * Electron checklist #13. Origins are compared after parsing, so `app://console.evil`,
 * `app://console@evil` and `javascript:` URLs are refused however they are spelled.
 */
export function isAllowedNavigation(url: string, appOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.origin !== 'null' && parsed.origin === appOrigin;
  } catch {
    return false;
  }
}

/**
 * Whether `url` may be handed to the OS to open: https, no credentials, on an allowed origin.
 *
 * @remarks
 * Electron checklist #15. `shell.openExternal` runs whatever handler the OS has for a scheme
 * (`file:`, `smb:`, `ms-msdt:` have all been exploited), so only https on an explicit allowlist
 * (the connected org, documentation hosts) passes. Hosts are compared after the URL parser has
 * converted IDN look-alikes to punycode.
 */
export function isSafeExternalUrl(url: string, allowedOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') {
    return false;
  }
  return allowedOrigins.includes(parsed.origin);
}

/** Documentation hosts the console links to. */
export const DOCUMENTATION_ORIGINS: readonly string[] = [
  'https://developer.okta.com',
  'https://help.okta.com',
];
