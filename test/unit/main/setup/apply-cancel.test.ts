import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import {
  ApplyCancelledError,
  type ApplyOptions,
  applySetup,
  type NewSecret,
} from '../../../../main/setup/apply.ts';
import { owedSecrets, stepsInDoubt } from '../../../../main/setup/apply-journal.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { memoryJournal } from '../../../support/apply-setup.ts';
import { countMade } from '../../../support/planned-state.ts';
import { clearSandboxFaults, injectSandboxFault } from '../../../support/sandbox-control.ts';

/**
 * The apply engine cancelled (issue 19, "Cancel on every slow step"): it stops between steps,
 * never abandons a request Okta already has, drops one waiting for a rate limit at once, and
 * journals what it did so the next apply finishes the setup with nothing made twice. Against the
 * sandbox org over HTTP through the real SDK; the journal and the secret keeper are in memory.
 */

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'unlimited' });
});
afterEach(async () => {
  await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
});
afterAll(async () => {
  await sandbox.close();
});

/** A Kestra setup of its own per case: an app, a test user and the user's assignment. */
function kestra(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kestra', label: `Kestra ${id}` });
  document.assignments = {
    users: [],
    groups: [],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${id}@example.com` },
  };
  return document;
}

/** An apply of `document` on a fresh org client, with what it kept and reported. */
function applying(document: SetupDocument, journal = memoryJournal()) {
  const org = orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  const kept: NewSecret['kind'][] = [];
  const progress: string[] = [];
  const run = (extra: Partial<ApplyOptions> = {}) =>
    applySetup({
      client: org.client,
      document,
      orgUrl: sandbox.orgUrl,
      journal,
      secrets: {
        check: () => Promise.resolve(),
        keep: (secret) => {
          kept.push(secret.kind);
          return Promise.resolve();
        },
      },
      onProgress: (event) => progress.push(`${event.state} ${event.stepKey}`),
      ...extra,
    });
  return { org, journal, kept, progress, run };
}

function phasesOf(entries: readonly { stepKey: string; phase: string }[]) {
  return entries.map((entry) => `${entry.phase} ${entry.stepKey}`);
}

describe('applySetup cancelled', () => {
  it('sends nothing when cancelled before it starts', async () => {
    const document = kestra('cancel-before');
    const { org, journal, run } = applying(document);
    const cancelling = new AbortController();
    cancelling.abort();
    const error = await run({ signal: cancelling.signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApplyCancelledError);
    expect(error).toMatchObject({ made: [], inDoubt: [] });
    expect(org.scheduler.stats().sent).toBe(0);
    expect(journal.entries).toEqual([]);
  });

  it('stops between steps: the write in flight is answered, journaled and its secret kept; the next is never sent', async () => {
    const document = kestra('cancel-between');
    const login = document.assignments.testUser?.email ?? '';
    // The test user's creation takes a while: the cancel comes while Okta has it.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/users',
      latencyMs: 800,
    });
    const first = applying(document);
    const cancelling = new AbortController();
    const error = await first
      .run({
        signal: cancelling.signal,
        onProgress: (event) => {
          if (event.stepKey === `test-user:${login}` && event.state === 'running') {
            setTimeout(() => {
              cancelling.abort();
            }, 300);
          }
        },
      })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApplyCancelledError);
    const cancelled = error as ApplyCancelledError;
    expect(cancelled.made).toEqual([
      `App integration "Kestra cancel-between"`,
      `Test user ${login}`,
    ]);
    expect(cancelled.notMade).toEqual([`${login} assigned to the app`]);
    expect(cancelled.inDoubt).toEqual([]);
    // Both answers were journaled and both secrets kept; the assignment was never started.
    expect(first.kept.sort()).toEqual(['client-secret', 'test-user-password']);
    const phases = phasesOf(first.journal.entries);
    expect(phases).toContain(`done test-user:${login}`);
    expect(phases).toContain(`kept test-user-password:${login}`);
    expect(phases.some((line) => line.includes('user-assignment'))).toBe(false);
    expect(stepsInDoubt(first.journal.entries)).toEqual([]);

    // Applied again, it makes only what is left.
    const second = applying(document, first.journal);
    const result = await second.run();
    expect(
      result.steps.filter((step) => step.action !== 'unchanged').map((step) => step.key),
    ).toEqual([`user-assignment:${login}`]);
    expect(await countMade(second.org.client, document)).toMatchObject({ apps: 1, testUsers: 1 });
    expect(second.kept).toEqual([]);
  });

  it('drops a write waiting for a rate limit at once, journals it not-sent, and owes nothing for it', async () => {
    const document = kestra('cancel-wait');
    const login = document.assignments.testUser?.email ?? '';
    // Okta refuses the test user's creation until a reset 30 s away.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/users',
      status: 429,
      resetSeconds: 30,
    });
    const first = applying(document);
    const cancelling = new AbortController();
    let waitSaidAt = 0;
    first.org.scheduler.onWait(() => {
      waitSaidAt = Date.now();
      cancelling.abort();
    });
    const error = await first.run({ signal: cancelling.signal }).catch((caught: unknown) => caught);
    const answeredAfterMs = Date.now() - waitSaidAt;

    expect(waitSaidAt).toBeGreaterThan(0);
    expect(answeredAfterMs).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(ApplyCancelledError);
    expect((error as ApplyCancelledError).made).toEqual(['App integration "Kestra cancel-wait"']);
    const phases = phasesOf(first.journal.entries);
    expect(phases).toContain(`started test-user:${login}`);
    expect(phases).toContain(`not-sent test-user:${login}`);
    expect(stepsInDoubt(first.journal.entries)).toEqual([]);
    // The user was never made, so no password of theirs is owed.
    expect(owedSecrets(first.journal.entries, document).testUserPassword).toBe(false);
    // Read with a client of its own: the first one's scheduler holds the users bucket until the
    // reset, for every request of that org, as it should.
    const reader = orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
    expect(await countMade(reader.client, document)).toMatchObject({ apps: 1, testUsers: 0 });

    // A new apply (a fresh scheduler: the first one holds the users bucket until Okta's reset)
    // finishes the setup, each object once.
    const second = applying(document, first.journal);
    await second.run();
    expect(await countMade(second.org.client, document)).toMatchObject({ apps: 1, testUsers: 1 });
    expect(second.kept).toEqual(['test-user-password']);
  });

  it('says a write whose answer was lost and whose settling read the cancel dropped is in doubt, never "nothing written"', async () => {
    const document = kestra('cancel-settling');
    document.assignments.testUser = undefined;
    // Okta makes the app, then answers 500; its replicas show it only after three reads.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/apps',
      status: 500,
      afterCommit: true,
      staleReads: 3,
    });
    const { org, journal, run } = applying(document);
    const cancelling = new AbortController();
    const error = await run({
      signal: cancelling.signal,
      onProgress: (event) => {
        if (event.stepKey === 'app' && event.state === 'running') {
          // While the engine reads the org to settle the lost answer.
          setTimeout(() => {
            cancelling.abort();
          }, 400);
        }
      },
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApplyCancelledError);
    const cancelled = error as ApplyCancelledError;
    expect(cancelled.inDoubt).toEqual(['App integration "Kestra cancel-settling"']);
    expect(cancelled.made).toEqual([]);
    expect(cancelled.message).not.toContain('nothing was written');
    expect(stepsInDoubt(journal.entries)).toEqual(['app']);
    // The next apply settles it by reading: the app once, its secret replaced and kept.
    const again = applying(document, journal);
    await again.run();
    expect(await countMade(org.client, document)).toMatchObject({ apps: 1 });
    expect(again.kept).toEqual(['client-secret']);
  });

  it('finishes retiring a secret nobody kept even when cancelled meanwhile: no second active secret left behind', async () => {
    const document = kestra('cancel-retiring');
    document.assignments.testUser = undefined;
    const { journal, run } = applying(document);
    // The keychain fails: the app's first secret is owed.
    const first = await run({
      secrets: {
        check: () => Promise.resolve(),
        keep: () => Promise.reject(new Error('keychain locked')),
      },
    });
    // The next apply issues a new secret and keeps it; the cancel comes just then, while the old
    // one's deactivation is slow.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/apps/*/credentials/secrets/*/lifecycle/deactivate',
      latencyMs: 800,
    });
    const cancelling = new AbortController();
    await run({
      secrets: {
        check: () => Promise.resolve(),
        keep: () => {
          cancelling.abort();
          return Promise.resolve();
        },
      },
      signal: cancelling.signal,
    }).catch((caught: unknown) => caught);

    const answer = await fetch(`${sandbox.orgUrl}/api/v1/apps/${first.appId}/credentials/secrets`, {
      headers: { authorization: `SSWS ${sandbox.apiToken}`, accept: 'application/json' },
    });
    const secrets = (await answer.json()) as { status: string }[];
    // Only the kept one: the unkept one was deactivated and deleted.
    expect(secrets.map((secret) => secret.status)).toEqual(['ACTIVE']);
    expect(phasesOf(journal.entries)).not.toContain('not-retired client-secret');
  });
});
