import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TargetReading } from '../../../../main/export/exporter.ts';
import { scopesOfServer } from '../../../../main/export/issuer-candidates.ts';
import { exporterFor } from '../../../../main/export/targets/index.ts';
import { kestraExporter } from '../../../../main/export/targets/kestra.ts';
import { prepareVerification } from '../../../../main/export/verify-export.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { listenForCallback } from '../../../../main/sign-in/loopback-callback.ts';
import type {
  ExportedFile,
  ExportTargetId,
  FileLanguage,
} from '../../../../shared/export/export-targets.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { PresetId, SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep } from '../../../support/apply-setup.ts';
import { freePort } from '../../../support/free-port.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * Verified export against the sandbox, end to end: a setup applied through the engine,
 * `sso-console export` writing the target's files to disk, the files parsed back by the target's
 * reader (the format's real parser), and the test user signing in on the sandbox's page in
 * Chromium with `openid-client` using only the values read from the files — the secret too,
 * resolved from the environment variable the files name, as the target would.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let browser: Browser;
let folder: string;

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo']);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-export-'));
});
afterAll(async () => {
  await browser.close();
  await sandbox.sandbox.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** Applies a fresh setup for `preset` with a test user, as the wizard would (then `adjust`). */
async function applied(
  preset: PresetId,
  label: string,
  adjust?: (document: SetupDocument) => void,
) {
  const document = createSetupDocument({
    id: `export-${label}`,
    preset,
    baseUrl: `http://localhost:${String(await freePort())}`,
    label,
  });
  adjust?.(document);
  const login = `${label.toLowerCase().replaceAll(/\W+/g, '.')}@example.com`;
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
  const client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  const result = await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document });
  return { document, result, login, password: result.testUserPassword ?? '' };
}

/** Puts the test user in a new group and assigns the group to the app, as an admin would. */
async function putTestUserInAssignedGroup(appId: string, login: string, name: string) {
  const client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  const group = await client.groupApi.createGroup({
    group: { profile: { name, description: 'Members map to a role in the target' } },
  });
  const user = await client.userApi.getUser({ userId: login });
  await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: user.id ?? '' });
  await client.applicationApi.assignGroupToApplication({ appId, groupId: group.id ?? '' });
}

/** Runs `sso-console export`; answers the exit code and what it printed. */
async function exportWithCli(args: string[], env: Record<string, string> = {}) {
  const cli = startNodeScript(
    'main/cli/sso-console.ts',
    ['export', '--org-url', sandbox.orgUrl, ...args],
    { ...process.env, SSO_CONSOLE_API_TOKEN: sandbox.apiToken, ...env },
  );
  const code = await cli.waitForExit();
  return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr.join('\n'), cli };
}

const LANGUAGE_BY_NAME: [RegExp, FileLanguage][] = [
  [/\.ya?ml$/, 'yaml'],
  [/\.json$/, 'json'],
  [/(^|\.)env(\.local)?$/, 'dotenv'],
];

/** The files as they are on disk now: what the target would read. */
function filesOnDisk(directory: string): ExportedFile[] {
  return readdirSync(directory).map((name) => ({
    name,
    language: LANGUAGE_BY_NAME.find(([pattern]) => pattern.test(name))?.[1] ?? 'dotenv',
    content: readFileSync(path.join(directory, name), 'utf8'),
    sensitive: false,
    purpose: '',
  }));
}

/** Signs in on the sandbox's page in Chromium with what `files` say; answers the result. */
async function signInWithFiles(
  target: ExportTargetId,
  files: ExportedFile[],
  environment: Record<string, string>,
  user: { login: string; password: string },
) {
  const exporter = exporterFor(target);
  if (exporter === undefined) {
    throw new Error(`No exporter for ${target}.`);
  }
  const prepared = await prepareVerification({
    exporter,
    files,
    // The target's environment, nothing else: no keychain, no setup document.
    secrets: { resolve: (variable) => Promise.resolve(environment[variable]) },
    // As the console reads them: scopes the setup made unpublished are not in discovery.
    serverScopes: (issuer) =>
      scopesOfServer(
        createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }),
        sandbox.orgUrl,
        issuer,
      ),
  });
  const listener = await listenForCallback({ redirectUri: prepared.reading.redirectUri });
  const callback = listener.callbackFor(prepared.state);
  const page = await browser.newPage();
  try {
    await page.goto(prepared.authorizeUrl);
    await page.getByLabel('Username').fill(user.login);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const result = await prepared.complete(await callback);
    return { reading: prepared.reading, result };
  } finally {
    await page.close();
    await listener.close();
  }
}

function expectReadingMatches(
  reading: TargetReading,
  expected: { issuer: string; clientId: string; redirectUri: string },
) {
  expect(reading.issuer).toBe(expected.issuer);
  expect(reading.clientId).toBe(expected.clientId);
  expect(reading.redirectUri).toBe(expected.redirectUri);
}

const CASES: {
  target: ExportTargetId;
  preset: PresetId;
  server: 'org' | 'default';
  /** A change to the preset's document before it is applied. */
  adjust?: (document: SetupDocument) => void;
  /** What else the target's files must say, beyond the values the sign-in uses. */
  check?: (files: ExportedFile[]) => void;
  /**
   * The target reads a groups claim (role mapping, RBAC): the test user is put in a group
   * assigned to the app, and the verification's ID token must carry it.
   */
  groupsClaim?: true;
}[] = [
  { target: 'kestra', preset: 'kestra', server: 'org' },
  { target: 'spring-boot', preset: 'spring-boot', server: 'default' },
  { target: 'grafana', preset: 'grafana', server: 'org', groupsClaim: true },
  { target: 'argocd', preset: 'argocd', server: 'default', groupsClaim: true },
  { target: 'oauth2-proxy', preset: 'oauth2-proxy', server: 'default' },
  { target: 'authjs', preset: 'authjs', server: 'org' },
  { target: 'gitlab', preset: 'gitlab', server: 'org' },
  { target: 'kaimu', preset: 'kaimu', server: 'default' },
  { target: 'okta-env', preset: 'kaimu', server: 'default' },
  { target: 'dotenv', preset: 'web', server: 'org' },
  { target: 'json', preset: 'web', server: 'org' },
  {
    target: 'vault',
    preset: 'vault',
    server: 'default',
    // The role lets `vault login -method=oidc` sign in too, on the CLI's own callback.
    check: (files) => {
      const role = files.find((file) => file.name === 'vault-oidc-role.json')?.content ?? '{}';
      const parsed = JSON.parse(role) as { allowed_redirect_uris?: string[] };
      expect(parsed.allowed_redirect_uris).toContain('http://localhost:8250/oidc/callback');
    },
  },
  { target: 'outline', preset: 'outline', server: 'org' },
  { target: 'jenkins', preset: 'jenkins', server: 'org' },
  { target: 'gitea', preset: 'gitea', server: 'org' },
  {
    target: 'harbor',
    preset: 'harbor',
    server: 'default',
    // Harbor's CLI secrets need the refresh token that offline_access asks for; the groups
    // scope the setup made is unpublished (NO_CLIENTS), and the verification still passes it.
    check: (files) => {
      const settings = files.find((file) => file.name === 'harbor-oidc.json')?.content ?? '{}';
      expect(JSON.parse(settings)).toMatchObject({
        oidc_scope: expect.stringContaining('offline_access') as unknown,
        oidc_logout: true,
      });
      expect(JSON.parse(settings)).toMatchObject({
        oidc_scope: expect.stringContaining('groups') as unknown,
      });
    },
  },
  { target: 'jupyterhub', preset: 'jupyterhub', server: 'org' },
];

describe('verified export: sign in with exactly what the files say', () => {
  for (const { target, preset, server, adjust, check, groupsClaim } of CASES) {
    it(`${target}: exported by the CLI, read back from disk, signed in with openid-client`, async () => {
      const setup = await applied(preset, `Export ${target}`, adjust);
      const groupName = `${target} admins`;
      if (groupsClaim === true) {
        await putTestUserInAssignedGroup(setup.result.appId, setup.login, groupName);
      }
      const out = path.join(folder, target);
      const exported = await exportWithCli([
        '--app',
        setup.result.appId,
        '--target',
        target,
        '--out',
        `${out}/`,
        ...(server === 'default' ? ['--issuer', `${sandbox.orgUrl}/oauth2/default`] : []),
      ]);
      expect(exported.stderr).not.toMatch(/^sso-console:/m);
      expect(exported.code).toBe(0);
      const secret = setup.result.clientSecret ?? '';
      // No secret in any file unless asked.
      const files = filesOnDisk(out);
      for (const file of files) {
        expect(file.content.includes(secret)).toBe(false);
      }
      check?.(files);

      // The target's environment holds the secret under the name the files give.
      const exporter = exporterFor(target);
      const variable = exporter?.read?.(files).clientSecret;
      expect(variable?.kind).toBe('environment');
      const environment = variable?.kind === 'environment' ? { [variable.variable]: secret } : {};
      const { reading, result } = await signInWithFiles(target, files, environment, {
        login: setup.login,
        password: setup.password,
      });
      expectReadingMatches(reading, {
        issuer: server === 'org' ? sandbox.orgUrl : `${sandbox.orgUrl}/oauth2/default`,
        clientId: setup.result.clientId,
        redirectUri: setup.document.app.redirectUris[0] ?? '',
      });
      expect(result.checks.filter((check) => !check.ok)).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.claims?.email).toBe(setup.login);
      expect(result.verifiedAt).not.toBeNull();
      if (groupsClaim === true) {
        // What the target maps roles from: the group, in the ID token the files signed in to.
        expect(result.claims?.groups).toEqual(expect.arrayContaining([groupName]));
      }
    });
  }

  it('--inline-secret writes the secret, with mode 0600, and the files alone sign in', async () => {
    const setup = await applied('kestra', 'Export inline');
    const out = path.join(folder, 'inline', 'application.yml');
    const exported = await exportWithCli(
      ['--app', setup.result.appId, '--target', 'kestra', '--out', out, '--inline-secret'],
      { SSO_CONSOLE_CLIENT_SECRET: setup.result.clientSecret ?? '' },
    );
    expect(exported.stderr).not.toMatch(/^sso-console:/m);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('mode 0600');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // The secret is in the file and nowhere in what the command printed.
    expect(readFileSync(out, 'utf8').includes(setup.result.clientSecret ?? '-')).toBe(true);
    expect((exported.stdout + exported.stderr).includes(setup.result.clientSecret ?? '-')).toBe(
      false,
    );
    const { result } = await signInWithFiles(
      'kestra',
      filesOnDisk(path.dirname(out)),
      {},
      {
        login: setup.login,
        password: setup.password,
      },
    );
    expect(result.ok).toBe(true);
  });

  it('a file edited by hand so its callback no longer matches fails verification, saying why', async () => {
    const setup = await applied('kestra', 'Export broken');
    const out = path.join(folder, 'broken', 'application.yml');
    expect(
      (await exportWithCli(['--app', setup.result.appId, '--target', 'kestra', '--out', out])).code,
    ).toBe(0);
    const files = filesOnDisk(path.dirname(out)).map((file) => ({
      ...file,
      content: file.content.replaceAll(/\bokta:\n/g, 'oktasso:\n'),
    }));
    const exporter = kestraExporter;
    expect(exporter.read?.(files).redirectUri).toMatch(/\/oauth\/callback\/oktasso$/);
    const environment: Record<string, string> = {
      OKTA_CLIENT_SECRET: setup.result.clientSecret ?? '',
    };
    const prepared = await prepareVerification({
      exporter,
      files,
      secrets: { resolve: (variable) => Promise.resolve(environment[variable]) },
    });
    // Okta refuses the authorize request: the callback the file implies is not registered.
    const page = await browser.newPage();
    const response = await page.goto(prepared.authorizeUrl);
    expect(response?.status()).toBe(400);
    await expect(page.content()).resolves.toContain(
      "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings",
    );
    await page.close();
  });

  it('an existing different file is not replaced without --force, and the diff is shown', async () => {
    const setup = await applied('kestra', 'Export existing');
    const out = path.join(folder, 'existing', 'application.yml');
    const args = ['--app', setup.result.appId, '--target', 'kestra', '--out', out];
    expect((await exportWithCli(args)).code).toBe(0);
    const before = readFileSync(out, 'utf8');
    const edited = `${before}# edited by hand\n`;
    writeFileSync(out, edited);
    const refused = await exportWithCli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('-# edited by hand');
    expect(refused.stderr).toContain('add --force');
    expect(readFileSync(out, 'utf8')).toBe(edited);
    const forced = await exportWithCli([...args, '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(before);
    // Three command-line processes, each starting Node and the SDK: slow on a loaded machine.
  }, 90_000);

  it('--verify signs in with what the written file says, and records it in the output', async () => {
    const setup = await applied('kestra', 'Export verify');
    const out = path.join(folder, 'verify', 'application.yml');
    const cli = startNodeScript(
      'main/cli/sso-console.ts',
      [
        ...['export', '--org-url', sandbox.orgUrl, '--app', setup.result.appId],
        ...['--target', 'kestra', '--out', out, '--verify'],
        ...['--user-data-dir', path.join(folder, 'data')],
      ],
      {
        ...process.env,
        SSO_CONSOLE_API_TOKEN: sandbox.apiToken,
        OKTA_CLIENT_SECRET: setup.result.clientSecret ?? '',
      },
    );
    await cli.waitForLine(/^Verify: sign in/);
    const authorizeUrl = (await cli.waitForLine(/^ {2}http/)).trim();
    const page = await browser.newPage();
    await page.goto(authorizeUrl);
    await page.getByLabel('Username').fill(setup.login);
    await page.getByLabel('Password').fill(setup.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await cli.waitForExit()).toBe(0);
    await page.close();
    const printed = cli.stdout.join('\n');
    expect(printed).toMatch(/^ok {2}sign-in: Signed in as /m);
    expect(printed).toMatch(/Verified at \S+; sha256 [0-9a-f]{64}\./);
    expect(printed.includes(setup.result.clientSecret ?? '-')).toBe(false);
    // Recorded like the wizard's verifications, in the data folder the command was given.
    const record = readFileSync(
      path.join(folder, 'data', 'exports', 'verifications.jsonl'),
      'utf8',
    );
    expect(JSON.parse(record.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
      target: 'kestra',
      ok: true,
      clientId: setup.result.clientId,
    });
  });

  it('--list-targets names every target', async () => {
    const listed = await exportWithCli(['--list-targets', '--json']);
    const { targets } = JSON.parse(listed.stdout) as { targets: { id: string }[] };
    expect(targets.map((target) => target.id)).toEqual(
      expect.arrayContaining(['kestra', 'kaimu', 'okta-env', 'dotenv', 'json', 'terraform']),
    );
  });
});
