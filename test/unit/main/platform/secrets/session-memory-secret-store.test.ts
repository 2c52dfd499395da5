import { describe, expect, it } from 'vitest';

import { SessionMemorySecretStore } from '../../../../../main/platform/secrets/session-memory-secret-store.ts';

describe('SessionMemorySecretStore', () => {
  it('keeps, replaces, lists and deletes secrets, and counts them', async () => {
    const store = new SessionMemorySecretStore();
    await expect(store.checkAvailable()).resolves.toBeUndefined();
    expect(await store.get('client-secret:a')).toBeNull();
    await store.set('client-secret:a', 'first');
    await store.set('client-secret:a', 'second');
    await store.set('test-user:b', 'pw');
    expect(await store.get('client-secret:a')).toBe('second');
    expect(await store.listAccounts()).toEqual(['client-secret:a', 'test-user:b']);
    expect(store.size).toBe(2);
    expect(await store.delete('test-user:b')).toBe(true);
    expect(await store.delete('test-user:b')).toBe(false);
    expect(store.size).toBe(1);
  });

  it('says it keeps nothing past the session and no OS protects it', () => {
    expect(new SessionMemorySecretStore().info()).toEqual({
      kind: 'this session’s memory',
      isPersistent: false,
      isOsProtected: false,
    });
  });

  it('shares nothing between two sessions', async () => {
    const one = new SessionMemorySecretStore();
    await one.set('acct', 'secret');
    expect(await new SessionMemorySecretStore().get('acct')).toBeNull();
  });
});
