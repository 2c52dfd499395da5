import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { composeConsole } from '../../../../main/composition/compose.ts';
import { createActiveOrg, createOrgSchedulers } from '../../../../main/okta/active-org.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import { createProfileService } from '../../../../main/profiles/profile-service.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupService } from '../../../../main/setup/setup-service.ts';
import { channelResultSchema, CHANNELS } from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';

/**
 * The wizard's side of the engine: plan and apply against the active org, secrets into the OS
 * keychain (gnome-keyring here), and answers that the contract lets through to the renderer.
 */

let sandbox: RunningSandbox;
let dataDir: string;
const secrets = new KeytarSecretStore();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'setup-service-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function services() {
  const profiles = createProfileService({
    repository: createFileProfileRepository(dataDir),
    secrets,
    createClient: (credentials) => createOktaClient(credentials),
    emitProgress: () => undefined,
    logger: createLogger({ write: () => undefined }),
  });
  const progress: string[] = [];
  const setup = createSetupService({
    activeOrg: createActiveOrg({
      profiles,
      createClient: (credentials) => createOktaClient(credentials),
      schedulerFor: createOrgSchedulers(),
    }),
    secrets,
    dataDir,
    emitProgress: (event) => progress.push(`${event.operationId} ${event.state} ${event.stepKey}`),
  });
  return { profiles, setup, progress };
}

describe('the setup service', () => {
  it('says to connect an org first when none is active', async () => {
    const { setup } = services();
    await expect(
      setup.plan(createSetupDocument({ id: 'x', preset: 'kestra' })),
    ).rejects.toMatchObject({
      code: 'NO_ORG_CONNECTED',
      hint: 'Connect an org, or use the local sandbox org, then come back to this step.',
    });
  });

  it('plans and applies against the active org, keeping the secrets in the keychain only', async () => {
    const { profiles, setup, progress } = services();
    await profiles.add({ orgUrl: sandbox.orgUrl, apiToken: sandbox.apiToken, label: 'Sandbox' });
    const document = createSetupDocument({ id: 'wizard-1', preset: 'kestra' });
    document.assignments.testUser = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada.wizard@example.com',
    };

    const reviewed = await setup.plan(document);
    expect(CHANNELS['setup:plan'].response.parse(reviewed)).toEqual(reviewed);
    expect(reviewed.plan.steps.map((step) => step.action)).toEqual(['create', 'create', 'create']);

    const outcome = await setup.applyPlan(reviewed.planId, 'op-1');
    // What crosses to the renderer passes the contract and holds no secret.
    expect(CHANNELS['setup:apply'].response.parse(outcome)).toEqual(outcome);
    if (outcome.outcome !== 'applied') {
      throw new Error(`expected the plan to be applied, got ${outcome.outcome}`);
    }
    const { applied } = outcome;
    expect(applied).toMatchObject({
      orgUrl: sandbox.orgUrl,
      issuer: sandbox.orgUrl,
      authServerId: null,
      clientSecretStored: true,
      testUserLogin: 'ada.wizard@example.com',
      // The sandbox has no Admin Console to link to.
      adminLinks: [],
      keychainWarning: null,
    });
    const secret = await secrets.get(clientSecretAccount(sandbox.orgUrl, applied.clientId));
    const password = await secrets.get(
      testUserPasswordAccount(sandbox.orgUrl, 'ada.wizard@example.com'),
    );
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(password).toMatch(/[A-Z]/);
    expect(JSON.stringify(applied)).not.toContain(secret ?? '-');
    expect(progress).toContain('op-1 done app');

    const journal = path.join(dataDir, 'journals', 'wizard-1.jsonl');
    expect(statSync(journal).mode & 0o777).toBe(0o600);
    expect(readFileSync(journal, 'utf8')).not.toContain(secret ?? '-');
    const replanned = await setup.plan(document);
    expect(replanned.plan.steps.every((step) => step.action === 'unchanged')).toBe(true);

    // A second apply creates nothing, so it has no new secret or password to point at.
    const again = await setup.applyPlan(replanned.planId, 'op-2');
    expect(again).toMatchObject({
      outcome: 'applied',
      applied: { clientSecretStored: false, testUserLogin: null, appId: applied.appId },
    });
    // An id main does not hold is refused, and nothing is applied.
    await expect(setup.applyPlan('not-a-plan', 'op-3')).rejects.toMatchObject({
      code: 'PLAN_NOT_FOUND',
    });

    // Revealed on request, from the keychain, for the active org — and the answer passes the
    // contract, the one channel whose answer is a secret.
    const revealedSecret = await setup.revealSecret({
      secret: 'client-secret',
      clientId: applied.clientId,
    });
    expect(revealedSecret).toEqual({ value: secret });
    expect(CHANNELS['setup:reveal-secret'].response.safeParse(revealedSecret).success).toBe(true);
    expect(
      await setup.revealSecret({ secret: 'test-user-password', login: 'ada.wizard@example.com' }),
    ).toEqual({ value: password });

    await secrets.delete(clientSecretAccount(sandbox.orgUrl, applied.clientId));
    await secrets.delete(testUserPasswordAccount(sandbox.orgUrl, 'ada.wizard@example.com'));
  });

  it('says a secret is not kept here when the keychain has none, with what to do instead', async () => {
    const { setup } = services();
    const unknownClient = setup.revealSecret({ secret: 'client-secret', clientId: '0oaunknown' });
    await expect(unknownClient).rejects.toMatchObject({
      code: 'SECRET_NOT_FOUND',
      message: expect.stringContaining('only for the apps it created') as unknown,
      hint: expect.stringContaining('Generate a new client secret') as unknown,
    });
    await expect(
      setup.revealSecret({ secret: 'test-user-password', login: 'nobody@example.com' }),
    ).rejects.toMatchObject({
      code: 'SECRET_NOT_FOUND',
      hint: expect.stringContaining('Reset the user’s password') as unknown,
    });
  });

  it('answers reveal-secret through the dispatcher without the secret reaching the log', async () => {
    const lines: string[] = [];
    const consoleDir = mkdtempSync(path.join(os.tmpdir(), 'setup-service-dispatch-'));
    const core = composeConsole({
      mode: 'browser',
      version: '0.0.0-test',
      dataDir: consoleDir,
      secrets,
      logger: createLogger({ write: (line) => lines.push(line), minLevel: 'debug' }),
      emit: () => undefined,
    });
    try {
      await core.profiles.add({ orgUrl: sandbox.orgUrl, apiToken: sandbox.apiToken });
      const document = createSetupDocument({ id: 'wizard-dispatch', preset: 'web' });
      document.app.label = 'Dispatched web app';
      const planned = await core.dispatch('setup:plan', { document });
      const planId = planned.ok ? (planned.data as { planId: string }).planId : '';
      const applied = await core.dispatch('setup:apply', { planId, operationId: 'op-d' });
      expect(channelResultSchema('setup:apply').safeParse(applied).success).toBe(true);
      const clientId = applied.ok
        ? (applied.data as { applied: { clientId: string } }).applied.clientId
        : '';

      const revealed = await core.dispatch('setup:reveal-secret', {
        secret: 'client-secret',
        clientId,
      });
      expect(channelResultSchema('setup:reveal-secret').safeParse(revealed).success).toBe(true);
      const value = revealed.ok ? (revealed.data as { value: string }).value : '';
      expect(value).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(lines.join('\n')).not.toContain(value);

      const missing = await core.dispatch('setup:reveal-secret', {
        secret: 'client-secret',
        clientId: 'not-a-client',
      });
      expect(missing).toMatchObject({ ok: false, error: { code: 'SECRET_NOT_FOUND' } });
      expect(channelResultSchema('setup:reveal-secret').safeParse(missing).success).toBe(true);
      await secrets.delete(clientSecretAccount(sandbox.orgUrl, clientId));
    } finally {
      await core.stop();
      rmSync(consoleDir, { recursive: true, force: true });
    }
  });
});
