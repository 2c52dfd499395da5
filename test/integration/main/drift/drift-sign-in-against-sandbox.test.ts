import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import type { RunningSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import type { SetupService } from '../../../../main/setup/setup-service.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { testKeychain } from '../../../support/apply-setup.ts';
import { type DriftSandbox, startDriftSandbox } from '../../../support/drift-sandbox.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';

/**
 * Issue 17 item 3, "Better still, it signs in with it": drift against the deployed target signs
 * in with exactly the target's config file, through the export's verification (openid-client,
 * the files' own redirect URI or a pasted address), against the sandbox over HTTP. A good
 * exported application.yml signs in and is recorded; one whose secret variable holds a wrong
 * secret passes the static checks but is refused at the token exchange, reported with its fix.
 */

let sandbox: RunningSandbox;
let dataDir: string;
let setup: SetupService;
let world: DriftSandbox;
const keychain = testKeychain();

beforeAll(async () => {
  world = await startDriftSandbox('sso-console-drift-sign-in-', keychain);
  ({ sandbox, dataDir, setup } = world);
});
afterAll(async () => {
  await world.close();
});

/** A Kestra setup applied with a test user; its application.yml as the console exports it. */
async function deployedKestra(id: string, baseUrl: string) {
  const login = `${id}@example.com`;
  const document = createSetupDocument({ id, preset: 'kestra', label: `Kestra ${id}`, baseUrl });
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
  const outcome = await setup.applyReviewed(document, `apply-${id}`);
  if (outcome.outcome !== 'applied') {
    throw new Error('the setup was not applied');
  }
  const { appId } = outcome.applied;
  const content = await world.exportedKestraFile(appId);
  const password = (await keychain.get(testUserPasswordAccount(sandbox.orgUrl, login))) ?? '';
  return {
    appId,
    content,
    user: { login, password },
    redirectUri: `${baseUrl}/oauth/callback/okta`,
  };
}

function lastVerification(): Record<string, unknown> {
  const lines = readFileSync(path.join(dataDir, 'exports', 'verifications.jsonl'), 'utf8')
    .trim()
    .split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as Record<string, unknown>;
}

describe('drift against the deployed target, signing in with the file', () => {
  it('signs in with a good exported application.yml through a pasted address, and records it', async () => {
    const kestra = await deployedKestra('drift-sign-in-good', 'https://kestra.example.com');
    const drift = world.driftWith({});
    // The admin's copy under another name: the reader takes it as application.yml.
    const file = {
      name: 'kestra-prod.yml',
      path: '/srv/kestra/kestra-prod.yml',
      content: kestra.content,
    };
    const { report, signIn } = await drift.startTargetSignIn(kestra.appId, undefined, file, {
      login: kestra.user.login,
    });
    expect(report.ok).toBe(true);
    expect(signIn).not.toBeNull();
    if (signIn === null) {
      return;
    }
    // Not a loopback redirect URI: the admin pastes the address the browser ends on.
    expect(signIn.strategy).toMatchObject({ kind: 'paste-url', redirectUri: kestra.redirectUri });
    expect(signIn.user).toEqual({ login: kestra.user.login, passwordInKeychain: true });
    const back = await oidcHttp(sandbox.orgUrl, kestra.redirectUri).signInAt(
      signIn.authorizeUrl,
      kestra.user,
    );
    drift.pasteTargetSignIn(signIn.verificationId, back.href);
    const signedIn = await drift.finishTargetSignIn(signIn.verificationId);

    expect(signedIn.ok).toBe(true);
    expect(signedIn.findings.map((finding) => [finding.check, finding.ok])).toEqual([
      ['read', true],
      ['client-id', true],
      ['app-active', true],
      ['issuer', true],
      ['redirect-uri', true],
      ['auth-method', true],
      ['secret', true],
      ['sign-in', true],
    ]);
    expect(signedIn.findings.at(-1)?.detail).toContain(
      `Signed in with exactly /srv/kestra/kestra-prod.yml: Signed in as ${kestra.user.login}`,
    );
    expect(signedIn.signIn?.checks.map((check) => check.name)).toEqual([
      'read',
      'secret',
      'discovery',
      'scopes',
      'sign-in',
      'issuer',
      'audience',
      'email',
    ]);
    expect(lastVerification()).toMatchObject({
      target: 'kestra',
      ok: true,
      contentHash: signedIn.signIn?.contentHash,
      files: ['/srv/kestra/kestra-prod.yml'],
      issuer: sandbox.orgUrl,
      clientId: signedIn.app.clientId,
    });
    expect(lastVerification().verifiedAt).toBe(signedIn.signIn?.verifiedAt);
  });

  it('a secret variable holding a wrong secret passes the checks but is refused at the token exchange, with its fix', async () => {
    const kestra = await deployedKestra(
      'drift-sign-in-wrong-secret',
      `http://localhost:${String(await freePort())}`,
    );
    // The target's OKTA_CLIENT_SECRET, as this shell has it: not the app's secret.
    const drift = world.driftWith({
      OKTA_CLIENT_SECRET: 'a-secret-okta-never-issued-for-this-app',
    });
    const file = {
      name: 'application.yml',
      path: '/etc/kestra/application.yml',
      content: kestra.content,
    };
    const { report, signIn } = await drift.startTargetSignIn(kestra.appId, 'kestra', file, {
      login: kestra.user.login,
    });
    // Statically, the reference resolves: only a sign-in shows the value is wrong.
    expect(report.ok).toBe(true);
    if (signIn === null) {
      throw new Error('the sign-in did not start');
    }
    // A loopback redirect URI whose port is free: the console listens on it.
    expect(signIn.strategy.kind).toBe('app-loopback');
    const back = await oidcHttp(sandbox.orgUrl, kestra.redirectUri).signInAt(
      signIn.authorizeUrl,
      kestra.user,
    );
    await fetch(back);
    const refused = await drift.finishTargetSignIn(signIn.verificationId);

    expect(refused.ok).toBe(false);
    const failed = refused.findings.filter((finding) => !finding.ok);
    expect(failed.map((finding) => finding.check)).toEqual(['sign-in']);
    const [finding] = failed;
    expect(finding?.detail).toBe(
      "The sign-in with the files' values failed at the token exchange: invalid_client: The client secret supplied for a confidential client is invalid.",
    );
    const line =
      kestra.content.split('\n').findIndex((text) => text.includes('OKTA_CLIENT_SECRET')) + 1;
    expect(finding?.at).toEqual({ file: '/etc/kestra/application.yml', line });
    const label = 'Kestra drift-sign-in-wrong-secret';
    expect(finding?.fix).toBe(
      `Set OKTA_CLIENT_SECRET (referenced in /etc/kestra/application.yml line ${String(line)}) to one of "${label}"'s active client secrets where the target runs, and restart it; Admin Console › Applications › "${label}" › General › Client Credentials shows them. The sign-in here used OKTA_CLIENT_SECRET from this command's environment, else this computer's keychain entry for client ${refused.app.clientId}.`,
    );
    expect(lastVerification()).toMatchObject({
      ok: false,
      verifiedAt: null,
      files: ['/etc/kestra/application.yml'],
      clientId: refused.app.clientId,
    });
    // The app's real secret is in the keychain; it never reaches the report.
    const secret = await keychain.get(clientSecretAccount(sandbox.orgUrl, refused.app.clientId));
    expect(secret?.length).toBeGreaterThan(20);
    expect(JSON.stringify(refused).includes(secret ?? '-')).toBe(false);
  });

  it('does not sign in when the checks already fail, and says why one cannot begin', async () => {
    const kestra = await deployedKestra('drift-sign-in-skipped', 'https://kestra.example.com');
    const drift = world.driftWith({});
    const clientId = (await drift.check(kestra.appId)).app.clientId;
    const { report, signIn } = await drift.startTargetSignIn(kestra.appId, 'kestra', {
      name: 'application.yml',
      path: 'application.yml',
      content: kestra.content.replace(clientId, '0oaWRONGCLIENT1234567'),
    });
    expect(signIn).toBeNull();
    expect(report.ok).toBe(false);
    expect(report.findings.filter((finding) => !finding.ok).map((f) => f.check)).toEqual([
      'client-id',
      'sign-in',
    ]);
    expect(report.findings.at(-1)?.detail).toMatch(/^Not signed in: the checks above/);
    expect(report.signIn).toBeUndefined();

    // The checks pass, but the sign-in cannot begin: a scope the server does not have.
    const content = kestra.content.replace(/^( *)- "email"$/m, '$1- "email"\n$1- "kestra.admin"');
    expect(content).not.toBe(kestra.content);
    const stopped = await drift.startTargetSignIn(kestra.appId, 'kestra', {
      name: 'application.yml',
      path: 'application.yml',
      content,
    });
    expect(stopped.signIn).toBeNull();
    const failed = stopped.report.findings.filter((finding) => !finding.ok);
    expect(failed.map((finding) => finding.check)).toEqual(['sign-in']);
    expect(failed[0]?.detail).toBe(
      'The sign-in with exactly application.yml stopped at its scopes check: The server does not list kestra.admin among its scopes; the sign-in would fail with invalid_scope.',
    );
    expect(failed[0]?.fix).toMatch(/^Request only scopes the authorization server lists/);
    expect(stopped.report.signIn?.ok).toBe(false);
  });
});
