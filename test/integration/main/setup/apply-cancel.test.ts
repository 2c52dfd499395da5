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
import { AppError } from '../../../../shared/errors.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { testKeychain } from '../../../support/apply-setup.ts';
import { countMade, expectPlannedState } from '../../../support/planned-state.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { clearSandboxFaults, injectSandboxFault } from '../../../support/sandbox-control.ts';

/**
 * Cancel on a slow apply (issue 19): an apply waiting on Okta's rate limit is cancelled from the
 * setup service, as the console's Cancel does, and from `sso-console apply` by Ctrl+C. It answers
 * at once, the org holds what was made exactly once, the org's other users of the same
 * scheduler go on, and applying again finishes the setup. Against the sandbox org over HTTP
 * through the real SDK, with the real keychain.
 */

let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-cancel-'));
});
afterEach(async () => {
  await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A Kestra setup of its own per case: its app, test user, a user and a group assigned. */
function kestra(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kestra', label: `Kestra ${id}` });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${id}@example.com` },
  };
  return document;
}

function newOrg(): ActiveOrg {
  return orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
}

/** The console's setup service on `org`, its secrets in the real keychain. */
function service(org: ActiveOrg, keychain: KeytarSecretStore) {
  return createSetupService({
    activeOrg: () => Promise.resolve(org),
    secrets: keychain,
    dataDir,
    emitProgress: () => undefined,
  });
}

function journalOf(document: SetupDocument): Promise<JournalEntry[]> {
  return createFileJournal(path.join(dataDir, 'journals', `${document.id}.jsonl`)).read();
}

/** Resolves with the first wait for a rate limit `org`'s scheduler tells of. */
function firstWait(org: ActiveOrg): Promise<string> {
  return new Promise((resolve) => {
    const stop = org.scheduler.onWait((wait) => {
      stop();
      resolve(wait.message);
    });
  });
}

/** Okta refuses the next creation of a user with a 429 whose reset is `seconds` away. */
function rateLimitUserCreation(seconds: number) {
  return injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
    method: 'POST',
    path: '/api/v1/users',
    status: 429,
    resetSeconds: seconds,
  });
}

async function expectPlanned(document: SetupDocument, keychain: KeytarSecretStore) {
  await expectPlannedState({
    client: newOrg().client,
    orgUrl: sandbox.orgUrl,
    document,
    keychain,
    journal: await journalOf(document),
  });
}

describe('cancelling an apply that waits on Okta’s rate limit', () => {
  it('answers at once during a 60 s wait, holds what it made once, and the next apply finishes', async () => {
    const document = kestra('cancel-60');
    await rateLimitUserCreation(60);
    const keychain = testKeychain();
    const org = newOrg();
    const setup = service(org, keychain);
    const waiting = firstWait(org);
    const applying = setup.applyReviewed(document, 'op-cancel-60').catch((error: unknown) => error);
    expect(await waiting).toMatch(/^waiting (59|60|61) s for Okta's rate limit on users/);

    const cancelledAt = Date.now();
    expect(setup.cancel('op-cancel-60')).toBe(true);
    const error = await applying;
    expect(Date.now() - cancelledAt).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    const { message, hint } = error as AppError;
    expect(message).toContain('stopped before its next request to Okta');
    expect(message).toContain('App integration "Kestra cancel-60"');
    expect(message).toContain('Nothing was made twice');
    expect(hint).toContain('Apply again to finish the setup');

    // What was made is in the org once; the user whose creation was dropped is not.
    expect(await countMade(newOrg().client, document)).toMatchObject({ apps: 1, testUsers: 0 });
    const entries = await journalOf(document);
    expect(stepsInDoubt(entries)).toEqual([]);
    expect(entries.map((entry) => `${entry.phase} ${entry.stepKey}`)).toContain(
      `not-sent test-user:${document.assignments.testUser?.email ?? ''}`,
    );
    // A cancel for an apply that has ended finds nothing to stop.
    expect(setup.cancel('op-cancel-60')).toBe(false);

    // Applied again (the command line's way: a new process, so a scheduler that has not met the
    // 429), it finishes the setup: one app, one test user, each assignment once.
    const resumed = await service(newOrg(), keychain).applyReviewed(document, 'op-resume-60');
    expect(resumed.outcome).toBe('applied');
    await expectPlanned(document, keychain);
  });

  it('drops only the apply’s own requests: another operation on the org waits out the limit and succeeds', async () => {
    const document = kestra('cancel-shared');
    await rateLimitUserCreation(4);
    const keychain = testKeychain();
    const org = newOrg();
    const setup = service(org, keychain);
    const waiting = firstWait(org);
    const applying = setup
      .applyReviewed(document, 'op-cancel-shared')
      .catch((error: unknown) => error);
    await waiting;
    // Another operation on the same org, outside the apply: queued behind the same reset.
    let isOtherDone = false;
    const other = org.client.userApi
      .createUser({
        body: {
          profile: {
            login: 'other.operation@example.com',
            email: 'other.operation@example.com',
            firstName: 'Other',
            lastName: 'Operation',
          },
        },
        activate: false,
      })
      .finally(() => {
        isOtherDone = true;
      });

    setup.cancel('op-cancel-shared');
    expect(await applying).toMatchObject({ code: 'CANCELLED' });
    expect(isOtherDone).toBe(false);
    const user = await other;
    expect(user.profile?.login).toBe('other.operation@example.com');

    // The console's way: applied again on the same org and scheduler, it finishes the setup.
    const resumed = await setup.applyReviewed(document, 'op-resume-shared');
    expect(resumed.outcome).toBe('applied');
    await expectPlanned(document, keychain);
  });
});

describe('sso-console apply and Ctrl+C', () => {
  /** Resolves once the process has printed a line matching `pattern` on standard error. */
  async function stderrLine(cli: ReturnType<typeof startNodeScript>, pattern: RegExp) {
    for (let waited = 0; waited < 20_000; waited += 10) {
      if (cli.stderr.some((line) => pattern.test(line))) {
        return;
      }
      if (cli.child.exitCode !== null) {
        throw new Error(`sso-console exited first: ${cli.stderr.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`No line matching ${String(pattern)}: ${cli.stderr.join('\n')}`);
  }

  it('cancels before the next request, says how to finish, exits 130; applying again finishes', async () => {
    const document = kestra('cancel-cli');
    const file = path.join(dataDir, `${document.id}.json`);
    writeFileSync(file, JSON.stringify(document));
    const args = ['apply', file, '--yes', '--org-url', sandbox.orgUrl, '--user-data-dir', dataDir];
    const env = { ...process.env, SSO_CONSOLE_API_TOKEN: sandbox.apiToken };
    await rateLimitUserCreation(60);

    const first = startNodeScript('main/cli/sso-console.ts', args, env);
    await stderrLine(first, /waiting \d+ s for Okta's rate limit on users/);
    const interruptedAt = Date.now();
    first.child.kill('SIGINT');
    expect(await first.waitForExit()).toBe(130);
    expect(Date.now() - interruptedAt).toBeLessThan(3_000);
    const said = first.stderr.join('\n');
    expect(said).toContain('Cancelling: the apply stops before its next request to Okta');
    expect(said).toContain('The apply was cancelled, as you asked');
    expect(said).toContain(`To finish the setup, run sso-console apply ${file} again`);
    expect(await countMade(newOrg().client, document)).toMatchObject({ apps: 1, testUsers: 0 });

    const again = startNodeScript('main/cli/sso-console.ts', args, env);
    expect(await again.waitForExit()).toBe(0);
    // The CLI keeps its secrets where the console does: the keychain's own service.
    await expectPlanned(document, new KeytarSecretStore());
  });
});
