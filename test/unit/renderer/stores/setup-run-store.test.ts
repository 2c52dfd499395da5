import { describe, expect, it } from 'vitest';

import { createSetupRunStore } from '../../../../renderer/stores/setup-run-store.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const document = createSetupDocument({ id: 'setup-1', preset: 'kestra' });

const PLAN = {
  steps: [
    { key: 'app', kind: 'app', action: 'create', title: 'App integration "Kestra"', changes: [] },
    {
      key: 'test-user',
      kind: 'test-user',
      action: 'unchanged',
      title: 'Test user',
      changes: [],
    },
  ],
  blockers: [],
  notes: [],
};

const RESULT = {
  orgUrl: 'http://127.0.0.1:1',
  appId: '0oa1',
  clientId: '0oa1',
  issuer: 'http://127.0.0.1:1',
  authServerId: null,
  clientSecretStored: true,
  testUserLogin: null,
  steps: [{ key: 'app', title: 'App integration "Kestra"', action: 'create' }],
  adminLinks: [],
  keychainWarning: null,
};

describe('createSetupRunStore', () => {
  it('plans, then applies with progress matched to this apply, then plans again', async () => {
    let release: () => void = () => undefined;
    const fake = createFakeBridge({
      'setup:plan': () => ({ ok: true, data: { planId: 'plan-1', plan: PLAN } }),
      'setup:apply': () =>
        new Promise((resolve) => {
          release = () => {
            resolve({ ok: true, data: { outcome: 'applied', applied: RESULT } });
          };
        }),
    });
    const store = createSetupRunStore(fake.api);
    await store.getState().makePlan(document);
    expect(store.getState().plan).toMatchObject({
      status: 'done',
      plannedFor: JSON.stringify(document),
    });

    const applying = store.getState().applyPlan(document);
    const { operationId, progress } = store.getState().apply;
    // Only what changes is listed; the unchanged test user is not.
    expect(progress).toEqual([{ key: 'app', title: 'App integration "Kestra"', state: 'pending' }]);
    fake.emit('setup:apply-progress', {
      operationId: 'someone-else',
      stepKey: 'app',
      title: 'x',
      state: 'done',
    });
    expect(store.getState().apply.progress[0]?.state).toBe('pending');
    fake.emit('setup:apply-progress', {
      operationId: operationId ?? '',
      stepKey: 'app',
      title: 'App integration "Kestra"',
      state: 'running',
    });
    expect(store.getState().apply.progress[0]?.state).toBe('running');

    release();
    await applying;
    expect(store.getState().apply).toMatchObject({ status: 'done', result: RESULT });
    expect(fake.calls.map((call) => call.channel)).toEqual([
      'setup:plan',
      'setup:apply',
      'setup:plan',
    ]);
    // The plan on screen is named, not sent: main applies exactly the one it holds.
    expect(fake.calls[1]?.request).toEqual({ planId: 'plan-1', operationId });
  });

  it('shows what changed and the fresh plan when the org changed since the review', async () => {
    const FRESH = {
      ...PLAN,
      steps: [{ ...PLAN.steps[0], action: 'update', changes: [] }, PLAN.steps[1]],
    };
    const CHANGES = [
      {
        key: 'app',
        title: 'App integration "Kestra"',
        summary: 'changed in the org',
        fields: [{ field: 'redirectUris', before: ['a'], after: ['a', 'b'] }],
      },
    ];
    const fake = createFakeBridge({
      'setup:plan': () => ({ ok: true, data: { planId: 'plan-1', plan: PLAN } }),
      'setup:apply': () => ({
        ok: true,
        data: { outcome: 'stale', changes: CHANGES, fresh: { planId: 'plan-2', plan: FRESH } },
      }),
    });
    const store = createSetupRunStore(fake.api);
    await store.getState().makePlan(document);
    await store.getState().applyPlan(document);
    expect(store.getState().apply).toMatchObject({
      status: 'stale',
      changes: CHANGES,
      result: null,
    });
    expect(store.getState().plan).toMatchObject({
      status: 'done',
      planId: 'plan-2',
      value: FRESH,
      plannedFor: JSON.stringify(document),
    });
    // Applying now applies the fresh plan, the one on screen.
    await store.getState().applyPlan(document);
    expect(fake.calls.at(-1)?.request).toMatchObject({ planId: 'plan-2' });
    // A new plan (the admin went back and changed the setup) makes the refusal moot.
    await store.getState().makePlan(document);
    expect(store.getState().apply.status).toBe('idle');
  });

  it('keeps an apply failure for the admin to read and retry', async () => {
    const fake = createFakeBridge({
      'setup:plan': () => ({ ok: true, data: { planId: 'plan-1', plan: PLAN } }),
      'setup:apply': () => ({
        ok: false,
        error: { code: 'ORG_UNREACHABLE', message: 'Lost the org', hint: 'Apply again' },
      }),
    });
    const store = createSetupRunStore(fake.api);
    await store.getState().makePlan(document);
    await store.getState().applyPlan(document);
    expect(store.getState().apply).toMatchObject({
      status: 'error',
      error: { code: 'ORG_UNREACHABLE' },
    });
  });

  it('cancels the running apply by its operation id, and marks what it stopped as not done', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const fake = createFakeBridge({
      'setup:plan': () => ({ ok: true, data: { planId: 'plan-1', plan: PLAN } }),
      'setup:apply': () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
      'setup:cancel': () => ({ ok: true, data: { cancelled: true } }),
    });
    const store = createSetupRunStore(fake.api);
    // Nothing running: nothing to cancel.
    await store.getState().cancelApply();
    expect(fake.calls).toEqual([]);

    await store.getState().makePlan(document);
    const applying = store.getState().applyPlan(document);
    const { operationId } = store.getState().apply;
    await store.getState().cancelApply();
    expect(store.getState().apply.status).toBe('cancelling');
    expect(fake.calls.at(-1)).toEqual({ channel: 'setup:cancel', request: { operationId } });

    answer({
      ok: false,
      error: { code: 'CANCELLED', message: 'The apply was cancelled…', hint: 'Apply again…' },
    });
    await applying;
    expect(store.getState().apply).toMatchObject({
      status: 'cancelled',
      error: { code: 'CANCELLED' },
      progress: [{ key: 'app', state: 'stopped' }],
    });
    // Late news of the stopped step does not make it run again.
    fake.emit('setup:apply-progress', {
      operationId: operationId ?? '',
      stepKey: 'app',
      title: 'App integration "Kestra"',
      state: 'running',
    });
    expect(store.getState().apply.progress[0]?.state).toBe('stopped');
    // Planned again: Apply again applies what is left.
    expect(fake.calls.at(-1)?.channel).toBe('setup:plan');
  });

  it('cancels the plan being made by its operation id, and says it was cancelled, not failed', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const fake = createFakeBridge({
      'setup:plan': () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
      'setup:cancel': () => ({ ok: true, data: { cancelled: true } }),
    });
    const store = createSetupRunStore(fake.api);
    // Nothing being planned: nothing to cancel.
    await store.getState().cancelPlan();
    expect(fake.calls).toEqual([]);

    const planning = store.getState().makePlan(document);
    const { operationId } = store.getState().plan;
    expect(operationId).toEqual(expect.any(String));
    // The plan is named to main, so the cancel can name it.
    expect(fake.calls[0]).toEqual({ channel: 'setup:plan', request: { document, operationId } });
    await store.getState().cancelPlan();
    expect(store.getState().plan.status).toBe('cancelling');
    expect(fake.calls.at(-1)).toEqual({ channel: 'setup:cancel', request: { operationId } });
    // A second Cancel while it stops sends nothing more.
    await store.getState().cancelPlan();
    expect(fake.calls).toHaveLength(2);

    answer({
      ok: false,
      error: { code: 'CANCELLED', message: 'Planning was cancelled…', hint: 'Plan again…' },
    });
    await planning;
    expect(store.getState().plan).toMatchObject({
      status: 'cancelled',
      value: null,
      planId: null,
      plannedFor: JSON.stringify(document),
      error: { code: 'CANCELLED' },
    });
    // No plan to apply.
    await store.getState().applyPlan(document);
    expect(fake.calls).toHaveLength(2);
  });

  it('shows the plan when it finished before the cancel reached main', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const fake = createFakeBridge({
      'setup:plan': () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
      'setup:cancel': () => ({ ok: true, data: { cancelled: false } }),
    });
    const store = createSetupRunStore(fake.api);
    const planning = store.getState().makePlan(document);
    await store.getState().cancelPlan();
    answer({ ok: true, data: { planId: 'plan-1', plan: PLAN } });
    await planning;
    expect(store.getState().plan).toMatchObject({ status: 'done', planId: 'plan-1' });
  });

  it('keeps only the newest plan’s answer when a plan is made again before the first answers', async () => {
    const answers: ((value: unknown) => void)[] = [];
    const fake = createFakeBridge({
      'setup:plan': () =>
        new Promise((resolve) => {
          answers.push(resolve);
        }),
    });
    const store = createSetupRunStore(fake.api);
    const first = store.getState().makePlan(document);
    const second = store.getState().makePlan(document);
    answers[1]?.({ ok: true, data: { planId: 'plan-2', plan: PLAN } });
    await second;
    answers[0]?.({
      ok: false,
      error: { code: 'CANCELLED', message: 'Planning was cancelled…', hint: 'Plan again…' },
    });
    await first;
    expect(store.getState().plan).toMatchObject({ status: 'done', planId: 'plan-2' });
  });
});
