import { describe, expect, it } from 'vitest';

import { createProfilesStore } from '../../../../renderer/stores/profiles-store.ts';
import type { ProfileSummary } from '../../../../shared/profiles/profile.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const PROFILE: ProfileSummary = {
  id: 'p1',
  kind: 'okta',
  label: 'Acme',
  orgUrl: 'https://acme.okta.com',
  orgName: 'Acme',
  owner: { id: '00u1', login: 'ada@acme.com', displayName: 'Ada' },
  adminRoles: ['SUPER_ADMIN'],
  tokenHint: 'abcd',
  verifiedAt: '2026-01-01T00:00:00.000Z',
};

describe('createProfilesStore', () => {
  it('loads the list and becomes ready', async () => {
    const { api } = createFakeBridge({
      'profiles:list': () => ({ ok: true, data: { profiles: [PROFILE], activeProfileId: 'p1' } }),
    });
    const store = createProfilesStore(api);
    await store.getState().load();
    expect(store.getState()).toMatchObject({
      status: 'ready',
      activeProfileId: 'p1',
      profiles: [PROFILE],
    });
  });

  it('asks for the list once however often it is started, and again on each load', async () => {
    let asked = 0;
    const { api } = createFakeBridge({
      'profiles:list': () => {
        asked += 1;
        return { ok: true, data: { profiles: [PROFILE], activeProfileId: 'p1' } };
      },
    });
    const store = createProfilesStore(api);
    // The window starts it before the first render; the app starts it again when it mounts.
    await Promise.all([store.getState().start(), store.getState().start()]);
    await store.getState().start();
    expect(asked).toBe(1);
    expect(store.getState().status).toBe('ready');
    await store.getState().load();
    expect(asked).toBe(2);
  });

  it('treats an answer that breaks the contract as an error, not as data', async () => {
    const { api } = createFakeBridge({
      'profiles:list': () => ({ ok: true, data: { profiles: 'nope' } }),
    });
    const store = createProfilesStore(api);
    await store.getState().load();
    expect(store.getState().status).toBe('error');
    expect(store.getState().listError?.code).toBe('INVALID_RESPONSE');
  });

  it('folds progress events into the running connection and keeps the failure', async () => {
    const fake = createFakeBridge({
      'profiles:add': (request) => {
        const { operationId } = request as { operationId: string };
        const orgUrl = 'https://acme.okta.com';
        fake.emit('profiles:verify-progress', {
          operationId,
          orgUrl,
          step: 'reach-org',
          state: 'done',
        });
        // Another attempt's progress must not leak into this one.
        fake.emit('profiles:verify-progress', {
          operationId: 'other',
          orgUrl,
          step: 'read-org',
          state: 'done',
        });
        fake.emit('profiles:verify-progress', {
          operationId,
          orgUrl,
          step: 'check-token',
          state: 'failed',
        });
        return {
          ok: false,
          error: {
            code: 'TOKEN_INVALID',
            message: 'Invalid token provided',
            hint: 'h',
            field: 'apiToken',
          },
        };
      },
    });
    const store = createProfilesStore(fake.api);
    const failure = await store
      .getState()
      .connectOkta({ orgUrl: 'https://acme.okta.com', apiToken: 'x', label: ' ' });
    expect(failure?.code).toBe('TOKEN_INVALID');
    expect(store.getState().connect).toMatchObject({
      status: 'error',
      target: 'okta',
      steps: { 'reach-org': 'done', 'check-token': 'failed' },
    });
    expect(fake.calls[0]?.request).toEqual({
      orgUrl: 'https://acme.okta.com',
      apiToken: 'x',
      operationId: store.getState().connect.operationId,
    });
  });

  /** A store whose connection attempt has already been answered with a failure. */
  async function afterFailedConnect() {
    const fake = createFakeBridge({
      'profiles:add': () => ({
        ok: false,
        error: { code: 'TOKEN_INVALID', message: 'm', hint: 'h', field: 'apiToken' },
      }),
    });
    const store = createProfilesStore(fake.api);
    await store
      .getState()
      .connectOkta({ orgUrl: 'https://acme.okta.com', apiToken: 'x', label: '' });
    return { fake, store, operationId: store.getState().connect.operationId };
  }

  it('drops an event whose payload breaks the contract', async () => {
    const { fake, store, operationId } = await afterFailedConnect();
    const forged = { operationId, orgUrl: 'x', step: 'steal-token', state: 'done' };
    fake.emit('profiles:verify-progress', forged as never);
    expect(store.getState().connect.steps).toEqual({});
  });

  it('keeps progress that arrives after the answer (events and answers travel separately)', async () => {
    const { fake, store, operationId } = await afterFailedConnect();
    const orgUrl = 'https://acme.okta.com';
    fake.emit('profiles:verify-progress', {
      operationId,
      orgUrl,
      step: 'check-token',
      state: 'failed',
    });
    expect(store.getState().connect.steps).toEqual({ 'check-token': 'failed' });
  });

  it('reloads the list after connecting', async () => {
    const { api, calls } = createFakeBridge({
      'profiles:add-sandbox': () => ({
        ok: true,
        data: { profile: { ...PROFILE, id: 'sandbox', kind: 'sandbox', tokenHint: null } },
      }),
      'profiles:list': () => ({ ok: true, data: { profiles: [PROFILE], activeProfileId: 'p1' } }),
    });
    const store = createProfilesStore(api);
    expect(await store.getState().connectSandbox()).toBeNull();
    expect(calls.map((call) => call.channel)).toEqual(['profiles:add-sandbox', 'profiles:list']);
    expect(store.getState().connect.status).toBe('done');
  });
});
