import type { SecretStore } from '../../main/platform/secrets/secret-store.ts';

/**
 * A secret store in memory, for unit tests only.
 *
 * @remarks
 * Integration and end-to-end tests use the real keychain; this exists so unit tests of callers
 * can run without one, and can make it fail on demand.
 */
export class InMemorySecretStore implements SecretStore {
  readonly secrets = new Map<string, string>();
  failure: Error | null = null;

  info() {
    return { kind: 'memory (tests only)', isPersistent: false, isOsProtected: false };
  }

  checkAvailable() {
    return this.failure === null ? Promise.resolve() : Promise.reject(this.failure);
  }

  async get(account: string) {
    await this.checkAvailable();
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string) {
    await this.checkAvailable();
    this.secrets.set(account, secret);
  }

  async delete(account: string) {
    await this.checkAvailable();
    return this.secrets.delete(account);
  }

  async listAccounts() {
    await this.checkAvailable();
    return [...this.secrets.keys()];
  }
}
