import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { readOktaApp } from '../../../../main/okta/okta-json.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import { clientSecretAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import { createProfileService } from '../../../../main/profiles/profile-service.ts';
import { PRESET_IDS } from '../../../../shared/setup/setup-document.ts';
import { foldersNotPrivate } from '../../../support/private-folders.ts';
import { startNodeScript } from '../../../support/processes.ts';
import {
  collect,
  replaceRedirectUrisAsAnotherAdmin,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * `sso-console` as an admin runs it against `npm run sandbox`: init → plan → apply → plan, with
 * Terraform's exit codes, the token only in the environment, and secrets only where asked.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let folder: string;

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo']);
  folder = mkdtempSync(path.join(tmpdir(), 'sso-console-cli-'));
});
afterAll(async () => {
  await sandbox.sandbox.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const cli = startNodeScript('main/cli/sso-console.ts', args, { ...process.env, ...env });
  const code = await cli.waitForExit();
  return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr.join('\n') };
}

describe('sso-console', () => {
  it('takes a Kestra setup from init to an org with nothing left to plan', async () => {
    const file = path.join(folder, 'kestra.json');
    const planFile = path.join(folder, 'kestra.plan.json');
    const dataDir = path.join(folder, 'data-kestra');
    const withToken = { SSO_CONSOLE_API_TOKEN: sandbox.apiToken };
    const org = ['--org-url', sandbox.orgUrl, '--user-data-dir', dataDir];

    const init = await run([
      'init',
      '--target',
      'kestra',
      '--base-url',
      'https://kestra.example.com',
      '--out',
      file,
    ]);
    expect(init.code).toBe(0);
    const document = JSON.parse(readFileSync(file, 'utf8')) as {
      id: string;
      app: { redirectUris: string[] };
    };
    expect(document.app.redirectUris).toEqual(['https://kestra.example.com/oauth/callback/okta']);

    const plan = await run(
      ['plan', file, ...org, '--detailed-exitcode', '--out', planFile],
      withToken,
    );
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ App integration "Kestra"');
    expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 0 unchanged.');
    expect(plan.stderr).toContain(`sso-console apply ${planFile}`);

    const apply = await run(['apply', planFile, ...org, '--json'], withToken);
    expect(apply.code).toBe(0);
    const result = JSON.parse(apply.stdout) as Record<string, unknown> & { clientId: string };
    expect(result).toMatchObject({
      outcome: 'applied',
      issuer: sandbox.orgUrl,
      clientId: result.appId,
      clientSecretStored: true,
      keychainWarning: null,
    });
    // The secret went to the keychain, under the console's account, and nowhere else.
    expect(result).not.toHaveProperty('clientSecret');
    const secret =
      (await new KeytarSecretStore().get(clientSecretAccount(sandbox.orgUrl, result.clientId))) ??
      '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(`${apply.stdout}${apply.stderr}`.includes(secret)).toBe(false);
    // The journal is the console's, in its data folder: what was done, never a secret.
    const journalFile = path.join(dataDir, 'journals', `${document.id}.jsonl`);
    expect(apply.stderr).toContain(`Journal: ${journalFile}`);
    const journal = readFileSync(journalFile, 'utf8');
    expect(journal).toContain('"stepKey":"app","phase":"done"');
    expect(journal).toContain('"stepKey":"client-secret","phase":"kept"');
    expect(journal.includes(secret)).toBe(false);
    expect(journal).not.toContain(sandbox.apiToken);
    expect(statSync(journalFile).mode & 0o777).toBe(0o600);
    // The data folder the CLI made, and every folder in it (journals, locks), are 0700.
    expect(await foldersNotPrivate(dataDir)).toEqual([]);

    const again = await run(['plan', file, ...org, '--detailed-exitcode'], withToken);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: the org already matches the setup document.');

    // Asked for, the secret is printed — read back from the keychain.
    const shown = await run(
      ['apply', file, ...org, '--yes', '--json', '--show-secrets'],
      withToken,
    );
    expect(JSON.parse(shown.stdout)).toEqual({ outcome: 'applied', changes: false });
  });

  it('refuses a plan file when the app was changed since, exits 3 and leaves the other admin’s edit', async () => {
    const file = path.join(folder, 'stale.json');
    const planFile = path.join(folder, 'stale.plan.json');
    const dataDir = path.join(folder, 'data-stale');
    const withToken = { SSO_CONSOLE_API_TOKEN: sandbox.apiToken };
    const org = ['--org-url', sandbox.orgUrl, '--user-data-dir', dataDir];
    await run(['init', '--target', 'kestra', '--name', 'Kestra stale', '--out', file]);
    expect((await run(['apply', file, ...org, '--yes'], withToken)).code).toBe(0);
    const document = JSON.parse(readFileSync(file, 'utf8')) as {
      app: { redirectUris: string[] };
    };
    document.app.redirectUris.push('http://localhost:8080/oauth/callback/second');
    writeFileSync(file, JSON.stringify(document));
    expect((await run(['plan', file, ...org, '--out', planFile], withToken)).code).toBe(0);

    // Meanwhile another admin edits the app in the Admin Console.
    const [app] = (
      await collect(await sandbox.client.applicationApi.listApplications({ q: 'Kestra stale' }))
    ).filter((candidate) => candidate.label === 'Kestra stale');
    const appId = app?.id ?? '';
    const theirs = [
      'http://localhost:8080/oauth/callback/okta',
      'https://other-admin.example.com/cb',
    ];
    await replaceRedirectUrisAsAnotherAdmin(sandbox.client, appId, theirs);

    const apply = await run(['apply', planFile, ...org], withToken);
    expect(apply.code).toBe(3);
    expect(apply.stdout).toContain('The plan is stale: the org changed since it was made');
    expect(apply.stdout).toContain('~ App integration "Kestra stale": changed in the org');
    expect(apply.stdout).toContain('https://other-admin.example.com/cb');
    expect(apply.stderr).toContain('nothing was written');
    const after = readOktaApp(await sandbox.client.applicationApi.getApplication({ appId }));
    expect(after.oauthClient.redirectUris).toEqual(theirs);

    const help = await run(['--help']);
    expect(help.stdout).toContain('(exit 3, with');
  });

  it('reads the token from standard input when the environment has none', async () => {
    const file = path.join(folder, 'kaimu.json');
    expect((await run(['init', '--target', 'kaimu', '--out', file])).code).toBe(0);
    const cli = startNodeScript(
      'main/cli/sso-console.ts',
      ['plan', file, '--org-url', sandbox.orgUrl, '--json'],
      {
        ...process.env,
        SSO_CONSOLE_API_TOKEN: '',
      },
    );
    cli.child.stdin.end(`${sandbox.apiToken}\n`);
    expect(await cli.waitForExit()).toBe(0);
    expect(JSON.parse(cli.stdout.join('\n'))).toMatchObject({ changes: true, blockers: [] });
  });

  it('explains bad input and exits 1, without echoing the token', async () => {
    const missing = await run([
      'plan',
      path.join(folder, 'nope.json'),
      '--org-url',
      sandbox.orgUrl,
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^sso-console: Cannot read .*nope\.json \(ENOENT\)\./);

    const file = path.join(folder, 'kestra-2.json');
    await run(['init', '--target', 'kestra', '--out', file]);
    const refused = await run(['init', '--target', 'kestra', '--out', file]);
    expect(refused.stderr).toContain('already exists.');

    const badToken = await run(['plan', file, '--org-url', sandbox.orgUrl], {
      SSO_CONSOLE_API_TOKEN: 'not-a-real-token-0123456789',
    });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('E0000011');
    expect(badToken.stderr).not.toContain('not-a-real-token-0123456789');

    // Refused before anything is written: no file appears where it would have gone.
    const unknownTarget = await run(['init', '--target', 'minio']);
    expect(unknownTarget.stderr).toContain(
      `--target must be one of ${PRESET_IDS.join(', ')}, not "minio".`,
    );
  });

  it('uses an org connected in the console, its token read from the OS keychain', async () => {
    const dataDir = path.join(folder, 'console-data');
    const profiles = createProfileService({
      repository: createFileProfileRepository(dataDir),
      secrets: new KeytarSecretStore(),
      createClient: (credentials) => createOktaClient(credentials),
      emitProgress: () => undefined,
      logger: createLogger({ write: () => undefined }),
    });
    const profile = await profiles.add({
      orgUrl: sandbox.orgUrl,
      apiToken: sandbox.apiToken,
      label: 'Staging org',
    });
    const file = path.join(folder, 'kestra-profile.json');
    await run(['init', '--target', 'kestra', '--name', 'Kestra via profile', '--out', file]);
    // No token in the environment or on standard input: it comes from the keychain.
    const plan = await run(
      ['plan', file, '--profile', 'Staging org', '--user-data-dir', dataDir, '--json'],
      { SSO_CONSOLE_API_TOKEN: '' },
    );
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ changes: true });

    const unknown = await run(['plan', file, '--profile', 'Prod', '--user-data-dir', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No saved profile is called "Prod"');
    expect(unknown.stderr).toContain('Saved profiles: "Staging org".');
    await profiles.remove(profile.id);
  });
});
