import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { cliAgainstSandbox } from '../../../support/cli-sandbox.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { startNodeScript } from '../../../support/processes.ts';

/**
 * The command line keeps what it creates: `init`, `apply --yes`, `preview --json` and
 * `export --inline-secret` against `npm run sandbox`, on a keychain session, with no secret in
 * any environment variable and none printed by apply — preview and export find the client secret
 * and the test user's password where the console keeps them, in the OS keychain.
 */

const cli = cliAgainstSandbox('sso-console-keychain-');
const { environment, start, run } = cli;
const keychain = new KeytarSecretStore();

describe('sso-console on a keychain session', () => {
  it('applies, previews and exports with the secrets it kept, printing none unasked', async () => {
    const file = path.join(cli.folder, 'kestra.json');
    const baseUrl = `http://127.0.0.1:${String(await freePort())}`;
    const init = startNodeScript(
      'main/cli/sso-console.ts',
      ['init', '--target', 'kestra', '--base-url', baseUrl, '--name', 'Kestra kept', '--out', file],
      environment(),
    );
    expect(await init.waitForExit()).toBe(0);
    // The admin adds a test user to the setup file.
    const login = 'ada.kept@example.com';
    const document = JSON.parse(readFileSync(file, 'utf8')) as {
      assignments: Record<string, unknown>;
    };
    document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
    writeFileSync(file, JSON.stringify(document));

    const apply = await run(['apply', file, '--yes', '--json']);
    expect(apply.code).toBe(0);
    const applied = JSON.parse(apply.stdout.split('\n').at(-1) ?? '') as {
      appId: string;
      clientId: string;
      clientSecretStored: boolean;
      testUserLogin: string;
    };
    expect(applied).toMatchObject({ clientSecretStored: true, testUserLogin: login });
    const secret =
      (await keychain.get(clientSecretAccount(cli.sandbox.orgUrl, applied.clientId))) ?? '';
    const password = (await keychain.get(testUserPasswordAccount(cli.sandbox.orgUrl, login))) ?? '';
    expect(secret.length).toBeGreaterThan(30);
    expect(password.length).toBeGreaterThan(8);
    // Nothing printed either, in JSON or in words.
    expect(`${apply.stdout}${apply.stderr}`.includes(secret)).toBe(false);
    expect(`${apply.stdout}${apply.stderr}`.includes(password)).toBe(false);
    const words = await run(['apply', file, '--yes']);
    expect(words.stdout).toContain('Nothing to change');

    // The preview finds the client secret in the keychain; the test user signs in with theirs.
    const preview = start([
      'preview',
      '--app',
      applied.appId,
      '--user',
      login,
      '--no-open',
      '--json',
    ]);
    const event = JSON.parse(await preview.waitForLine(/"event":"authorize"/)) as { url: string };
    const back = await oidcHttp(cli.sandbox.orgUrl, `${baseUrl}/oauth/callback/okta`).signInAt(
      event.url,
      { login, password },
    );
    expect((await fetch(back)).status).toBe(200);
    expect(await preview.waitForExit()).toBe(0);
    const result = JSON.parse(preview.stdout.filter((line) => line.trim() !== '').at(-1) ?? '') as {
      ok: boolean;
      idToken?: { claims: { email?: string } };
    };
    expect(result.ok).toBe(true);
    expect(result.idToken?.claims.email).toBe(login);
    expect(preview.stdout.join('\n').includes(secret)).toBe(false);

    // The export writes the kept secret into the file, as asked, and shows it nowhere else.
    const out = path.join(cli.folder, 'export');
    const exported = await run([
      'export',
      '--app',
      applied.appId,
      '--target',
      'kestra',
      '--inline-secret',
      '--out',
      `${out}/`,
    ]);
    expect(exported.code).toBe(0);
    const [written = ''] = readdirSync(out);
    const target = path.join(out, written);
    expect(readFileSync(target, 'utf8').includes(secret)).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(`${exported.stdout}${exported.stderr}`.includes(secret)).toBe(false);
  });
});
