import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type ActiveOrg, orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import {
  createFileJournal,
  type JournalEntry,
  stepsInDoubt,
} from '../../../../main/setup/apply-journal.ts';
import { createSetupService } from '../../../../main/setup/setup-service.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { testKeychain } from '../../../support/apply-setup.ts';
import { countMade, expectPlannedState } from '../../../support/planned-state.ts';
import { startPrivateKeyring } from '../../../support/private-keyring.ts';
import { startNodeScript } from '../../../support/processes.ts';
import {
  clearSandboxFaults,
  createSandboxToken,
  injectSandboxFault,
  setSandboxRateLimits,
} from '../../../support/sandbox-control.ts';
import {
  collect,
  replaceRedirectUrisAsAnotherAdmin,
  sdkClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * The fault matrix (issue 13, README "Faults an apply survives"): each fault met for real, through
 * the real SDK against the sandbox org — or through a real `sso-console` process where the
 * fault is the process's own (a kill, a locked keychain). Every case ends in the planned state,
 * with no object made twice, no secret lost (the kept client secret and test user password
 * sign in) and every journal entry's write settled.
 */

let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-faults-'));
});
afterEach(async () => {
  await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
  await setSandboxRateLimits(sandbox.orgUrl, sandbox.apiToken, 'unlimited');
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A Kestra setup of its own per case: its app, test user and assignments. */
function kestra(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kestra', label: `Kestra ${id}` });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${id}@example.com` },
  };
  return document;
}

/** The console's setup service on the sandbox, its secrets in the real keychain. */
function service(org: ActiveOrg = orgFromCredentials(admin()), keychain = testKeychain()) {
  const progress: string[] = [];
  const setup = createSetupService({
    activeOrg: () => Promise.resolve(org),
    secrets: keychain,
    dataDir,
    emitProgress: (event) => progress.push(`${event.state} ${event.stepKey}`),
  });
  return { setup, keychain, org, progress };
}

function admin() {
  return { orgUrl: sandbox.orgUrl, token: sandbox.apiToken };
}

function journalOf(document: SetupDocument): Promise<JournalEntry[]> {
  return createFileJournal(path.join(dataDir, 'journals', `${document.id}.jsonl`)).read();
}

async function applied(setup: ReturnType<typeof service>['setup'], document: SetupDocument) {
  const outcome = await setup.applyReviewed(document, `op-${document.id}`);
  if (outcome.outcome !== 'applied') {
    throw new Error('The org changed while the case applied.');
  }
  return outcome.applied;
}

async function expectPlanned(
  document: SetupDocument,
  keychain: { get(account: string): Promise<string | null> },
) {
  await expectPlannedState({
    client: orgFromCredentials(admin()).client,
    orgUrl: sandbox.orgUrl,
    document,
    keychain,
    journal: await journalOf(document),
  });
}

describe('1. a 429 storm in the middle of an apply', () => {
  it.each([
    ['with X-Rate-Limit-Reset', 'POST', '/api/v1/apps/*/users', 1],
    ['without X-Rate-Limit-Reset', 'PUT', '/api/v1/apps/*/groups/*', null],
  ] as const)(
    'rides out a storm %s on the assignments',
    async (_name, method, faultPath, resetSeconds) => {
      const document = kestra(`storm-${method.toLowerCase()}`);
      await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
        method,
        path: faultPath,
        status: 429,
        times: 4,
        resetSeconds,
      });
      const { setup, keychain, org } = service();
      await applied(setup, document);
      expect(org.scheduler.stats().rateLimited).toBe(4);
      await expectPlanned(document, keychain);
    },
  );

  it('applies 30 user assignments under the integrator-free tier at 150 ms latency, pacing ahead of the 429s', async () => {
    const client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
    const logins = Array.from({ length: 30 }, (_, index) => `paced.${String(index)}@example.com`);
    for (const login of logins) {
      await client.userApi.createUser({
        body: { profile: { login, email: login, firstName: 'Paced', lastName: 'User' } },
        activate: false,
      });
    }
    const document = kestra('integrator-free');
    document.assignments.users.push(...logins.map((login) => ({ login })));
    // Okta's integrator-free limits (apps: 20 a window), in 5-second windows so the test meets
    // several resets; and every management request 150 ms late, as across the internet.
    await setSandboxRateLimits(sandbox.orgUrl, sandbox.apiToken, {
      tier: 'integrator-free',
      windowSeconds: 5,
    });
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: '*',
      path: '/api/v1/**',
      latencyMs: 150,
      times: 10_000,
    });
    const waits: string[] = [];
    const org = orgFromCredentials(admin(), {
      onRateLimitWait: (wait) => waits.push(wait.message),
    });
    const { setup, keychain } = service(org);
    // The review says up front how long the tier's limit makes it.
    const reviewed = await setup.plan(document);
    expect(reviewed.plan.notes).toEqual([
      expect.stringContaining(
        "34 requests to Okta's app endpoints, which this org allows 20 a minute",
      ),
    ]);
    const outcome = await setup.applyPlan(reviewed.planId, 'op-integrator-free');
    expect(outcome.outcome).toBe('applied');
    const stats = org.scheduler.stats();
    // It waited for the apps bucket's reset instead of spending requests on refusals.
    expect(waits.some((wait) => wait.endsWith('on apps'))).toBe(true);
    expect(stats.rateLimited).toBeLessThanOrEqual(2);
    await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
    await setSandboxRateLimits(sandbox.orgUrl, sandbox.apiToken, 'unlimited');
    await expectPlanned(document, keychain);
    const appUsers = await collect(
      await client.applicationApi.listApplicationUsers({
        appId: (await countMade(org.client, document)).appId ?? '',
      }),
    );
    expect(appUsers).toHaveLength(32);
  });
});

describe('2. a lost create response', () => {
  it('finds the app and the test user it made, issues a new secret and sets a new password', async () => {
    const document = kestra('lost-creates');
    for (const faultPath of ['/api/v1/apps', '/api/v1/users']) {
      await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
        method: 'POST',
        path: faultPath,
        connection: 'lose-response',
      });
    }
    const { setup, keychain } = service();
    const result = await applied(setup, document);
    expect(result).toMatchObject({
      clientSecretStored: true,
      testUserLogin: document.assignments.testUser?.email,
    });
    expect(result.steps.map((step) => step.key)).toEqual(
      expect.arrayContaining(['client-secret', `test-user-password:ada.lost-creates@example.com`]),
    );
    await expectPlanned(document, keychain);
  });
});

describe('3. a 500 after commit', () => {
  it('settles each write by reading instead of sending it again', async () => {
    const document = kestra('after-commit');
    for (const [method, faultPath] of [
      ['POST', '/api/v1/apps'],
      ['POST', '/api/v1/users'],
      ['PUT', '/api/v1/apps/*/groups/*'],
    ] as const) {
      await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
        method,
        path: faultPath,
        status: 500,
        afterCommit: true,
      });
    }
    const { setup, keychain } = service();
    await applied(setup, document);
    await expectPlanned(document, keychain);
    const entries = await journalOf(document);
    expect(
      entries.filter((entry) => entry.phase === 'found').map((entry) => entry.stepKey),
    ).toEqual(['app', 'test-user:ada.after-commit@example.com', 'group-assignment:Kestra Admins']);
  });
});

describe('4. read-after-create 404 (eventual consistency)', () => {
  it('waits for a replica to show what it made before deciding it was not made', async () => {
    const document = kestra('replica-lag');
    // The answers are lost, and the next reads miss what was made: a blind retry would make two.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/apps',
      connection: 'lose-response',
      staleReads: 3,
    });
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/users',
      status: 500,
      afterCommit: true,
      staleReads: 2,
    });
    const { setup, keychain } = service();
    await applied(setup, document);
    await expectPlanned(document, keychain);
  });

  it('creates one authorization server when replicas miss the new one for a while', async () => {
    const document = createSetupDocument({ id: 'replica-server', preset: 'kaimu' });
    const name = 'Kaimu replica-lag API';
    document.issuer = {
      kind: 'custom',
      server: { kind: 'new', name, audience: 'kaimu', description: 'For Kaimu' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'email', 'profile'],
    };
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/authorizationServers',
      staleReads: 3,
    });
    const { setup } = service();
    await applied(setup, document);
    const client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
    const servers = await collect(await client.authorizationServerApi.listAuthorizationServers({}));
    expect(servers.filter((server) => server.name === name)).toHaveLength(1);
    expect((await countMade(orgFromCredentials(admin()).client, document)).apps).toBe(1);
    const replanned = await setup.plan(document);
    expect(replanned.plan.steps.filter((step) => step.action !== 'unchanged')).toEqual([]);
  });

  it('needs no read of an app it just made, so a replica answering 404 for it stops nothing', async () => {
    const document = kestra('replica-404');
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/apps',
      staleReads: 3,
    });
    const { setup, keychain } = service();
    const result = await applied(setup, document);
    // Okta's answer to the create was the app: its id and client id come from there.
    const client = orgFromCredentials(admin()).client;
    let shown = false;
    for (let read = 0; read < 5 && !shown; read += 1) {
      // The replica catches up after a few reads, as Okta's does after a moment.
      shown = (await countMade(client, document)).appId === result.appId;
    }
    expect(shown).toBe(true);
    expect(result.clientId).toBe(result.appId);
    await expectPlanned(document, keychain);
  });
});

/** `sso-console` run against the sandbox, with the given environment on top of the test's. */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return startNodeScript('main/cli/sso-console.ts', args, {
    ...env,
    SSO_CONSOLE_API_TOKEN: sandbox.apiToken,
  });
}

/** `sso-console apply FILE --yes` of `document`, saved to a file, against the sandbox. */
function applyArgs(document: SetupDocument): string[] {
  const file = path.join(dataDir, `${document.id}.json`);
  writeFileSync(file, JSON.stringify(document));
  return ['apply', file, '--yes', '--org-url', sandbox.orgUrl, '--user-data-dir', dataDir];
}

/** Resolves once the process has printed a line matching `pattern` on standard error. */
async function stderrLine(process: ReturnType<typeof cli>, pattern: RegExp, count = 1) {
  for (let waited = 0; waited < 20_000; waited += 10) {
    if (process.stderr.filter((line) => pattern.test(line)).length >= count) {
      return;
    }
    if (process.child.exitCode !== null) {
      throw new Error(`sso-console exited first: ${process.stderr.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`No line matching ${String(pattern)}: ${process.stderr.join('\n')}`);
}

describe('5. the CLI killed with SIGKILL after each write step, then resumed', () => {
  const WRITE_STEPS = 5; // app, test user, two user assignments, group assignment

  /**
   * Runs `sso-console apply` with every write late (so a kill lands while the next one is in
   * flight, and Okta still commits it), kills it `afterMs` after `killAt` appears on its standard
   * error for the `count`-th time, then runs it again and checks the planned state.
   */
  async function killAndResume(id: string, killAt: RegExp, count: number, afterMs = 0) {
    const document = kestra(id);
    for (const method of ['POST', 'PUT']) {
      await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
        method,
        path: '/api/v1/**',
        latencyMs: 300,
        times: 100,
      });
    }
    const args = applyArgs(document);
    const first = cli(args);
    await stderrLine(first, killAt, count);
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    first.child.kill('SIGKILL');
    expect(await first.waitForExit()).toBeNull();
    // Let the write that was in flight land in the org, as Okta would commit it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);

    const resumed = cli(args);
    expect(await resumed.waitForExit()).toBe(0);
    // The CLI keeps its secrets where the console does: the keychain's own service.
    await expectPlanned(document, new KeytarSecretStore());
    return { document, resumed };
  }

  for (let step = 1; step <= WRITE_STEPS; step += 1) {
    it(`resumes after a kill following write ${String(step)} of ${String(WRITE_STEPS)}`, async () => {
      await killAndResume(`killed-${String(step)}`, /^✓ /, step);
    });
  }

  it.each([
    ['the app', /^… App integration/, 'client-secret'],
    [
      'the test user',
      /^… Test user/,
      'test-user-password:ada.killed-creating-the-test-user@example.com',
    ],
  ])(
    'resumes after a kill while creating %s, replacing the secret nobody kept',
    async (name, killAt, owedStep) => {
      const { document } = await killAndResume(
        `killed-creating-${name.replaceAll(' ', '-')}`,
        killAt,
        1,
        // Inside the write's 300 ms on the wire: sent, not yet answered.
        150,
      );
      const entries = await journalOf(document);
      // The write in flight was settled by reading, and its secret, never kept, was replaced.
      expect(entries.some((entry) => entry.phase === 'found')).toBe(true);
      expect(
        entries.filter((entry) => entry.stepKey === owedStep).map((entry) => entry.phase),
      ).toContain('kept');
    },
  );
});

describe('6. the API token revoked between two writes', () => {
  it('stops with a clear error, keeps the journal, and resumes once connected again', async () => {
    const document = kestra('revoked');
    const token = await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['SUPER_ADMIN']);
    // The write after the app is late enough for the revocation to land first.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/users',
      latencyMs: 500,
    });
    const keychain = testKeychain();
    const org = orgFromCredentials({ orgUrl: sandbox.orgUrl, token });
    const revoker = sdkClient(sandbox.orgUrl, token);
    const setup = createSetupService({
      activeOrg: () => Promise.resolve(org),
      secrets: keychain,
      dataDir,
      emitProgress: (event) => {
        if (event.stepKey === 'app' && event.state === 'done') {
          void revoker.apiTokenApi.revokeCurrentApiToken();
        }
      },
    });
    await expect(setup.applyReviewed(document, 'op-revoked')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
      message: expect.stringContaining('E0000011') as string,
    });
    const stopped = await journalOf(document);
    const lines = stopped.map((entry) => `${entry.phase} ${entry.stepKey}`);
    // The test user went out beside the app and met the revoked token; nothing came after it.
    expect(lines.at(-1)).toBe('failed test-user:ada.revoked@example.com');
    expect(lines).toContain('started test-user:ada.revoked@example.com');
    expect(lines.filter((line) => line.startsWith('started '))).toEqual([
      'started app',
      'started test-user:ada.revoked@example.com',
    ]);
    expect(stopped.at(-1)?.detail).toBe('401 E0000011');

    // Connected again, with a new token: the apply takes up where it stopped.
    const again = service(
      orgFromCredentials({
        orgUrl: sandbox.orgUrl,
        token: await createSandboxToken(sandbox.orgUrl, sandbox.apiToken, ['SUPER_ADMIN']),
      }),
      keychain,
    );
    const result = await applied(again.setup, document);
    expect(result.steps.find((step) => step.key === 'app')?.action).toBe('unchanged');
    await expectPlanned(document, keychain);
  });
});

describe('7. the org changed between plan and apply', () => {
  it('refuses the reviewed plan, writes nothing, and leaves the other admin’s edit', async () => {
    const document = kestra('changed');
    const { setup, keychain } = service();
    await applied(setup, document);
    document.app.redirectUris.push('http://localhost:8080/oauth/callback/second');
    const reviewed = await setup.plan(document);
    expect(reviewed.plan.steps.filter((step) => step.action !== 'unchanged')).toHaveLength(1);

    // Another admin edits the app in the Admin Console meanwhile.
    const other = sdkClient(sandbox.orgUrl, sandbox.apiToken);
    const appId = (await countMade(orgFromCredentials(admin()).client, document)).appId ?? '';
    const theirs = ['http://localhost:8080/oauth/callback/okta', 'https://theirs.example.com/cb'];
    const leftBy = await replaceRedirectUrisAsAnotherAdmin(other, appId, theirs);

    const outcome = await setup.applyPlan(reviewed.planId, 'op-changed');
    expect(outcome).toMatchObject({
      outcome: 'stale',
      changes: [
        {
          key: 'app',
          summary: 'changed in the org',
          fields: expect.arrayContaining([
            {
              field: 'redirectUris',
              before: ['http://localhost:8080/oauth/callback/okta'],
              after: theirs,
            },
          ]) as unknown,
        },
      ],
    });
    const after: unknown = JSON.parse(
      JSON.stringify(await other.applicationApi.getApplication({ appId })),
    );
    expect(after).toEqual(leftBy);

    // The fresh plan, reviewed, applies.
    if (outcome.outcome !== 'stale') {
      throw new Error('expected a stale plan');
    }
    expect(await setup.applyPlan(outcome.fresh.planId, 'op-fresh')).toMatchObject({
      outcome: 'applied',
    });
    await expectPlanned(document, keychain);
  });
});

describe('7b. the org changed while the apply ran', () => {
  it('stops rather than revert another admin’s edit it was never shown', async () => {
    const document = kestra('changed-during');
    const other = sdkClient(sandbox.orgUrl, sandbox.apiToken);
    const theirs = ['http://localhost:8080/oauth/callback/okta', 'https://theirs.example.com/cb'];
    // The test user's answer is lost, so the apply reads the org again — after another admin
    // has edited the app it just made.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/users',
      status: 500,
      afterCommit: true,
      latencyMs: 300,
    });
    const keychain = testKeychain();
    let edited: Promise<unknown> = Promise.resolve();
    const setup = createSetupService({
      activeOrg: () => Promise.resolve(orgFromCredentials(admin())),
      secrets: keychain,
      dataDir,
      emitProgress: (event) => {
        if (event.stepKey === 'app' && event.state === 'done') {
          edited = (async () => {
            const appId = (await countMade(orgFromCredentials(admin()).client, document)).appId;
            await replaceRedirectUrisAsAnotherAdmin(other, appId ?? '', theirs);
          })();
        }
      },
    });
    const reviewed = await setup.plan(document);
    await expect(setup.applyPlan(reviewed.planId, 'op-changed-during')).rejects.toMatchObject({
      code: 'PLAN_STALE',
      message: expect.stringContaining(
        'App integration "Kestra changed-during" now needs an update, which was not in the plan you reviewed',
      ) as string,
    });
    await edited;
    const appId = (await countMade(orgFromCredentials(admin()).client, document)).appId ?? '';
    const now = (await other.applicationApi.getApplication({ appId })) as unknown as {
      settings: { oauthClient: { redirect_uris: string[] } };
    };
    expect(now.settings.oauthClient.redirect_uris).toEqual(theirs);
    const entries = await journalOf(document);
    expect(stepsInDoubt(entries)).toEqual([]);
  });
});

describe('11. two applies of one setup at once', () => {
  it('lets one run and refuses the other, so nothing is made twice', async () => {
    const document = kestra('twice');
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/apps',
      latencyMs: 800,
    });
    // Two consoles (or a console and the CLI) on one computer: two services, one data folder.
    const first = service();
    const second = service();
    const running = first.setup.applyReviewed(document, 'op-first');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(second.setup.applyReviewed(document, 'op-second')).rejects.toMatchObject({
      code: 'APPLY_IN_PROGRESS',
      message: expect.stringContaining('is already being applied') as string,
    });
    expect(await running).toMatchObject({ outcome: 'applied' });
    await expectPlanned(document, first.keychain);
    // Once the first is done, the lock is free.
    expect(await second.setup.applyReviewed(document, 'op-again')).toMatchObject({
      outcome: 'applied',
    });
  });
});

describe('8. the keychain locked at apply time', () => {
  it('refuses before the first write when it is locked before the apply, then applies once unlocked', async () => {
    const keyring = await startPrivateKeyring();
    try {
      const document = kestra('locked-before');
      const args = applyArgs(document);
      keyring.lock();
      const refused = cli(args, keyring.env);
      expect(await refused.waitForExit()).toBe(1);
      expect(refused.stderr.join('\n')).toContain('locked collection');
      expect((await countMade(orgFromCredentials(admin()).client, document)).apps).toBe(0);
      expect((await journalOf(document)).filter((entry) => entry.phase === 'started')).toEqual([]);

      keyring.unlock();
      const done = cli(args, keyring.env);
      expect(await done.waitForExit()).toBe(0);
      await expectPlanned(document, keyring);
    } finally {
      await keyring.stop();
    }
  });

  it('loses no secret when it locks after the writes began: a new one is issued once it is unlocked', async () => {
    const keyring = await startPrivateKeyring();
    try {
      const document = kestra('locked-during');
      const args = applyArgs(document);
      // The app and the test user are made side by side: both are slow, so both secrets arrive
      // after the lock.
      for (const faultPath of ['/api/v1/apps', '/api/v1/users']) {
        await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
          method: 'POST',
          path: faultPath,
          latencyMs: 1500,
        });
      }
      const first = cli(args, keyring.env);
      // The keychain was checked; the app and the user are being created: now the screen locks.
      await stderrLine(first, /^… App integration/);
      keyring.lock();
      expect(await first.waitForExit()).toBe(4);
      const warning = first.stderr.join('\n');
      // The app and the test user are made side by side: both secrets met the locked keychain.
      expect(warning).toContain(
        'The keychain could not keep the client secret or the test user’s password. The Secret Service could not be used',
      );
      expect(warning).toContain('Nothing is lost');
      expect((await countMade(orgFromCredentials(admin()).client, document)).apps).toBe(1);
      const stopped = await journalOf(document);
      expect(
        stopped
          .filter((entry) => entry.phase === 'not-kept')
          .map((entry) => entry.stepKey)
          .sort(),
      ).toEqual(['client-secret', 'test-user-password:ada.locked-during@example.com']);

      keyring.unlock();
      const again = cli(args, keyring.env);
      expect(await again.waitForExit()).toBe(0);
      expect(again.stdout.join('\n')).toContain('~ Client secret of "Kestra locked-during"');
      expect(again.stdout.join('\n')).toContain(
        '~ Password of test user ada.locked-during@example.com',
      );
      await expectPlanned(document, keyring);
    } finally {
      await keyring.stop();
    }
  });
});
