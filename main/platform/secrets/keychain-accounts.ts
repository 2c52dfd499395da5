/**
 * The keychain accounts the console keeps its secrets under, one scheme for the console window,
 * the command line, the preview and the export, so each finds what another stored.
 */

/** The keychain account of an app's client secret: per org and client, never in a file. */
export function clientSecretAccount(orgUrl: string, clientId: string): string {
  return `client-secret:${orgUrl}:${clientId}`;
}

/** The keychain account of a test user's generated password, for the login preview. */
export function testUserPasswordAccount(orgUrl: string, login: string): string {
  return `test-user:${orgUrl}:${login}`;
}
