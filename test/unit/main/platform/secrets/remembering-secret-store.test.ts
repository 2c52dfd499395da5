import { describe, expect, it } from 'vitest';

import { createRedactor } from '../../../../../main/platform/logging/redact.ts';
import { rememberingSecretStore } from '../../../../../main/platform/secrets/remembering-secret-store.ts';
import type { SecretStore } from '../../../../../main/platform/secrets/secret-store.ts';

/** A map standing in for the keychain: this test is about what the redactor hears. */
function mapStore(initial: Record<string, string>): SecretStore {
  const secrets = new Map(Object.entries(initial));
  return {
    checkAvailable: () => Promise.resolve(),
    get: (account) => Promise.resolve(secrets.get(account) ?? null),
    set: (account, secret) => {
      secrets.set(account, secret);
      return Promise.resolve();
    },
    delete: (account) => Promise.resolve(secrets.delete(account)),
    listAccounts: () => Promise.resolve([...secrets.keys()]),
    info: () => ({ kind: 'map', isPersistent: false, isOsProtected: false }),
  };
}

describe('rememberingSecretStore', () => {
  it('makes every secret kept or read back a known secret of the redactor', async () => {
    const redactor = createRedactor();
    const store = rememberingSecretStore(
      mapStore({ 'https://dev-1.okta.com': 'kept-by-an-earlier-run' }),
      redactor,
    );
    await store.set('client-secret:0oa1', 'created-just-now-by-apply');
    expect(await store.get('https://dev-1.okta.com')).toBe('kept-by-an-earlier-run');
    expect(await store.get('nobody')).toBeNull();
    expect(redactor.text('kept-by-an-earlier-run / created-just-now-by-apply')).toBe(
      '[redacted] / [redacted]',
    );
    expect(await store.listAccounts()).toEqual(['https://dev-1.okta.com', 'client-secret:0oa1']);
  });
});
