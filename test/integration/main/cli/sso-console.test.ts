import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import { createProfileService } from '../../../../main/profiles/profile-service.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

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
    const withToken = { SSO_CONSOLE_API_TOKEN: sandbox.apiToken };
    const org = ['--org-url', sandbox.orgUrl];

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
    const document = JSON.parse(readFileSync(file, 'utf8')) as { app: { redirectUris: string[] } };
    expect(document.app.redirectUris).toEqual(['https://kestra.example.com/oauth/callback/okta']);

    const plan = await run(['plan', file, ...org, '--detailed-exitcode'], withToken);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ App integration "Kestra"');
    expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 0 unchanged.');

    const apply = await run(['apply', file, ...org, '--yes', '--json'], withToken);
    expect(apply.code).toBe(0);
    const result = JSON.parse(apply.stdout) as {
      appId: string;
      clientId: string;
      issuer: string;
      clientSecret: string;
    };
    expect(result).toMatchObject({ issuer: sandbox.orgUrl, clientId: result.appId });
    expect(result.clientSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    // The journal records what was done, never a secret.
    const journal = readFileSync(`${file}.journal.jsonl`, 'utf8');
    expect(journal).toContain('"stepKey":"app","phase":"done"');
    expect(journal).not.toContain(result.clientSecret);
    expect(journal).not.toContain(sandbox.apiToken);
    expect(statSync(`${file}.journal.jsonl`).mode & 0o777).toBe(0o600);

    const again = await run(['plan', file, ...org, '--detailed-exitcode'], withToken);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: the org already matches the setup document.');
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

    const unknownTarget = await run(['init', '--target', 'jenkins']);
    expect(unknownTarget.stderr).toContain(
      '--target must be one of kestra, kaimu, web, spa, native, not "jenkins".',
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
