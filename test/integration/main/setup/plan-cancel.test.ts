import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { ConsoleCore } from '../../../../main/composition/compose.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { channelResultSchema, type EventPayload } from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { testKeychain } from '../../../support/apply-setup.ts';
import { composedAgainstSandbox } from '../../../support/dispatched-console.ts';
import { clearSandboxFaults, injectSandboxFault } from '../../../support/sandbox-control.ts';

/**
 * Cancel on a slow plan (issue 19, "Cancel on every slow step"): the review step's plan, held by
 * Okta's rate limit, is cancelled the way the renderer does it — `setup:plan` with an operation
 * id, then `setup:cancel` with it — through the console's real dispatcher and contract. It
 * answers at once with CANCELLED, the org's other operations keep their places behind the same
 * reset, and planning again works. Against the sandbox org over HTTP through the real SDK, with
 * the real keychain.
 */

let sandbox: RunningSandbox;
let dataDir: string;
const logLines: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-plan-cancel-'));
});
afterEach(async () => {
  await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A Kestra setup naming a user and a group, so its plan reads apps, users and groups. */
function kestra(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kestra', label: `Kestra ${id}` });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
  };
  return document;
}

/**
 * A console of its own (its own schedulers: a reset one case waits for is not the next one's),
 * with the rate-limit waits it tells the renderer, and a promise of the first.
 */
async function consoleWithWaits(): Promise<{
  core: ConsoleCore;
  firstWait: Promise<EventPayload<'okta:rate-limit-wait'>>;
}> {
  let heard: (wait: EventPayload<'okta:rate-limit-wait'>) => void = () => undefined;
  const firstWait = new Promise<EventPayload<'okta:rate-limit-wait'>>((resolve) => {
    heard = resolve;
  });
  const core = await composedAgainstSandbox({
    sandbox,
    dataDir,
    secrets: testKeychain(),
    logLines,
    emit: (event, payload) => {
      if (event === 'okta:rate-limit-wait') {
        heard(payload as EventPayload<'okta:rate-limit-wait'>);
      }
    },
  });
  return { core, firstWait };
}

/** Okta refuses the next search of apps with a 429 whose reset is `seconds` away. */
function rateLimitAppReads(seconds: number) {
  return injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
    method: 'GET',
    path: '/api/v1/apps',
    status: 429,
    resetSeconds: seconds,
  });
}

describe('cancelling a plan that waits on Okta’s rate limit', () => {
  it('answers CANCELLED at once during a 60 s wait, and a cancel after it finds nothing', async () => {
    const { core, firstWait } = await consoleWithWaits();
    await rateLimitAppReads(60);
    const planning = core.dispatch('setup:plan', {
      document: kestra('plan-cancel-60'),
      operationId: 'op-plan-60',
    });
    const wait = await firstWait;
    expect(wait).toMatchObject({ orgUrl: sandbox.orgUrl, bucket: 'apps', reason: 'rate-limit' });
    expect(wait.seconds).toBeGreaterThanOrEqual(59);

    const cancelledAt = Date.now();
    const cancel = await core.dispatch('setup:cancel', { operationId: 'op-plan-60' });
    expect(cancel).toEqual({ ok: true, data: { cancelled: true } });
    const result = await planning;
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(channelResultSchema('setup:plan').safeParse(result).success).toBe(true);
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const error = (result as { error: { message: string; hint: string } }).error;
    expect(error.message).toContain('Planning was cancelled, as you asked');
    expect(error.message).toContain('nothing in the org was changed');
    expect(error.hint).toContain('Plan again');

    expect(await core.dispatch('setup:cancel', { operationId: 'op-plan-60' })).toEqual({
      ok: true,
      data: { cancelled: false },
    });
  });

  it('drops only that plan’s reads: another plan and a search on the org wait out the reset and succeed', async () => {
    const { core, firstWait } = await consoleWithWaits();
    await rateLimitAppReads(3);
    const cancelled = core.dispatch('setup:plan', {
      document: kestra('plan-cancel-mine'),
      operationId: 'op-plan-mine',
    });
    await firstWait;
    // Two other operations on the same org, queued behind the same reset: a plan of its own
    // operation, and the app search of "edit an existing app".
    let isOtherDone = false;
    const otherPlan = core
      .dispatch('setup:plan', { document: kestra('plan-cancel-other'), operationId: 'op-other' })
      .finally(() => {
        isOtherDone = true;
      });
    const search = core.dispatch('setup:list-apps', { query: 'Kestra' });

    const cancelledAt = Date.now();
    await core.dispatch('setup:cancel', { operationId: 'op-plan-mine' });
    expect(await cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(isOtherDone).toBe(false);

    const other = await otherPlan;
    expect(other).toMatchObject({ ok: true });
    expect(channelResultSchema('setup:plan').safeParse(other).success).toBe(true);
    expect(await search).toMatchObject({ ok: true });

    // The console's way after a cancel: Plan again, on the same org and scheduler.
    const again = await core.dispatch('setup:plan', {
      document: kestra('plan-cancel-mine'),
      operationId: 'op-plan-again',
    });
    expect(again).toMatchObject({ ok: true });
    const planId = (again as { data: { planId: string } }).data.planId;
    expect(planId).toEqual(expect.any(String));
  });
});
