import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { jsonExporter } from '../../../../main/export/targets/json.ts';
import { prepareVerification } from '../../../../main/export/verify-export.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { readOktaPolicy } from '../../../../main/okta/okta-json.ts';
import { clientSecretAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep } from '../../../support/apply-setup.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { collect, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * `sso-console export --app` without `--issuer` writes the issuer the setup's apply reported:
 * the custom server whose access policy names the client, or, where the org cannot say (the
 * `default` server's policy for all clients admits every app), the server the kept setup
 * document chose. Two servers naming the client are refused, naming `--issuer` and both.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let folder: string;
const keychain = new KeytarSecretStore();
const keptSecrets: string[] = [];

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo']);
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-export-issuer-'));
});
afterAll(async () => {
  for (const account of keptSecrets) {
    await keychain.delete(account);
  }
  await sandbox.sandbox.stop();
  rmSync(folder, { recursive: true, force: true });
});

function client() {
  return createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
}

/** Runs the CLI with the sandbox's token; answers the exit code and what it printed. */
async function run(args: string[]) {
  const cli = startNodeScript('main/cli/sso-console.ts', args, {
    ...process.env,
    SSO_CONSOLE_API_TOKEN: sandbox.apiToken,
  });
  const code = await cli.waitForExit();
  return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr.join('\n') };
}

/** `sso-console export --app <id> --target json` to standard output, read as the JSON target. */
async function exportJson(appId: string, args: string[]) {
  const exported = await run([
    ...['export', '--org-url', sandbox.orgUrl, '--app', appId, '--target', 'json'],
    ...args,
  ]);
  const files =
    exported.code === 0
      ? [
          {
            name: 'oidc.json',
            language: 'json' as const,
            content: exported.stdout,
            sensitive: false,
            purpose: '',
          },
        ]
      : [];
  return { ...exported, files, reading: files.length > 0 ? jsonExporter.read?.(files) : undefined };
}

/** A web setup on a new custom server, with a test user, applied by the product's engine. */
async function appliedOnNewServer(label: string) {
  const slug = label.toLowerCase().replaceAll(/\W+/g, '-');
  const document = createSetupDocument({
    id: `issuer-${slug}`,
    preset: 'web',
    baseUrl: `http://localhost:${String(await freePort())}`,
    label,
  });
  document.issuer = {
    kind: 'custom',
    server: { kind: 'new', name: `${label} server`, audience: `api://${slug}`, description: '' },
    issuerMode: 'ORG_URL',
    scopes: ['openid', 'profile', 'email', 'phone'],
  };
  const login = `${label.toLowerCase().replaceAll(/\W+/g, '.')}@example.com`;
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
  const result = await applyAndKeep({ client: client(), orgUrl: sandbox.orgUrl, document });
  keptSecrets.push(clientSecretAccount(sandbox.orgUrl, result.clientId));
  return { document, result, login, password: result.testUserPassword ?? '' };
}

describe('export --app: the issuer follows the applied setup', () => {
  it('writes the issuer of the custom server whose policy names the client, and signs in with it', async () => {
    const setup = await appliedOnNewServer('Issuer new server');
    const reported = `${sandbox.orgUrl}/oauth2/${setup.result.authServerId ?? ''}`;
    expect(setup.result.authServerId).toMatch(/^aus/);

    // A fresh data folder: no setup document on this computer, only the org to go by.
    const exported = await exportJson(setup.result.appId, [
      '--user-data-dir',
      path.join(folder, 'empty-1'),
    ]);
    expect(exported.stderr).not.toMatch(/^sso-console:/m);
    expect(exported.code).toBe(0);
    expect(exported.reading?.issuer).toBe(reported);
    // The scopes the setup's policy grants, not a fixed three.
    expect(exported.reading?.scopes).toEqual(['openid', 'profile', 'email', 'phone']);
    expect(exported.stderr).not.toContain('--issuer');

    // The file signs in at that server, with only what it says.
    const prepared = await prepareVerification({
      exporter: jsonExporter,
      files: exported.files,
      secrets: { resolve: () => Promise.resolve(setup.result.clientSecret) },
    });
    const callback = await oidcHttp(
      sandbox.orgUrl,
      setup.document.app.redirectUris[0] ?? '',
    ).signInAt(prepared.authorizeUrl, { login: setup.login, password: setup.password });
    const verified = await prepared.complete(callback);
    expect(verified.checks.filter((check) => !check.ok)).toEqual([]);
    expect(verified.ok).toBe(true);
  });

  it('follows the kept setup document on `default`, whose policy for all clients admits every app', async () => {
    const dataDir = path.join(folder, 'data-default');
    const org = ['--org-url', sandbox.orgUrl, '--user-data-dir', dataDir];
    const file = path.join(folder, 'on-default.json');
    const init = await run([
      ...['init', '--target', 'web', '--name', 'Issuer on default'],
      ...['--base-url', `http://localhost:${String(await freePort())}`, '--out', file],
    ]);
    expect(init.code).toBe(0);
    const document = JSON.parse(readFileSync(file, 'utf8')) as SetupDocument;
    document.issuer = {
      kind: 'custom',
      server: { kind: 'existing', id: 'default' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'profile', 'email'],
    };
    writeFileSync(file, JSON.stringify(document));
    const apply = await run(['apply', file, ...org, '--yes', '--json']);
    expect(apply.stderr).not.toMatch(/^sso-console:/m);
    expect(apply.code).toBe(0);
    const applied = JSON.parse(apply.stdout) as { appId: string; clientId: string; issuer: string };
    keptSecrets.push(clientSecretAccount(sandbox.orgUrl, applied.clientId));
    expect(applied.issuer).toBe(`${sandbox.orgUrl}/oauth2/default`);
    // The apply made no policy of its own: the Default Policy already admits the app.
    const policies = (
      await collect(
        await client().authorizationServerApi.listAuthorizationServerPolicies({
          authServerId: 'default',
        }),
      )
    ).map(readOktaPolicy);
    expect(policies.some((policy) => policy.includedClients.includes(applied.clientId))).toBe(
      false,
    );
    expect(policies.some((policy) => policy.includedClients.includes('ALL_CLIENTS'))).toBe(true);

    // The console that applied it exports what its apply reported, with no --issuer.
    const exported = await exportJson(applied.appId, ['--user-data-dir', dataDir]);
    expect(exported.stderr).not.toMatch(/^sso-console:/m);
    expect(exported.code).toBe(0);
    expect(exported.reading?.issuer).toBe(applied.issuer);
    expect(exported.stderr).not.toContain('Warning');

    // Without the document (another computer), the org cannot say: the org server's issuer,
    // with a warning naming the server and --issuer.
    const elsewhere = await exportJson(applied.appId, [
      '--user-data-dir',
      path.join(folder, 'empty-2'),
    ]);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.reading?.issuer).toBe(sandbox.orgUrl);
    expect(elsewhere.stderr).toContain(
      `Warning: The org authorization server's issuer (${sandbox.orgUrl}) was written`,
    );
    expect(elsewhere.stderr).toContain(`--issuer ${sandbox.orgUrl}/oauth2/default`);
    // The admin's choice then writes it.
    const chosen = await exportJson(applied.appId, [
      ...['--user-data-dir', path.join(folder, 'empty-2')],
      ...['--issuer', `${sandbox.orgUrl}/oauth2/default`],
    ]);
    expect(chosen.code).toBe(0);
    expect(chosen.reading?.issuer).toBe(applied.issuer);
  });

  it('refuses when two servers’ policies name the client, naming --issuer and both issuers', async () => {
    const setup = await appliedOnNewServer('Issuer two servers');
    const first = `${sandbox.orgUrl}/oauth2/${setup.result.authServerId ?? ''}`;
    // Another admin gives a second server a policy for the same client.
    const api = sandbox.client.authorizationServerApi;
    const second = await api.createAuthorizationServer({
      authorizationServer: {
        name: 'Second server',
        description: 'Also admits the app',
        audiences: ['api://second'],
      },
    });
    const secondIssuer = `${sandbox.orgUrl}/oauth2/${second.id ?? ''}`;
    await api.createAuthorizationServerPolicy({
      authServerId: second.id ?? '',
      policy: {
        type: 'OAUTH_AUTHORIZATION_POLICY',
        name: 'Second access',
        description: 'By hand',
        priority: 1,
        status: 'ACTIVE',
        conditions: { clients: { include: [setup.result.clientId] } },
      },
    });

    const dataDir = ['--user-data-dir', path.join(folder, 'empty-3')];
    const refused = await exportJson(setup.result.appId, dataDir);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`name client ${setup.result.clientId}`);
    expect(refused.stderr).toContain(`"Issuer two servers server" (${first}, policy "`);
    expect(refused.stderr).toContain(`"Second server" (${secondIssuer}, policy "Second access")`);
    expect(refused.stderr).toContain(
      `Choose the issuer with --issuer, one of ${first}, ${secondIssuer}.`,
    );

    // The admin's choice settles it, either way.
    const chosen = await exportJson(setup.result.appId, [...dataDir, '--issuer', secondIssuer]);
    expect(chosen.code).toBe(0);
    expect(chosen.reading?.issuer).toBe(secondIssuer);
    // An issuer that is not the org's is refused, rather than read as the org server.
    const foreign = await exportJson(setup.result.appId, [
      ...dataDir,
      ...['--issuer', 'https://other.example.com/oauth2/default'],
    ]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain(
      `--issuer https://other.example.com/oauth2/default is not an issuer of ${sandbox.orgUrl}`,
    );
  });
});
