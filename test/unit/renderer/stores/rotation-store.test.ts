import { describe, expect, it, vi } from 'vitest';

import { createRotationStore } from '../../../../renderer/stores/rotation-store.ts';
import type { ChannelResponse, RotationStatusView } from '../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const BASE: RotationStatusView = {
  appId: '0oa1',
  clientId: '0oa1client',
  label: 'Kestra',
  rotationId: null,
  phase: 'none',
  secrets: [{ id: 'ocs1', status: 'ACTIVE', created: '2026-01-01T00:00:00.000Z', role: 'other' }],
  verified: null,
  next: 'Start a rotation to give the app a second client secret.',
};

const WAITING: RotationStatusView = {
  ...BASE,
  rotationId: 'r1',
  phase: 'awaiting-verification',
  secrets: [
    { id: 'ocs1', status: 'ACTIVE', created: '2026-01-01T00:00:00.000Z', role: 'old' },
    { id: 'ocs2', status: 'ACTIVE', created: '2026-12-07T00:00:00.000Z', role: 'new' },
  ],
  next: 'Deploy the new files, then verify them by signing in.',
};

const CONFIRMING: RotationStatusView = {
  ...WAITING,
  phase: 'awaiting-confirmation',
  verified: { target: 'kestra', contentHash: 'a'.repeat(64), at: '2026-12-07T01:00:00.000Z' },
};

const FILES: ChannelResponse<'rotation:render'> = {
  renderId: 'render-1',
  outputs: [
    {
      target: 'kestra',
      files: [
        {
          name: 'application.yml',
          content: 'client-secret: "${OKTA_CLIENT_SECRET}"\n',
          language: 'yaml',
          sensitive: false,
          purpose: 'Kestra’s configuration.',
        },
      ],
      nextSteps: ['Set OKTA_CLIENT_SECRET to the new secret.'],
      warnings: [],
    },
  ],
  refused: [],
};

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

const ok = <T>(data: T) => ({ ok: true, data });

describe('createRotationStore', () => {
  it('opens an app mid-rotation where it stands, and writes the new files again for its target', async () => {
    const fake = createFakeBridge({
      'rotation:status': () => ok(WAITING),
      'rotation:render': () => ok(FILES),
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
    let phase: RotationStatusView = BASE;
    const fake = createFakeBridge({
      'rotation:status': () => ok(phase),
      'rotation:start': () => {
        phase = WAITING;
        return ok(WAITING);
      },
      'rotation:render': () => ok(FILES),
      'rotation:verify-start': () => ok(STARTED),
      'rotation:verify-wait': () => {
        phase = CONFIRMING;
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
          status: { ...BASE, phase: 'finished', rotationId: null },
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
    const sensitive = structuredClone(FILES);
    const fake = createFakeBridge({
      'rotation:status': () => ok(WAITING),
      'rotation:render': () => ok(FILES),
      'rotation:save': () => ok({ kind: 'download' }),
    });
    const store = createRotationStore(fake.api, { download, writeClipboard: vi.fn() });
    await store.getState().open('0oa1', 'kestra');
    await store.getState().save('application.yml');
    expect(download).toHaveBeenCalledWith('application.yml', FILES.outputs[0]?.files[0]?.content);
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
      'rotation:status': () => ok(WAITING),
      'rotation:render': () => ok(FILES),
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
          : ok(BASE),
      'rotation:start': () => ({
        ok: false,
        error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'No keychain.', hint: 'Unlock it.' },
      }),
    });
    const store = createRotationStore(fake.api);
    const slow = store.getState().open('slow', null);
    await store.getState().open('0oa1', null);
    answer(ok({ ...WAITING, appId: 'slow' }));
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
      'rotation:status': () => ok(WAITING),
      'rotation:render': () => ok(FILES),
      'rotation:verify-start': () => ok(STARTED),
      'rotation:verify-wait': () => new Promise(() => undefined),
      'rotation:verify-cancel': () => ok({}),
      'rotation:cancel': () => ok({ ...BASE, phase: 'cancelled' }),
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
