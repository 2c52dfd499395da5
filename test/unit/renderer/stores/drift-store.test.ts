import { describe, expect, it, vi } from 'vitest';

import { createDriftStore } from '../../../../renderer/stores/drift-store.ts';
import {
  CHECKED,
  CLEAN,
  DRIFTED,
  NOT_SIGNED_IN,
  ok,
  SIGNED_IN,
  TARGET,
  TARGET_SIGN_IN,
} from '../../../support/day-two-fixtures.ts';
import { deferred } from '../../../support/export-renderer-fixtures.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

describe('createDriftStore', () => {
  it('checks, and restores only after the admin was asked', async () => {
    const fake = createFakeBridge({
      'drift:check': () => ok(DRIFTED),
      'drift:restore': () => ok(CLEAN),
    });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    expect(store.getState().report?.drift.fields.map((field) => field.path)).toEqual([
      'app.redirectUris',
      'app.status',
    ]);

    await store.getState().restore();
    expect(fake.calls.map((made) => made.channel)).not.toContain('drift:restore');

    store.getState().askRestore();
    expect(store.getState().confirmingRestore).toBe(true);
    await store.getState().restore();
    expect(fake.calls.at(-1)).toEqual({ channel: 'drift:restore', request: { appId: '0oa1' } });
    expect(store.getState()).toMatchObject({
      restored: true,
      confirmingRestore: false,
      report: CLEAN,
    });
  });

  it('does not ask to restore an app without drift', async () => {
    const fake = createFakeBridge({ 'drift:check': () => ok(CLEAN) });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    store.getState().askRestore();
    expect(store.getState().confirmingRestore).toBe(false);
  });

  it('adopts Okta’s values and shows what is left', async () => {
    const fake = createFakeBridge({
      'drift:check': () => ok(DRIFTED),
      'drift:adopt': () =>
        ok({
          adopted: ['app.redirectUris'],
          written: ['/data/setups/setup-1.json'],
          after: CLEAN,
        }),
    });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    await store.getState().adopt();
    expect(store.getState().adopted).toEqual({
      adopted: ['app.redirectUris'],
      written: ['/data/setups/setup-1.json'],
    });
    expect(store.getState().report?.drift.drifted).toBe(false);
  });

  it('checks a target file by its path, the document’s target unless one is picked', async () => {
    const fake = createFakeBridge({
      'drift:check': () => ok(CLEAN),
      'drift:check-target': () => ok(TARGET),
    });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    await store.getState().checkTarget('  /etc/kestra/application.yml ', null);
    await store.getState().checkTarget('/etc/kestra/application.yml', 'kestra');
    expect(
      fake.calls
        .filter((made) => made.channel === 'drift:check-target')
        .map((made) => made.request),
    ).toEqual([
      { appId: '0oa1', path: '/etc/kestra/application.yml' },
      { appId: '0oa1', path: '/etc/kestra/application.yml', target: 'kestra' },
    ]);
    expect(
      store.getState().targetCheck.report?.findings.find((finding) => finding.check === 'client-id')
        ?.fix,
    ).toContain('line 6');
  });

  it('signs in with a target file: the checks, the sign-in to do, then the finding with its checks', async () => {
    const wait = deferred<unknown>();
    const fake = createFakeBridge({
      'drift:check': () => ok(CLEAN),
      'drift:target-sign-in-start': () => ok({ report: CHECKED, signIn: TARGET_SIGN_IN }),
      'drift:target-sign-in-paste': () => ok({}),
      'drift:target-sign-in-wait': () => wait.promise,
    });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    const signingIn = store
      .getState()
      .signInWithTarget(' /etc/kestra/application.yml ', 'kestra', ' ada@example.com ');
    expect(store.getState().targetCheck.status).toBe('starting');
    await vi.waitFor(() => {
      expect(store.getState().targetCheck.status).toBe('waiting');
    });
    expect(store.getState().targetCheck).toMatchObject({ report: CHECKED, signIn: TARGET_SIGN_IN });
    expect(await store.getState().pasteTargetSignIn('https://kestra.example.com/cb?code=x')).toBe(
      null,
    );
    wait.resolve(ok(SIGNED_IN));
    await signingIn;
    expect(store.getState().targetCheck).toMatchObject({
      status: 'done',
      report: SIGNED_IN,
      signIn: null,
      error: null,
    });
    expect(fake.calls.filter((made) => made.channel !== 'drift:check')).toEqual([
      {
        channel: 'drift:target-sign-in-start',
        request: {
          appId: '0oa1',
          path: '/etc/kestra/application.yml',
          target: 'kestra',
          login: 'ada@example.com',
        },
      },
      { channel: 'drift:target-sign-in-wait', request: { verificationId: 'v-1' } },
      {
        channel: 'drift:target-sign-in-paste',
        request: { verificationId: 'v-1', url: 'https://kestra.example.com/cb?code=x' },
      },
    ]);
  });

  it('shows the report when no sign-in could start, and the error when it could not finish', async () => {
    const refusal = { code: 'INVALID_REQUEST', message: 'That sign-in has ended.', hint: '-' };
    let started = 0;
    const fake = createFakeBridge({
      'drift:check': () => ok(CLEAN),
      'drift:target-sign-in-start': () =>
        (started += 1) === 1
          ? ok({ report: NOT_SIGNED_IN, signIn: null })
          : ok({ report: CHECKED, signIn: TARGET_SIGN_IN }),
      'drift:target-sign-in-wait': () => ({ ok: false, error: refusal }),
    });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    await store.getState().signInWithTarget('/etc/kestra/application.yml', null, '');
    expect(store.getState().targetCheck).toMatchObject({ status: 'done', report: NOT_SIGNED_IN });
    expect(fake.calls.at(-1)).toEqual({
      channel: 'drift:target-sign-in-start',
      request: { appId: '0oa1', path: '/etc/kestra/application.yml' },
    });
    await store.getState().signInWithTarget('/etc/kestra/application.yml', null, '');
    expect(store.getState().targetCheck).toMatchObject({
      status: 'error',
      report: null,
      error: refusal,
    });
  });

  it('cancels a waiting sign-in, and ends one left waiting when another check starts', async () => {
    const fake = createFakeBridge({
      'drift:check': () => ok(CLEAN),
      'drift:check-target': () => ok(TARGET),
      'drift:target-sign-in-start': () => ok({ report: CHECKED, signIn: TARGET_SIGN_IN }),
      // Never answered: the sign-in waits until it is cancelled.
      'drift:target-sign-in-wait': () => new Promise(() => undefined),
      'drift:target-sign-in-cancel': () => ok({}),
    });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    void store.getState().signInWithTarget('/etc/kestra/application.yml', null, '');
    await vi.waitFor(() => {
      expect(store.getState().targetCheck.status).toBe('waiting');
    });
    await store.getState().cancelTargetSignIn();
    expect(store.getState().targetCheck).toMatchObject({ status: 'idle', signIn: null });
    expect(fake.calls.at(-1)).toEqual({
      channel: 'drift:target-sign-in-cancel',
      request: { verificationId: 'v-1' },
    });

    void store.getState().signInWithTarget('/etc/kestra/application.yml', null, '');
    await vi.waitFor(() => {
      expect(store.getState().targetCheck.status).toBe('waiting');
    });
    await store.getState().checkTarget('/etc/kestra/application.yml', null);
    expect(store.getState().targetCheck).toMatchObject({ status: 'done', report: TARGET });
    expect(
      fake.calls.filter((made) => made.channel === 'drift:target-sign-in-cancel'),
    ).toHaveLength(2);
  });

  it('says a failure with the step it failed in', async () => {
    const refusal = {
      code: 'PLAN_STALE',
      message: 'The org changed while the document was being restored.',
      hint: 'Check again.',
    };
    const fake = createFakeBridge({
      'drift:check': () => ok(DRIFTED),
      'drift:restore': () => ({ ok: false, error: refusal }),
    });
    const store = createDriftStore(fake.api);
    await store.getState().check('0oa1');
    store.getState().askRestore();
    await store.getState().restore();
    expect(store.getState().error).toEqual({ during: 'restoring', value: refusal });
    expect(store.getState().restored).toBe(false);
  });
});
