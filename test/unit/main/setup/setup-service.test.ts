import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type ActiveOrg, orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { cancelledPlan } from '../../../../main/setup/setup-messages.ts';
import { createSetupService } from '../../../../main/setup/setup-service.ts';
import { AppError } from '../../../../shared/errors.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { InMemorySecretStore } from '../../../support/in-memory-secret-store.ts';
import { clearSandboxFaults, injectSandboxFault } from '../../../support/sandbox-control.ts';

/**
 * A plan cancelled through the setup service (issue 19): by operation id, as the review step's
 * Cancel does. Against the sandbox org over HTTP through the real SDK and the org's scheduler.
 */
describe('createSetupService: cancelling a plan', () => {
  let sandbox: RunningSandbox;
  let dataDir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimits: 'unlimited' });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-plan-cancel-'));
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function service(org: ActiveOrg) {
    return createSetupService({
      activeOrg: () => Promise.resolve(org),
      secrets: new InMemorySecretStore(),
      dataDir,
      emitProgress: () => undefined,
    });
  }

  function newOrg(): ActiveOrg {
    return orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  }

  const document = createSetupDocument({ id: 'plan-cancel', preset: 'kestra' });

  it('stops a plan the cancel overtook before its first read', async () => {
    const org = newOrg();
    const setup = service(org);
    // The cancel came first: nothing was running, but it is kept for the plan it names.
    expect(setup.cancel('op-early')).toBe(false);
    const error = await setup.plan(document, 'op-early').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(org.scheduler.stats().sent).toBe(0);
  });

  it('drops the plan’s read waiting on Okta’s rate limit at once, and answers CANCELLED', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'GET',
      path: '/api/v1/apps',
      status: 429,
      resetSeconds: 60,
    });
    try {
      const org = newOrg();
      const setup = service(org);
      const waiting = new Promise<string>((resolve) => {
        const stop = org.scheduler.onWait((wait) => {
          stop();
          resolve(wait.message);
        });
      });
      const planning = setup.plan(document, 'op-held').catch((caught: unknown) => caught);
      expect(await waiting).toMatch(/^waiting (59|60|61) s for Okta's rate limit on apps/);

      const cancelledAt = Date.now();
      expect(setup.cancel('op-held')).toBe(true);
      const error = await planning;
      expect(Date.now() - cancelledAt).toBeLessThan(1_000);
      expect(error).toMatchObject({ code: 'CANCELLED', message: cancelledPlan(null).message });
      // Ended: a second cancel finds nothing running.
      expect(setup.cancel('op-held')).toBe(false);
    } finally {
      await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
    }
  });

  it('plans to the end without an operation id, as the CLI asks, and holds the plan', async () => {
    const setup = service(newOrg());
    const planned = await setup.plan(document);
    expect(planned.planId).toEqual(expect.any(String));
    expect(planned.plan.steps.some((step) => step.action === 'create')).toBe(true);
  });
});
