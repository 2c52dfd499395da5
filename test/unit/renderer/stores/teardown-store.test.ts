import { describe, expect, it } from 'vitest';

import { createTeardownStore } from '../../../../renderer/stores/teardown-store.ts';
import type { TeardownPlanView } from '../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const PLAN: TeardownPlanView = {
  planId: 'teardown-1',
  orgUrl: 'https://acme.okta.com',
  removals: [
    {
      key: 'destroy:app',
      kind: 'app',
      title: 'App integration "Kestra" (0oa1)',
      objectId: '0oa1',
      why: 'made by this setup',
    },
    {
      key: 'destroy:test-user',
      kind: 'test-user',
      title: 'Test user "t@example.com" (00u1)',
      objectId: '00u1',
      why: 'made by this setup',
    },
  ],
  leftAlone: [{ title: 'Group "Engineering"', why: 'it existed before' }],
  keychainEntries: 2,
};

describe('createTeardownStore', () => {
  it('plans, then removes the reviewed plan with progress matched to this teardown', async () => {
    let release: () => void = () => undefined;
    const fake = createFakeBridge({
      'teardown:plan': () => ({ ok: true, data: PLAN }),
      'teardown:apply': () =>
        new Promise((resolve) => {
          release = () => {
            resolve({
              ok: true,
              data: {
                removed: PLAN.removals.map(({ key, title }) => ({ key, title })),
                keychainEntriesForgotten: 2,
                keychainWarning: null,
              },
            });
          };
        }),
    });
    const store = createTeardownStore(fake.api);
    await store.getState().makePlan('setup-1');
    expect(store.getState()).toMatchObject({ status: 'planned', plan: PLAN, setupId: 'setup-1' });

    const applying = store.getState().apply();
    const request = fake.calls.find((call) => call.channel === 'teardown:apply')?.request as {
      planId: string;
      operationId: string;
    };
    expect(request.planId).toBe('teardown-1');
    expect(store.getState().progress.map((step) => step.state)).toEqual(['pending', 'pending']);
    // Another window's teardown says nothing about this one.
    fake.emit('teardown:progress', {
      operationId: 'someone-else',
      key: 'destroy:app',
      title: 'x',
      state: 'removed',
    });
    fake.emit('teardown:progress', {
      operationId: request.operationId,
      key: 'destroy:app',
      title: 'App integration "Kestra" (0oa1)',
      state: 'removing',
    });
    expect(store.getState().progress.map((step) => step.state)).toEqual(['removing', 'pending']);
    release();
    await applying;
    expect(store.getState().status).toBe('done');
    expect(store.getState().progress.map((step) => step.state)).toEqual(['removed', 'removed']);
    expect(store.getState().result?.keychainEntriesForgotten).toBe(2);
  });

  it('keeps the progress and says what failed in place when the removal fails', async () => {
    const fake = createFakeBridge({
      'teardown:plan': () => ({ ok: true, data: PLAN }),
      'teardown:apply': () => ({
        ok: false,
        error: {
          code: 'PERMISSION_DENIED',
          message: 'deleting the test user was refused',
          hint: 'Use a token that may.',
        },
      }),
    });
    const store = createTeardownStore(fake.api);
    await store.getState().makePlan('setup-1');
    await store.getState().apply();
    expect(store.getState()).toMatchObject({
      status: 'error',
      error: { during: 'apply', value: { code: 'PERMISSION_DENIED' } },
    });
    expect(store.getState().progress).toHaveLength(2);
  });

  it('says why the plan could not be made', async () => {
    const fake = createFakeBridge({
      'teardown:plan': () => ({
        ok: false,
        error: { code: 'SETUP_BLOCKED', message: 'No setup document.', hint: 'Refresh.' },
      }),
    });
    const store = createTeardownStore(fake.api);
    await store.getState().makePlan('setup-1');
    expect(store.getState()).toMatchObject({
      status: 'error',
      error: { during: 'plan', value: { code: 'SETUP_BLOCKED' } },
    });
    await store.getState().apply();
    expect(fake.calls.some((call) => call.channel === 'teardown:apply')).toBe(false);
  });
});
