import type { SecretStore, SecretStoreInfo } from './secret-store.ts';

/**
 * Secrets kept in this process's memory, for this session only: what the console uses when no
 * keychain is reachable and the admin chose, explicitly, to go on without one.
 *
 * @remarks
 * Never chosen silently (see `createKeychainChoice`): a secret kept here is gone when the
 * console quits, and Okta never shows a client secret again. Nothing here writes a file, and
 * nothing exposes the map; what it keeps leaves only through the same `get` the keychain's
 * secrets leave by (the admin's "Show", the preview, the export).
 */
export class SessionMemorySecretStore implements SecretStore {
  readonly #secrets = new Map<string, string>();

  info(): SecretStoreInfo {
    return { kind: 'this session’s memory', isPersistent: false, isOsProtected: false };
  }

  /** Always keeps a secret: memory is there as long as the console runs. */
  checkAvailable(): Promise<void> {
    return Promise.resolve();
  }

  get(account: string): Promise<string | null> {
    return Promise.resolve(this.#secrets.get(account) ?? null);
  }

  set(account: string, secret: string): Promise<void> {
    this.#secrets.set(account, secret);
    return Promise.resolve();
  }

  delete(account: string): Promise<boolean> {
    return Promise.resolve(this.#secrets.delete(account));
  }

  listAccounts(): Promise<string[]> {
    return Promise.resolve([...this.#secrets.keys()]);
  }

  /** How many secrets this session holds, for the admin to see what quitting would lose. */
  get size(): number {
    return this.#secrets.size;
  }
}
