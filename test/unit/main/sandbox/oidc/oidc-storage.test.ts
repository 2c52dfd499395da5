import { describe, expect, it } from 'vitest';

import { OidcArtifactStore } from '../../../../../main/sandbox/oidc/oidc-storage.ts';

describe('OidcArtifactStore', () => {
  it('remembers when a refresh token was first used, to the millisecond', async () => {
    let now = 1_000_500;
    const store = new OidcArtifactStore(() => now);
    const tokens = store.adapterFor('RefreshToken');
    await tokens.upsert('rt-1', { grantId: 'g-1', clientId: 'c' }, 3600);
    await tokens.consume('rt-1');
    expect(store.peek('RefreshToken', 'rt-1')).toMatchObject({
      consumed: 1000,
      firstUsedAtMs: 1_000_500,
    });
    // A grace-period reuse lets the provider use it again; the first use stays the first.
    const restore = store.reopenRefreshToken('rt-1');
    expect(store.peek('RefreshToken', 'rt-1')?.consumed).toBeUndefined();
    now += 20_000;
    await tokens.consume('rt-1');
    restore();
    expect(store.peek('RefreshToken', 'rt-1')).toMatchObject({
      consumed: 1020,
      firstUsedAtMs: 1_000_500,
    });
  });

  it('puts the used mark back when the reopened request used nothing', async () => {
    const store = new OidcArtifactStore(() => 5_000);
    const tokens = store.adapterFor('RefreshToken');
    await tokens.upsert('rt-1', { grantId: 'g-1' }, 3600);
    await tokens.consume('rt-1');
    const restore = store.reopenRefreshToken('rt-1');
    restore();
    expect(store.peek('RefreshToken', 'rt-1')?.consumed).toBe(5);
    // A token never used has nothing to reopen.
    await tokens.upsert('rt-2', { grantId: 'g-1' }, 3600);
    store.reopenRefreshToken('rt-2')();
    expect(store.peek('RefreshToken', 'rt-2')?.consumed).toBeUndefined();
  });

  it('revokes everything of one grant, and nothing of another', async () => {
    const store = new OidcArtifactStore(() => 0);
    await store.adapterFor('RefreshToken').upsert('rt-1', { grantId: 'g-1' }, 60);
    await store.adapterFor('AccessToken').upsert('at-1', { grantId: 'g-1' }, 60);
    await store.adapterFor('Grant').upsert('g-1', { grantId: 'g-1' }, 60);
    await store.adapterFor('RefreshToken').upsert('rt-2', { grantId: 'g-2' }, 60);
    expect(store.revokeGrant('g-1')).toBe(3);
    expect(store.peek('RefreshToken', 'rt-1')).toBeUndefined();
    expect(store.peek('AccessToken', 'at-1')).toBeUndefined();
    expect(store.peek('RefreshToken', 'rt-2')).toBeDefined();
  });
});
