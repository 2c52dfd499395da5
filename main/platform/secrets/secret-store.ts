/**
 * What a secret store is and how safe it keeps things.
 *
 * @remarks
 * Reported to the renderer (never the secrets) so the admin can see where a token lives.
 */
export interface SecretStoreInfo {
  /** A short name of the backend, e.g. `keytar (Secret Service)`. */
  kind: string;
  /** Whether secrets survive a restart. */
  isPersistent: boolean;
  /** Whether the OS protects secrets from other users (and, where it can, other apps). */
  isOsProtected: boolean;
}

/**
 * Where the console keeps secrets: API tokens now, client secrets and keys later.
 *
 * @remarks
 * An interface so the keytar adapter can be replaced (Electron `safeStorage`, `@napi-rs/keyring`)
 * without touching callers. Implementations throw `AppError` with code `KEYCHAIN_UNAVAILABLE` or
 * `KEYCHAIN_VALUE_TOO_LARGE` and a hint; they never fall back to plain text. Nothing exposes a
 * store over IPC.
 */
export interface SecretStore {
  /**
   * Confirms the backend keeps a secret now (it answers, and it is unlocked), so what needs one
   * fails before any Okta call rather than after.
   */
  checkAvailable(): Promise<void>;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Deletes a secret; resolves `false` when there was none. */
  delete(account: string): Promise<boolean>;
  /** Accounts that hold a secret (never the secrets). */
  listAccounts(): Promise<string[]>;
  info(): SecretStoreInfo;
}

/** The keychain service name every console secret is stored under. */
export const KEYCHAIN_SERVICE = 'sso-setup-console';
