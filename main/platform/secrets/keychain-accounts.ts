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

/**
 * The keychain account of the new client secret a rotation made and has not yet swapped in.
 *
 * @remarks
 * Beside {@link clientSecretAccount}, not over it: until the old secret is retired, the preview,
 * the export and the target all still run on the old one, and the console must not lose either.
 * When the rotation finishes, the new secret moves to `clientSecretAccount` and this one is
 * emptied.
 */
export function pendingClientSecretAccount(orgUrl: string, clientId: string): string {
  return `client-secret-pending:${orgUrl}:${clientId}`;
}

/**
 * The pending account beside an app's {@link clientSecretAccount}, or `undefined` when `account`
 * is not one: how a rotation's verification finds the new secret where the export looks for the
 * app's secret.
 */
export function pendingAccountOf(account: string): string | undefined {
  const prefix = 'client-secret:';
  return account.startsWith(prefix)
    ? `client-secret-pending:${account.slice(prefix.length)}`
    : undefined;
}

/**
 * The keychain account of a service app's private key (a private JWK, as JSON), per org and key
 * id: the console made the key pair, and the private half lives here and nowhere else.
 *
 * @remarks
 * Keyed by the key's `kid`, not the client id, because the key exists before the admin has
 * registered it and knows the client id; the profile records the `kid`.
 */
export function serviceAppKeyAccount(orgUrl: string, keyId: string): string {
  return `service-app-key:${orgUrl}:${keyId}`;
}
