import { describe, expect, it, vi } from 'vitest';

import { createRotationStore } from '../../../../renderer/stores/rotation-store.ts';
import type { ChannelResponse, RotationStatusView } from '../../../../shared/ipc/contract.ts';
import {
  ok,
  ROTATION_CONFIRMING,
  ROTATION_FILES,
  ROTATION_NONE,
  ROTATION_WAITING,
} from '../../../support/day-two-fixtures.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const STARTED: ChannelResponse<'rotation:verify-start'> = {
  verificationId: 'verify-1',
  authorizeUrl: 'https://acme.okta.com/oauth2/v1/authorize?client_id=0oa1client',
  strategy: {
    kind: 'app-loopback',
    redirectUri: 'http://localhost:8080/oauth/callback/okta',
    explanation: 'The console listens on the files’ own redirect URI.',
  },
  reading: {
    issuer: 'https://acme.okta.com',
    clientId: '0oa1client',
    redirectUri: 'http://localhost:8080/oauth/callback/okta',
    scopes: ['openid'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    clientSecretFrom: 'environment variable OKTA_CLIENT_SECRET',
  },
  user: { login: 'ada@example.com', passwordInKeychain: false },
};

describe('createRotationStore', () => {
  it('opens an app mid-rotation where it stands, and writes the new files again for its target', async () => {
    const fake = createFakeBridge({
      'rotation:status': () => ok(ROTATION_WAITING),
      'rotation:render': () => ok(ROTATION_FILES),
    });
    const store = createRotationStore(fake.api);
    await store.getState().open('0oa1', 'kestra');
    expect(store.getState().status?.phase).toBe('awaiting-verification');
    expect(store.getState().files?.renderId).toBe('render-1');
    expect(fake.calls.map((made) => [made.channel, made.request])).toEqual([
      ['rotation:status', { appId: '0oa1' }],
      ['rotation:render', { appId: '0oa1', target: 'kestra' }],
    ]);
  });

  it('starts, verifies by signing in with the new files, then confirms with an explicit true', async () => {
    let phase: RotationStatusView = ROTATION_NONE;
    const fake = createFakeBridge({
      'rotation:status': () => ok(phase),
      'rotation:start': () => {
        phase = ROTATION_WAITING;
        return ok(ROTATION_WAITING);
      },
      'rotation:render': () => ok(ROTATION_FILES),
      'rotation:verify-start': () => ok(STARTED),
      'rotation:verify-wait': () => {
        phase = ROTATION_CONFIRMING;
        return ok({
          ok: true,
          target: 'kestra',
          contentHash: 'a'.repeat(64),
          verifiedAt: '2026-12-07T01:00:00.000Z',
          reading: null,
          checks: [{ name: 'sign-in', ok: true, detail: 'Signed in.' }],
          claims: null,
        });
      },
      'rotation:finish': () =>
        ok({
          status: { ...ROTATION_NONE, phase: 'finished', rotationId: null },
          keychainWarning: null,
        }),
    });
    const store = createRotationStore(fake.api);
    await store.getState().open('0oa1', 'kestra');
    expect(store.getState().files).toBeNull();
    await store.getState().start();
    expect(store.getState().files?.outputs[0]?.target).toBe('kestra');

    await store.getState().verify('  ');
    expect(fake.calls.find((made) => made.channel === 'rotation:verify-start')?.request).toEqual({
      appId: '0oa1',
      renderId: 'render-1',
    });
    expect(store.getState().verification?.status).toBe('done');
    // The success is journaled by main; the store reads where the rotation now stands.
    expect(store.getState().status?.phase).toBe('awaiting-confirmation');

    await store.getState().finish();
    expect(fake.calls.find((made) => made.channel === 'rotation:finish')?.request).toEqual({
      appId: '0oa1',
      confirmTargetRunsOnNewSecret: true,
    });
    expect(store.getState().status?.phase).toBe('finished');
    expect(store.getState().files).toBeNull();
  });

  it('downloads a referenced file in browser mode, and never one that would hold the secret', async () => {
    const download = vi.fn();
    const sensitive = structuredClone(ROTATION_FILES);
    const fake = createFakeBridge({
      'rotation:status': () => ok(ROTATION_WAITING),
      'rotation:render': () => ok(ROTATION_FILES),
      'rotation:save': () => ok({ kind: 'download' }),
    });
    const store = createRotationStore(fake.api, { download, writeClipboard: vi.fn() });
    await store.getState().open('0oa1', 'kestra');
    await store.getState().save('application.yml');
    expect(download).toHaveBeenCalledWith(
      'application.yml',
      ROTATION_FILES.outputs[0]?.files[0]?.content,
    );
    expect(store.getState().saves['application.yml']).toEqual({ status: 'downloaded' });

    const file = sensitive.outputs[0]?.files[0];
    if (file !== undefined) {
      file.sensitive = true;
    }
    store.setState({ files: sensitive, saves: {} });
    await store.getState().save('application.yml');
    expect(download).toHaveBeenCalledTimes(1);
    expect(store.getState().saves['application.yml']?.status).toBe('error');
  });

  it('replaces an existing file only after its diff, naming it as main answered', async () => {
    const fake = createFakeBridge({
      'rotation:status': () => ok(ROTATION_WAITING),
      'rotation:render': () => ok(ROTATION_FILES),
      'rotation:save': (request) =>
        (request as { replace?: unknown }).replace === undefined
          ? ok({
              kind: 'confirm-overwrite',
              path: '/srv/kestra/application.yml',
              diff: '-client-id: old\n+client-id: new',
              replaceHash: 'hash-1',
              replaceId: 'replace-1',
            })
          : ok({ kind: 'saved', path: '/srv/kestra/application.yml', mode: '0644' }),
    });
    const store = createRotationStore(fake.api);
    await store.getState().open('0oa1', 'kestra');
    await store.getState().save('application.yml');
    expect(store.getState().saves['application.yml']).toMatchObject({
      status: 'exists',
      diff: '-client-id: old\n+client-id: new',
    });
    await store.getState().replace('application.yml');
    expect(fake.calls.at(-1)?.request).toEqual({
      renderId: 'render-1',
      target: 'kestra',
      name: 'application.yml',
      replace: { id: 'replace-1', hash: 'hash-1' },
    });
    expect(store.getState().saves['application.yml']).toEqual({
      status: 'saved',
      path: '/srv/kestra/application.yml',
    });
  });

  it('says a failed step where it failed, and drops an answer for an app no longer open', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const fake = createFakeBridge({
      'rotation:status': (request) =>
        (request as { appId: string }).appId === 'slow'
          ? new Promise((resolve) => {
              answer = resolve;
            })
          : ok(ROTATION_NONE),
      'rotation:start': () => ({
        ok: false,
        error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'No keychain.', hint: 'Unlock it.' },
      }),
    });
    const store = createRotationStore(fake.api);
    const slow = store.getState().open('slow', null);
    await store.getState().open('0oa1', null);
    answer(ok({ ...ROTATION_WAITING, appId: 'slow' }));
    await slow;
    expect(store.getState().status?.appId).toBe('0oa1');

    await store.getState().start();
    expect(store.getState().error).toEqual({
      during: 'starting',
      value: { code: 'KEYCHAIN_UNAVAILABLE', message: 'No keychain.', hint: 'Unlock it.' },
    });
    expect(store.getState().busy).toBeNull();
  });

  it('cancels a waiting sign-in when the rotation is cancelled', async () => {
    const fake = createFakeBridge({
      'rotation:status': () => ok(ROTATION_WAITING),
      'rotation:render': () => ok(ROTATION_FILES),
      'rotation:verify-start': () => ok(STARTED),
      'rotation:verify-wait': () => new Promise(() => undefined),
      'rotation:verify-cancel': () => ok({}),
      'rotation:cancel': () => ok({ ...ROTATION_NONE, phase: 'cancelled' }),
    });
    const store = createRotationStore(fake.api);
    await store.getState().open('0oa1', 'kestra');
    void store.getState().verify('ada@example.com');
    await vi.waitFor(() => {
      expect(store.getState().verification?.status).toBe('waiting');
    });
    await store.getState().cancel();
    expect(fake.calls.map((made) => made.channel)).toContain('rotation:verify-cancel');
    expect(store.getState().status?.phase).toBe('cancelled');
    expect(store.getState().verification).toBeNull();
  });
});
