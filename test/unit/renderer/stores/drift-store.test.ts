import { describe, expect, it } from 'vitest';

import { createDriftStore } from '../../../../renderer/stores/drift-store.ts';
import type { OrgDriftReportView, TargetDriftReportView } from '../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const CLEAN: OrgDriftReportView = {
  orgUrl: 'https://acme.okta.com',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client', status: 'ACTIVE' },
  document: { id: 'setup-1', keptFile: '/data/setups/setup-1.json', file: null },
  drift: { drifted: false, fields: [], blockers: [] },
};

const DRIFTED: OrgDriftReportView = {
  ...CLEAN,
  drift: {
    drifted: true,
    fields: [
      {
        key: 'app',
        title: 'App integration "Kestra"',
        path: 'app.redirectUris',
        documentValue: ['https://kestra.example.com/oauth/callback/okta'],
        oktaValue: [
          'https://kestra.example.com/oauth/callback/okta',
          'https://elsewhere.example.com/cb',
        ],
        adoptable: true,
        adoptNote: null,
      },
    ],
    blockers: [],
  },
};

const TARGET: TargetDriftReportView = {
  target: 'kestra',
  file: '/etc/kestra/application.yml',
  app: { id: '0oa1', label: 'Kestra', clientId: '0oa1client' },
  ok: false,
  findings: [
    {
      check: 'client-id',
      ok: false,
      detail: 'The file’s client id 0oaWRONG is no app’s in the org.',
      fix: 'Replace the client id 0oaWRONG with 0oa1client in /etc/kestra/application.yml line 6, and redeploy the target.',
      at: { file: '/etc/kestra/application.yml', line: 6 },
    },
  ],
};

const ok = <T>(data: T) => ({ ok: true, data });

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
    expect(store.getState().targetCheck.report?.findings[0]?.fix).toContain('line 6');
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
