import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import {
  clientSecretAccount,
  pendingClientSecretAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { applyAndKeep } from '../../../support/apply-setup.ts';
import { cliAgainstSandbox } from '../../../support/cli-sandbox.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { collect } from '../../../support/sandbox-sdk.ts';

/**
 * `sso-console rotate-secret` against `npm run sandbox`, on a keychain session, with its exit
 * codes: start (2, waiting), status (0 none / 2 in progress), finish refused until verified (1),
 * verify by signing in with the new files (0), finish without --yes (2) and with it (0), cancel,
 * and --show-secret as the only way the new secret is printed. The old secret exchanges codes at
 * /token until the finish, and is refused (invalid_client) after it.
 */

const cli = cliAgainstSandbox('sso-console-rotate-', ['rotate-secret']);
const { start } = cli;
// The console's own keychain service, as the command line uses it (a private keyring session).
const keychain = new KeytarSecretStore();

async function run(args: string[]) {
  const { code, stdout, stderr, lines } = await cli.run(args);
  return { code, stdout, stderr, last: lastJson(lines) };
}

function lastJson(lines: string[]): Record<string, unknown> {
  const line = lines.filter((candidate) => candidate.startsWith('{')).at(-1) ?? '{}';
  return JSON.parse(line) as Record<string, unknown>;
}

async function kestra(label: string) {
  const baseUrl = `http://127.0.0.1:${String(await freePort())}`;
  const document = createSetupDocument({ id: `cli-${label}`, preset: 'kestra', baseUrl, label });
  const login = `${label.toLowerCase().replaceAll(/\W+/g, '.')}@example.com`;
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
  const client = createOktaClient({ orgUrl: cli.sandbox.orgUrl, token: cli.sandbox.apiToken });
  const result = await applyAndKeep({ client, orgUrl: cli.sandbox.orgUrl, document, keychain });
  return {
    appId: result.appId,
    clientId: result.clientId,
    label,
    oldSecret: result.clientSecret ?? '',
    redirectUri: `${baseUrl}/oauth/callback/okta`,
    user: { login, password: result.testUserPassword ?? '' },
  };
}

type App = Awaited<ReturnType<typeof kestra>>;

/** Signs the test user in and exchanges the code at /token with `secret`. */
async function exchangeWith(app: App, secret: string) {
  const http = oidcHttp(cli.sandbox.orgUrl, app.redirectUri);
  const back = await http.signInAt(
    http.authorizeUrl(`${cli.sandbox.orgUrl}/oauth2`, {
      client_id: app.clientId,
      response_type: 'code',
      scope: 'openid email',
      redirect_uri: app.redirectUri,
      state: 'state-cli',
      nonce: 'nonce-cli',
    }),
    app.user,
  );
  return http.token(
    `${cli.sandbox.orgUrl}/oauth2`,
    {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: app.redirectUri,
    },
    { authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}` },
  );
}

async function secretsOf(appId: string) {
  return collect(
    await cli.sandbox.client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId }),
  );
}

describe('sso-console rotate-secret', () => {
  it('rotates step by step with its exit codes; the old secret works until --finish --yes', async () => {
    const app = await kestra('Rotate CLI');
    const none = await run(['--app', app.appId, '--status', '--json']);
    expect(none.code).toBe(0);
    expect(none.last.phase).toBe('none');
    expect((await run(['--app', app.appId, '--finish', '--yes'])).code).toBe(1);
    expect((await run(['--app', app.appId, '--target', 'nope'])).code).toBe(1);

    // Start: the second secret, kept in the keychain; the files written with it referenced.
    const out = path.join(cli.folder, 'kestra');
    const started = await run([
      '--app',
      app.appId,
      '--target',
      'kestra',
      '--out',
      `${out}/`,
      '--json',
    ]);
    expect(started.stderr).not.toMatch(/^sso-console:/m);
    expect(started.code).toBe(2);
    expect(started.last.phase).toBe('awaiting-verification');
    const newSecret =
      (await keychain.get(pendingClientSecretAccount(cli.sandbox.orgUrl, app.clientId))) ?? '';
    expect(newSecret.length).toBeGreaterThan(30);
    expect(`${started.stdout}${started.stderr}`.includes(newSecret)).toBe(false);
    const [written = ''] = readdirSync(out);
    const file = readFileSync(path.join(out, written), 'utf8');
    expect(file).toContain(app.clientId);
    expect(file.includes(newSecret)).toBe(false);
    expect(await secretsOf(app.appId)).toHaveLength(2);
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);

    // In progress; by label too. Finishing is refused until the new files signed in.
    const waiting = await run(['--app', app.label, '--status']);
    expect(waiting.code).toBe(2);
    expect(waiting.stdout).toContain('awaiting-verification');
    const early = await run(['--app', app.appId, '--finish', '--yes']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('has not been verified');
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);

    // The admin deployed; --verify signs in with exactly the new files.
    const verifying = start([
      '--app',
      app.appId,
      '--target',
      'kestra',
      '--out',
      `${out}/`,
      '--verify',
      '--user',
      app.user.login,
      '--json',
    ]);
    const event = JSON.parse(await verifying.waitForLine(/"event":"authorize"/)) as {
      url: string;
      listening: boolean;
    };
    expect(event.listening).toBe(true);
    const back = await oidcHttp(cli.sandbox.orgUrl, app.redirectUri).signInAt(event.url, app.user);
    await fetch(back);
    expect(await verifying.waitForExit()).toBe(0);
    expect(lastJson(verifying.stdout).phase).toBe('awaiting-confirmation');
    expect(verifying.stderr.join('\n')).toContain('Verified with the new secret');
    // The same files as deployed: the second write found them identical.
    expect(readFileSync(path.join(out, written), 'utf8')).toBe(file);
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);

    // Without --yes: says what it would do, changes nothing.
    const asked = await run(['--app', app.appId, '--finish']);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain('Nothing was changed');
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);

    // The admin's confirmation: the old secret is retired and refused at /token.
    const finished = await run(['--app', app.appId, '--finish', '--yes', '--json']);
    expect(finished.code).toBe(0);
    expect(finished.last.phase).toBe('finished');
    const refused = await exchangeWith(app, app.oldSecret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect((await exchangeWith(app, newSecret)).status).toBe(200);
    expect(await secretsOf(app.appId)).toHaveLength(1);
    expect(await keychain.get(clientSecretAccount(cli.sandbox.orgUrl, app.clientId))).toBe(
      newSecret,
    );
    expect((await run(['--app', app.appId, '--status'])).code).toBe(0);
  }, 180_000); // a dozen processes, each starting Node on the sources

  it('prints the new secret only with --show-secret, and --cancel --yes keeps the old one', async () => {
    const app = await kestra('Rotate CLI cancel');
    const shown = await run(['--app', app.appId, '--show-secret', '--json']);
    expect(shown.code).toBe(2);
    const newSecret =
      (await keychain.get(pendingClientSecretAccount(cli.sandbox.orgUrl, app.clientId))) ?? '';
    expect(shown.last.newSecret).toBe(newSecret);
    expect((await exchangeWith(app, newSecret)).status).toBe(200);
    // Resumed without it: the same secret, not shown.
    const again = await run(['--app', app.appId]);
    expect(again.code).toBe(2);
    expect(`${again.stdout}${again.stderr}`.includes(newSecret)).toBe(false);
    expect(await secretsOf(app.appId)).toHaveLength(2);

    expect((await run(['--app', app.appId, '--cancel'])).code).toBe(2);
    expect(await secretsOf(app.appId)).toHaveLength(2);
    const cancelled = await run(['--app', app.appId, '--cancel', '--yes', '--json']);
    expect(cancelled.code).toBe(0);
    expect(cancelled.last.phase).toBe('cancelled');
    expect(await secretsOf(app.appId)).toHaveLength(1);
    expect((await exchangeWith(app, app.oldSecret)).status).toBe(200);
    expect((await exchangeWith(app, newSecret)).status).toBe(401);
  }, 120_000);
});
