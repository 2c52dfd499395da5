import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConsoleCore } from '../../../../main/composition/compose.ts';
import {
  clientSecretAccount,
  pendingClientSecretAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { composedAgainstSandbox, dispatcherCalls } from '../../../support/dispatched-console.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { collect, type OktaSdkClient, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The console window's secret rotation and drift, through the composition root and the real
 * dispatcher, against the sandbox over HTTP with the real keychain: a Kestra app's secret
 * rotated step by step (the old one signs in until the swap, the new files verify by signing
 * in, the old one is then refused, and the app never lacks an ACTIVE secret), no answer ever
 * holding the new secret; then drift made behind the console's back, shown field by field and
 * restored, and a deployed application.yml with a wrong client id caught with its fix.
 */

const PASSWORD = 'Compiler-Pioneer-1952';
const ADA = 'ada.rotation@example.com';

const secrets = new KeytarSecretStore();
let sandbox: RunningSandbox;
let client: OktaSdkClient;
let core: ConsoleCore;
let dataDir: string;
let redirectUri = '';
let appId = '';
let clientId = '';
/** The application.yml the rotation wrote, as a target would run with it. */
let deployedYaml = '';
const logLines: string[] = [];
const bodies: string[] = [];

const { call, data, apply } = dispatcherCalls(() => core, bodies);

/** The app's client secrets as the management API lists them. */
async function secretsInOrg() {
  return (
    await collect(await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId }))
  ).map((secret) => ({ id: secret.id ?? '', status: String(secret.status) }));
}

/** Ada signs in and the code is exchanged at /token with `secret` (client_secret_basic). */
async function exchangeWith(secret: string) {
  const http = oidcHttp(sandbox.orgUrl, redirectUri);
  const back = await http.signInAt(
    http.authorizeUrl(`${sandbox.orgUrl}/oauth2`, {
      client_id: clientId,
      response_type: 'code',
      scope: 'openid email',
      redirect_uri: redirectUri,
      state: 'state-rotation',
      nonce: 'nonce-rotation',
    }),
    { login: ADA, password: PASSWORD },
  );
  return http.token(
    `${sandbox.orgUrl}/oauth2`,
    {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: redirectUri,
    },
    { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'unlimited' });
  client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
  await client.userApi.createUser({
    body: {
      profile: { firstName: 'Ada', lastName: 'Rotation', email: ADA, login: ADA },
      credentials: { password: { value: PASSWORD } },
    },
    activate: true,
  });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'rotation-drift-'));
  core = await composedAgainstSandbox({ sandbox, dataDir, secrets, logLines });
  // A loopback base URL nobody listens on: the verification listens on the files' redirect URI.
  const baseUrl = `http://127.0.0.1:${String(await freePort())}`;
  redirectUri = `${baseUrl}/oauth/callback/okta`;
  const document = createSetupDocument({
    id: 'rotation-and-drift',
    preset: 'kestra',
    baseUrl,
    label: 'Rotated Kestra',
  });
  document.assignments.users = [{ login: ADA }];
  ({ appId, clientId } = await apply(document));
});

afterAll(async () => {
  await secrets.delete(clientSecretAccount(sandbox.orgUrl, clientId));
  await secrets.delete(pendingClientSecretAccount(sandbox.orgUrl, clientId));
  await core.stop();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('rotation through the dispatcher', () => {
  it('rotates without downtime: start, new files verified by signing in, confirmed, old refused', async () => {
    const active = async () =>
      (await secretsInOrg()).filter((secret) => secret.status === 'ACTIVE').length;
    const oldSecret = (await secrets.get(clientSecretAccount(sandbox.orgUrl, clientId))) ?? '';
    expect(oldSecret).not.toBe('');
    expect((await data('rotation:status', { appId })).phase).toBe('none');
    expect((await exchangeWith(oldSecret)).status).toBe(200);

    // Finishing before any verification is refused, and the old secret stays.
    const started = await data('rotation:start', { appId });
    expect(started.phase).toBe('awaiting-verification');
    expect(started.secrets.map((secret) => [secret.role, secret.status])).toEqual([
      ['old', 'ACTIVE'],
      ['new', 'ACTIVE'],
    ]);
    expect(
      await call('rotation:finish', { appId, confirmTargetRunsOnNewSecret: true }),
    ).toMatchObject({ ok: false, error: { code: 'EXPORT_NOT_VERIFIED' } });
    expect(await active()).toBe(2);
    expect((await exchangeWith(oldSecret)).status).toBe(200);
    const newSecret =
      (await secrets.get(pendingClientSecretAccount(sandbox.orgUrl, clientId))) ?? '';
    expect(newSecret).not.toBe('');

    // The files reference the secret; in browser mode the page downloads them.
    const rendered = await data('rotation:render', { appId, target: 'kestra' });
    const file = rendered.outputs[0]?.files.find((found) => found.name === 'application.yml');
    expect(file?.content).toContain('${OKTA_CLIENT_SECRET}');
    deployedYaml = file?.content ?? '';
    expect(
      await data('rotation:save', {
        renderId: rendered.renderId,
        target: 'kestra',
        name: 'application.yml',
      }),
    ).toEqual({ kind: 'download' });
    // The export's own renderings are not the rotation's: they cannot be verified as the new files.
    expect(
      await call('rotation:verify-start', { appId, renderId: 'not-a-rendering', login: ADA }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });

    const verification = await data('rotation:verify-start', {
      appId,
      renderId: rendered.renderId,
      login: ADA,
    });
    expect(verification.strategy).toMatchObject({ kind: 'app-loopback', redirectUri });
    const waiting = call('rotation:verify-wait', { verificationId: verification.verificationId });
    const back = await oidcHttp(sandbox.orgUrl, redirectUri).signInAt(verification.authorizeUrl, {
      login: ADA,
      password: PASSWORD,
    });
    await fetch(back);
    const result = await waiting;
    expect(result.ok && result.data.ok).toBe(true);
    const verified = await data('rotation:status', { appId });
    expect(verified.phase).toBe('awaiting-confirmation');
    expect(verified.verified?.target).toBe('kestra');
    expect(await active()).toBe(2);

    const finished = await data('rotation:finish', { appId, confirmTargetRunsOnNewSecret: true });
    expect(finished.keychainWarning).toBeNull();
    expect(finished.status.phase).toBe('finished');
    expect(finished.status.secrets.map((secret) => secret.status)).toEqual(['ACTIVE']);
    const refused = await exchangeWith(oldSecret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect((await exchangeWith(newSecret)).status).toBe(200);
    expect(await secrets.get(clientSecretAccount(sandbox.orgUrl, clientId))).toBe(newSecret);

    // Neither secret ever crossed to the window, nor into the log.
    for (const secret of [oldSecret, newSecret]) {
      expect(bodies.join('\n')).not.toContain(secret);
      expect(logLines.join('\n')).not.toContain(secret);
    }
    // The finish needs the admin's confirmation, as a literal `true`.
    expect(await call('rotation:finish', { appId })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });

  it('cancels a rotation before the swap, keeping the old secret', async () => {
    await data('rotation:start', { appId });
    const cancelled = await data('rotation:cancel', { appId });
    expect(cancelled.phase).toBe('cancelled');
    expect(cancelled.secrets).toHaveLength(1);
    expect(await secrets.get(pendingClientSecretAccount(sandbox.orgUrl, clientId))).toBeNull();
  });
});

describe('drift through the dispatcher', () => {
  it('shows an edit made behind the console’s back field by field, and Restore empties it', async () => {
    expect((await data('drift:check', { appId })).drift.drifted).toBe(false);
    const app = (await client.applicationApi.getApplication({ appId })) as unknown as {
      settings: { oauthClient: { redirect_uris: string[] } };
    };
    const extra = 'https://elsewhere.example.com/oauth/callback/okta';
    app.settings.oauthClient.redirect_uris.push(extra);
    await client.applicationApi.replaceApplication({ appId, application: app as never });

    const drifted = await data('drift:check', { appId });
    expect(drifted.drift.drifted).toBe(true);
    expect(drifted.drift.fields).toContainEqual(
      expect.objectContaining({
        path: 'app.redirectUris',
        documentValue: [redirectUri],
        oktaValue: [redirectUri, extra],
        adoptable: true,
      }),
    );
    const restored = await data('drift:restore', { appId });
    expect(restored.drift).toEqual({ drifted: false, fields: [], blockers: [] });
  });

  it('checks a target file on this computer and gives each finding its fix', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'drift-target-'));
    const file = path.join(folder, 'kestra-prod.yml');
    writeFileSync(file, deployedYaml);
    expect((await data('drift:check-target', { appId, path: file })).ok).toBe(true);
    const good = deployedYaml.replace(clientId, '0oaWRONGCLIENT1234567');
    const line = good.split('\n').findIndex((text) => text.includes('0oaWRONGCLIENT')) + 1;
    writeFileSync(file, good);
    const report = await data('drift:check-target', { appId, target: 'kestra', path: file });
    expect(report.ok).toBe(false);
    const wrong = report.findings.find((finding) => finding.check === 'client-id');
    expect(wrong).toMatchObject({ ok: false, at: { file, line } });
    expect(wrong?.fix).toContain(`with ${clientId} in ${file} line ${String(line)}`);
    expect(
      await call('drift:check-target', { appId, path: path.join(folder, 'absent.yml') }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    rmSync(folder, { recursive: true, force: true });
  });
  it('signs in with exactly a deployed file: a good one passes with its checks, a wrong one is not tried', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'drift-sign-in-'));
    const file = path.join(folder, 'kestra-prod.yml');
    writeFileSync(file, deployedYaml);
    const bodiesBefore = bodies.length;

    const started = await data('drift:target-sign-in-start', { appId, path: file, login: ADA });
    expect(started.report.ok).toBe(true);
    expect(started.signIn?.strategy).toMatchObject({ kind: 'app-loopback', redirectUri });
    expect(started.signIn?.user).toEqual({ login: ADA, passwordInKeychain: false });
    const verificationId = started.signIn?.verificationId ?? '';
    const waiting = call('drift:target-sign-in-wait', { verificationId });
    const back = await oidcHttp(sandbox.orgUrl, redirectUri).signInAt(
      started.signIn?.authorizeUrl ?? '',
      { login: ADA, password: PASSWORD },
    );
    await fetch(back);
    const finished = await waiting;
    if (!finished.ok) {
      throw new Error(`the sign-in failed: ${finished.error.message}`);
    }
    expect(finished.data.ok).toBe(true);
    expect(finished.data.findings.at(-1)).toMatchObject({ check: 'sign-in', ok: true, fix: null });
    expect(finished.data.signIn?.ok).toBe(true);
    expect(finished.data.signIn?.verifiedAt).not.toBeNull();
    expect(finished.data.signIn?.checks.length).toBeGreaterThan(0);
    expect(finished.data.signIn?.checks.every((check) => check.ok)).toBe(true);
    // The sign-in is over: waiting on it again says so.
    expect(await call('drift:target-sign-in-wait', { verificationId })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });

    // A file Okta would refuse is not signed in with: the finding says why, with its fix.
    writeFileSync(file, deployedYaml.replace(clientId, '0oaWRONGCLIENT1234567'));
    const refused = await data('drift:target-sign-in-start', { appId, path: file });
    expect(refused.signIn).toBeNull();
    expect(refused.report.ok).toBe(false);
    const notTried = refused.report.findings.find((finding) => finding.check === 'sign-in');
    expect(notTried?.ok).toBe(false);
    expect(notTried?.fix).not.toBeNull();

    // A sign-in cancelled before anyone signs in ends, and frees the file's port.
    writeFileSync(file, deployedYaml);
    const again = await data('drift:target-sign-in-start', { appId, path: file });
    const cancelledId = again.signIn?.verificationId ?? '';
    const abandoned = call('drift:target-sign-in-wait', { verificationId: cancelledId });
    expect(await data('drift:target-sign-in-cancel', { verificationId: cancelledId })).toEqual({});
    expect((await abandoned).ok).toBe(false);
    const reopened = await data('drift:target-sign-in-start', { appId, path: file });
    expect(reopened.signIn?.strategy.kind).toBe('app-loopback');
    await data('drift:target-sign-in-cancel', {
      verificationId: reopened.signIn?.verificationId ?? '',
    });

    // An unreadable path is said in words; no answer carried the app's secret.
    expect(
      await call('drift:target-sign-in-start', { appId, path: path.join(folder, 'absent.yml') }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const secret = (await secrets.get(clientSecretAccount(sandbox.orgUrl, clientId))) ?? '';
    expect(secret).not.toBe('');
    expect(bodies.slice(bodiesBefore).join('\n')).not.toContain(secret);
    expect(logLines.join('\n')).not.toContain(secret);
    rmSync(folder, { recursive: true, force: true });
  });
});
