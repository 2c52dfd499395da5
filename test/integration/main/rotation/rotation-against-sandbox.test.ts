import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createExportService } from '../../../../main/export/export-service.ts';
import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import {
  clientSecretAccount,
  pendingClientSecretAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import type { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { isShownAs } from '../../../../main/rotation/rotation.ts';
import {
  createFileRotationJournal,
  type RotationEntry,
  type RotationJournal,
  type RotationStep,
} from '../../../../main/rotation/rotation-journal.ts';
import { createRotationService } from '../../../../main/rotation/rotation-service.ts';
import { AppError } from '../../../../shared/errors.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { applyAndKeep, testKeychain } from '../../../support/apply-setup.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { collect, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * Secret rotation against the sandbox, through the real SDK, the real keychain and a real
 * sign-in: a Kestra app gets a second secret; the old one keeps exchanging codes at /token until
 * the swap; the new files verify by signing in; the old secret is then refused (invalid_client);
 * and at every journaled step the app has an ACTIVE secret and never more than two. Then the
 * rotation is stopped at each step, on each side of its journal line, and resumed: no secret is
 * duplicated in the org and none is lost.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let folder: string;
let keychain: KeytarSecretStore;

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo', '--rate-limits', 'unlimited']);
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-rotation-'));
  keychain = testKeychain();
});
afterAll(async () => {
  await sandbox.sandbox.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** A Kestra setup applied as the wizard would, its secret and test user's password kept. */
async function kestra(label: string) {
  const baseUrl = `http://127.0.0.1:${String(await freePort())}`;
  const document = createSetupDocument({ id: `rotate-${label}`, preset: 'kestra', baseUrl, label });
  const login = `${label.toLowerCase().replaceAll(/\W+/g, '.')}@example.com`;
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
  const client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  const result = await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document, keychain });
  return {
    appId: result.appId,
    clientId: result.clientId,
    oldSecret: result.clientSecret ?? '',
    redirectUri: `${baseUrl}/oauth/callback/okta`,
    user: { login, password: result.testUserPassword ?? '' },
  };
}

type App = Awaited<ReturnType<typeof kestra>>;

/** The app's client secrets as Okta lists them (masked). */
async function secretsOf(appId: string) {
  return (
    await collect(
      await sandbox.client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId }),
    )
  ).map((secret) => ({
    id: secret.id ?? '',
    status: String(secret.status),
    shown: secret.client_secret ?? '',
  }));
}

/** Signs the test user in and exchanges the code at /token with `secret` (client_secret_basic). */
async function exchangeWith(app: App, secret: string) {
  const http = oidcHttp(sandbox.orgUrl, app.redirectUri);
  const back = await http.signInAt(
    http.authorizeUrl(sandbox.orgUrl + '/oauth2', {
      client_id: app.clientId,
      response_type: 'code',
      scope: 'openid email',
      redirect_uri: app.redirectUri,
      state: 'state-rotation',
      nonce: 'nonce-rotation',
    }),
    app.user,
  );
  const code = back.searchParams.get('code') ?? '';
  expect(code).not.toBe('');
  return http.token(
    sandbox.orgUrl + '/oauth2',
    { grant_type: 'authorization_code', code, redirect_uri: app.redirectUri },
    {
      authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`,
    },
  );
}

/**
 * The journal in a file, with the org checked at every line: the app has an ACTIVE secret and
 * at most two. `stop` ends the run at one step, before or after its line is written, the way a
 * killed process would.
 */
function checkedJournal(
  file: string,
  appId: string,
  seen: { active: number; total: number }[],
  stop?: { step: RotationStep; side: 'before' | 'after'; hit?: boolean },
): RotationJournal {
  const inner = createFileRotationJournal(file);
  return {
    read: () => inner.read(),
    async append(entry: RotationEntry) {
      const listed = await secretsOf(appId);
      seen.push({
        active: listed.filter((secret) => secret.status === 'ACTIVE').length,
        total: listed.length,
      });
      if (stop?.step === entry.step && stop.side === 'before') {
        stop.hit = true;
        throw new Interrupted(entry.step);
      }
      await inner.append(entry);
      if (stop?.step === entry.step && stop.side === 'after') {
        stop.hit = true;
        throw new Interrupted(entry.step);
      }
    },
  };
}

class Interrupted extends Error {
  constructor(step: string) {
    super(`Stopped at ${step}.`);
  }
}

function rotationService(journal: RotationJournal) {
  const activeOrg = orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  return createRotationService({
    activeOrg: () => Promise.resolve(activeOrg),
    secrets: keychain,
    dataDir: path.join(folder, 'data'),
    journal,
    createExports: (secrets) =>
      createExportService({
        activeOrg: () => Promise.resolve(activeOrg),
        secrets,
        dataDir: path.join(folder, 'data'),
        env: {},
      }),
  });
}

/** Renders the Kestra files with the new secret and signs the test user in with exactly them. */
async function verifyNewFiles(rotations: ReturnType<typeof rotationService>, app: App) {
  const rendered = await rotations.render({
    appId: app.appId,
    target: 'kestra',
    inlineSecret: false,
  });
  const started = await rotations.verifyStart({
    appId: app.appId,
    renderId: rendered.renderId,
    user: { kind: 'existing', login: app.user.login },
  });
  expect(started.strategy.kind).toBe('app-loopback');
  const waiting = rotations.verifyWait({ verificationId: started.verificationId });
  waiting.catch(() => undefined);
  const back = await oidcHttp(sandbox.orgUrl, app.redirectUri).signInAt(
    started.authorizeUrl,
    app.user,
  );
  await fetch(back);
  return { rendered, result: await waiting };
}

describe('rotate a Kestra app’s client secret without downtime', () => {
  it('keeps the old secret working until the swap, verifies the new files, then refuses the old', async () => {
    const app = await kestra('Rotate Kestra');
    const seen: { active: number; total: number }[] = [];
    const rotations = rotationService(
      checkedJournal(path.join(folder, 'rotate.jsonl'), app.appId, seen),
    );
    expect((await rotations.status({ appId: app.appId })).phase).toBe('none');
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);

    // The second secret, kept in the keychain beside the old one.
    const started = await rotations.start({ appId: app.appId });
    expect(started.phase).toBe('awaiting-verification');
    expect(started.secrets.map((secret) => [secret.role, secret.status])).toEqual([
      ['old', 'ACTIVE'],
      ['new', 'ACTIVE'],
    ]);
    const newSecret =
      (await keychain.get(pendingClientSecretAccount(sandbox.orgUrl, app.clientId))) ?? '';
    expect(newSecret.length).toBeGreaterThan(30);
    expect(newSecret).not.toBe(app.oldSecret);
    expect(JSON.stringify(started)).not.toContain(newSecret);
    // Both exchange codes now; the old one is still the app's in the keychain.
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);
    expect((await exchangeWith(app, newSecret)).status).toBe(200);
    expect(await keychain.get(clientSecretAccount(sandbox.orgUrl, app.clientId))).toBe(
      app.oldSecret,
    );
    // Starting again resumes: no third secret.
    expect((await rotations.start({ appId: app.appId })).secrets).toHaveLength(2);

    // No swap before the new files signed in.
    await expect(
      rotations.finish({ appId: app.appId, confirmTargetRunsOnNewSecret: true }),
    ).rejects.toMatchObject({ code: 'EXPORT_NOT_VERIFIED' });
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);

    // The new files, with the secret referenced, sign in with the new secret.
    const { rendered, result } = await verifyNewFiles(rotations, app);
    const [file] = rendered.outputs[0]?.files ?? [];
    const content = rotations.files.revealFile({
      renderId: rendered.renderId,
      target: 'kestra',
      name: file?.name ?? '',
    }).content;
    expect(content).toContain(app.clientId);
    expect(content.includes(newSecret) || content.includes(app.oldSecret)).toBe(false);
    expect(result.checks.filter((check) => !check.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.claims?.email).toBe(app.user.login);
    const verified = await rotations.status({ appId: app.appId });
    expect(verified.phase).toBe('awaiting-confirmation');
    expect(verified.verified?.contentHash).toBe(result.contentHash);
    // Verified, not yet confirmed: the old secret still signs in.
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);

    // The admin confirms: the old secret is deactivated and deleted, and refused at /token.
    const finished = await rotations.finish({
      appId: app.appId,
      confirmTargetRunsOnNewSecret: true,
    });
    expect(finished.keychainWarning).toBeNull();
    expect(finished.status.phase).toBe('finished');
    const refused = await exchangeWith(app, app.oldSecret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect((await exchangeWith(app, newSecret)).status).toBe(200);
    const left = await secretsOf(app.appId);
    expect(left).toHaveLength(1);
    expect(left[0]?.status).toBe('ACTIVE');
    expect(isShownAs(left[0]?.shown, newSecret)).toBe(true);
    // The new secret is now the app's in the keychain; nothing is pending.
    expect(await keychain.get(clientSecretAccount(sandbox.orgUrl, app.clientId))).toBe(newSecret);
    expect(await keychain.get(pendingClientSecretAccount(sandbox.orgUrl, app.clientId))).toBeNull();

    // At every journaled step: an ACTIVE secret, never more than two.
    expect(seen.length).toBeGreaterThan(8);
    expect(seen.every((moment) => moment.active >= 1 && moment.total <= 2)).toBe(true);
  });

  it('cancels before the swap: the new secret goes, the old one stays', async () => {
    const app = await kestra('Rotate cancel');
    const rotations = rotationService(
      checkedJournal(path.join(folder, 'cancel.jsonl'), app.appId, []),
    );
    await rotations.start({ appId: app.appId });
    const newSecret =
      (await keychain.get(pendingClientSecretAccount(sandbox.orgUrl, app.clientId))) ?? '';
    const cancelled = await rotations.cancel({ appId: app.appId });
    expect(cancelled.phase).toBe('cancelled');
    expect(cancelled.secrets.map((secret) => secret.status)).toEqual(['ACTIVE']);
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);
    expect((await exchangeWith(app, newSecret)).status).toBe(401);
    expect(await keychain.get(pendingClientSecretAccount(sandbox.orgUrl, app.clientId))).toBeNull();
  });

  it('never retires the old secret while the new one is not ACTIVE', async () => {
    const app = await kestra('Rotate inactive new');
    const seen: { active: number; total: number }[] = [];
    const rotations = rotationService(
      checkedJournal(path.join(folder, 'inactive.jsonl'), app.appId, seen),
    );
    const started = await rotations.start({ appId: app.appId });
    expect((await verifyNewFiles(rotations, app)).result.ok).toBe(true);
    // Someone deactivates the new secret in the Admin Console after it was verified.
    const newId = started.secrets.find((secret) => secret.role === 'new')?.id ?? '';
    await sandbox.client.applicationSSOPublicKeysApi.deactivateOAuth2ClientSecret({
      appId: app.appId,
      secretId: newId,
    });
    await expect(
      rotations.finish({ appId: app.appId, confirmTargetRunsOnNewSecret: true }),
    ).rejects.toThrow(/old one was not retired/);
    const listed = await secretsOf(app.appId);
    expect(listed.find((secret) => secret.id !== newId)?.status).toBe('ACTIVE');
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);
    // Cancelling removes the inactive new secret and keeps the old.
    expect((await rotations.cancel({ appId: app.appId })).secrets).toHaveLength(1);
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);
    expect(seen.every((moment) => moment.active >= 1 && moment.total <= 2)).toBe(true);
  });

  it('refuses to start on an app that already has two secrets, and changes nothing', async () => {
    const app = await kestra('Rotate two');
    await sandbox.client.applicationSSOPublicKeysApi.createOAuth2ClientSecret({
      appId: app.appId,
    });
    const rotations = rotationService(
      checkedJournal(path.join(folder, 'two.jsonl'), app.appId, []),
    );
    const refusal = await rotations.start({ appId: app.appId }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).message).toContain('already has two client secrets');
    expect(await secretsOf(app.appId)).toHaveLength(2);
  });

  const STEPS: RotationStep[] = [
    'begun',
    'create-started',
    'created',
    'kept',
    'verified',
    'confirmed',
    'deactivate-started',
    'deactivated',
    'delete-started',
    'deleted',
    'promoted',
    'finished',
  ];

  for (const step of STEPS) {
    for (const side of ['before', 'after'] as const) {
      it(`stopped ${side} “${step}” is journaled, resumes with no duplicate and no lost secret`, async () => {
        const app = await kestra(`Stop ${step} ${side}`);
        const file = path.join(folder, `stop-${step}-${side}.jsonl`);
        const seen: { active: number; total: number }[] = [];
        const everSeen = new Set<string>();
        const run = async (journal: RotationJournal) => {
          const rotations = rotationService(journal);
          if ((await journal.read()).some((line) => line.step === 'finished')) {
            return undefined; // stopped after it ended: nothing to resume
          }
          const status = await rotations.start({ appId: app.appId });
          for (const secret of status.secrets) {
            everSeen.add(secret.id);
          }
          if (status.phase === 'awaiting-verification') {
            expect((await verifyNewFiles(rotations, app)).result.ok).toBe(true);
          }
          return rotations.finish({ appId: app.appId, confirmTargetRunsOnNewSecret: true });
        };

        const stop: { step: RotationStep; side: 'before' | 'after'; hit?: boolean } = {
          step,
          side,
        };
        // The stop surfaces as the service's error (in words); the journal says it was hit.
        await expect(run(checkedJournal(file, app.appId, seen, stop))).rejects.toThrow();
        expect(stop.hit).toBe(true);
        // Until the old secret is deactivated, it still signs in.
        const old = await exchangeWith(app, app.oldSecret);
        const retiredAlready = STEPS.indexOf(step) > STEPS.indexOf('deactivate-started');
        expect(old.status).toBe(retiredAlready ? 401 : 200);

        const finished = await run(checkedJournal(file, app.appId, seen));
        expect(finished?.status.phase ?? 'ended already').toBe(
          step === 'finished' && side === 'after' ? 'ended already' : 'finished',
        );
        expect(finished?.keychainWarning ?? null).toBeNull();

        // One secret left, ACTIVE, the one the keychain holds: it signs in; the old is refused.
        const left = await secretsOf(app.appId);
        expect(left).toHaveLength(1);
        expect(left[0]?.status).toBe('ACTIVE');
        const kept = (await keychain.get(clientSecretAccount(sandbox.orgUrl, app.clientId))) ?? '';
        expect(isShownAs(left[0]?.shown, kept)).toBe(true);
        expect(kept).not.toBe(app.oldSecret);
        expect((await exchangeWith(app, kept)).status).toBe(200);
        const refused = await exchangeWith(app, app.oldSecret);
        expect(refused.body.error).toBe('invalid_client');
        expect(
          await keychain.get(pendingClientSecretAccount(sandbox.orgUrl, app.clientId)),
        ).toBeNull();
        // Never without an ACTIVE secret, never more than two; and a secret made but never kept
        // (stopped before `kept` could be written after the keychain was skipped) was replaced once.
        expect(seen.every((moment) => moment.active >= 1 && moment.total <= 2)).toBe(true);
        const lines = await createFileRotationJournal(file).read();
        const made = lines.filter((line) => line.step === 'created').length;
        const discarded = lines.filter((line) => line.step === 'discarded' && line.secretId).length;
        expect(made - discarded).toBeLessThanOrEqual(1);
        expect(lines.filter((line) => line.step === 'finished')).toHaveLength(1);
      });
    }
  }
});
