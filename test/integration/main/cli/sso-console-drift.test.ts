import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * `sso-console drift` as an admin runs it against `npm run sandbox`, with Terraform's exit codes:
 * 0 no drift, 2 drift found, 1 an error. The app is edited with a plain PUT behind the console's
 * back; drift shows the field, Restore and Adopt each end it; a deployed application.yml with a
 * wrong client id is caught with its fix.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let folder: string;
let org: string[];

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo', '--rate-limits', 'unlimited']);
  folder = mkdtempSync(path.join(tmpdir(), 'sso-console-drift-'));
  org = ['--org-url', sandbox.orgUrl, '--user-data-dir', path.join(folder, 'data')];
});
afterAll(async () => {
  await sandbox.sandbox.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** The command's environment: the API token, no client secret unless `extra` sets one. */
function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const secretNames = new Set(['SSO_CONSOLE_CLIENT_SECRET', 'OKTA_CLIENT_SECRET']);
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !secretNames.has(name))),
    SSO_CONSOLE_API_TOKEN: sandbox.apiToken,
    ...extra,
  };
}

function start(args: string[], extra: NodeJS.ProcessEnv = {}) {
  return startNodeScript('main/cli/sso-console.ts', [...args, ...org], environment(extra));
}

async function run(args: string[]) {
  const cli = start(args);
  const code = await cli.waitForExit();
  return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr.join('\n') };
}

/** Another admin's plain PUT of the app through the management API. */
async function editApp(appId: string, edit: (app: Record<string, unknown>) => void) {
  const url = `${sandbox.orgUrl}/api/v1/apps/${appId}`;
  const headers = {
    authorization: `SSWS ${sandbox.apiToken}`,
    accept: 'application/json',
    'content-type': 'application/json',
  };
  const app = (await (await fetch(url, { headers })).json()) as Record<string, unknown>;
  edit(app);
  expect((await fetch(url, { method: 'PUT', headers, body: JSON.stringify(app) })).status).toBe(
    200,
  );
}

function redirectUrisOf(app: Record<string, unknown>): string[] {
  return (app.settings as { oauthClient: { redirect_uris: string[] } }).oauthClient.redirect_uris;
}

describe('sso-console drift', () => {
  let appId: string;
  let clientId: string;
  const file = () => path.join(folder, 'kestra.json');

  it('exits 0 on an app that matches its document, 2 once it was edited behind the console’s back, with the field', async () => {
    expect(
      (
        await run([
          'init',
          '--target',
          'kestra',
          '--base-url',
          'https://kestra.example.com',
          '--out',
          file(),
        ])
      ).code,
    ).toBe(0);
    const applied = await run(['apply', file(), '--yes', '--json']);
    expect(applied.code, applied.stderr).toBe(0);
    ({ appId, clientId } = JSON.parse(applied.stdout) as { appId: string; clientId: string });

    const clean = await run(['drift', '--app', appId]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('No drift: the app matches its setup document.');

    await editApp(appId, (app) => {
      redirectUrisOf(app).push('https://added.example.com/oauth/callback/okta');
    });
    const drifted = await run(['drift', '--app', 'Kestra']);
    expect(drifted.code, drifted.stderr).toBe(2);
    expect(drifted.stdout).toContain(
      [
        '  ~ App integration "Kestra"',
        '      app.redirectUris',
        '        document: ["https://kestra.example.com/oauth/callback/okta"]',
        '        Okta:     ["https://kestra.example.com/oauth/callback/okta","https://added.example.com/oauth/callback/okta"]',
      ].join('\n'),
    );
    expect(drifted.stdout).toContain('Drift: 1 field differs, 1 of them adoptable.');

    const json = await run(['drift', '--app', appId, '--json']);
    expect(json.code).toBe(2);
    const answer = JSON.parse(json.stdout) as {
      drift: boolean;
      org: { drift: { fields: { path: string; documentValue: unknown; oktaValue: unknown }[] } };
    };
    expect(answer.drift).toBe(true);
    expect(answer.org.drift.fields).toMatchObject([
      {
        path: 'app.redirectUris',
        documentValue: ['https://kestra.example.com/oauth/callback/okta'],
        oktaValue: [
          'https://kestra.example.com/oauth/callback/okta',
          'https://added.example.com/oauth/callback/okta',
        ],
      },
    ]);
  });

  it('--restore applies the document: exit 0, and drift finds nothing after', async () => {
    const restored = await run(['drift', '--app', appId, '--restore']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('Restored: the setup document was applied.');
    expect((await run(['drift', '--app', appId])).code).toBe(0);
    const plan = await run(['plan', file(), '--detailed-exitcode']);
    expect(plan.code).toBe(0);
  });

  it('--adopt writes Okta’s values into the kept document and FILE: exit 0', async () => {
    await editApp(appId, (app) => {
      app.label = 'Kestra (prod)';
    });
    const adopted = await run(['drift', file(), '--app', appId, '--adopt']);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stdout).toContain("Adopted Okta's values of app.label");
    const document = JSON.parse(readFileSync(file(), 'utf8')) as {
      app: { label: string; redirectUris: string[] };
    };
    expect(document.app.label).toBe('Kestra (prod)');
    expect(document.app.redirectUris).toEqual(['https://kestra.example.com/oauth/callback/okta']);
    expect((await run(['plan', file(), '--detailed-exitcode'])).code).toBe(0);
  });

  it('checks a deployed application.yml: exit 0 as exported, 2 with a wrong client id, with its fix', async () => {
    const deployed = path.join(folder, 'deployed', 'application.yml');
    const exported = await run(['export', '--app', appId, '--target', 'kestra', '--out', deployed]);
    expect(exported.code, exported.stderr).toBe(0);

    const good = await run(['drift', '--app', appId, '--target-file', deployed]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain('The target file matches Okta.');
    expect(good.stdout).toContain(
      '✓ secret: OKTA_CLIENT_SECRET is not set here; this computer’s keychain keeps the client secret of',
    );

    const content = readFileSync(deployed, 'utf8');
    const wrong = path.join(folder, 'kestra-prod.yml');
    writeFileSync(wrong, content.replace(clientId, '0oaNOTTHEAPP12345678'));
    const line = content.split('\n').findIndex((text) => text.includes(clientId)) + 1;
    const caught = await run([
      'drift',
      '--app',
      appId,
      '--target-file',
      wrong,
      '--target',
      'kestra',
    ]);
    expect(caught.code).toBe(2);
    expect(caught.stdout).toContain(
      `✗ client-id: The file's client id 0oaNOTTHEAPP12345678 is no app's in the org`,
    );
    expect(caught.stdout).toContain(
      `fix: Replace the client id 0oaNOTTHEAPP12345678 with ${clientId} in ${wrong} line ${String(line)}, and redeploy the target.`,
    );

    const moved = path.join(folder, 'moved.yml');
    writeFileSync(
      moved,
      content.replace('https://kestra.example.com', 'https://kestra.new.example.com'),
    );
    const callback = await run(['drift', '--app', appId, '--target-file', moved]);
    expect(callback.code).toBe(2);
    expect(callback.stdout).toContain(
      '✗ redirect-uri: kestra sends the redirect URI https://kestra.new.example.com/oauth/callback/okta, which is not registered',
    );
    expect(callback.stdout).toContain(
      'fix: Change the file so kestra sends https://kestra.example.com/oauth/callback/okta',
    );

    const json = await run(['drift', '--app', appId, '--target-file', wrong, '--json']);
    expect(json.code).toBe(2);
    const answer = JSON.parse(json.stdout) as {
      drift: boolean;
      org: { drift: { drifted: boolean } };
      target: { ok: boolean; findings: { check: string; ok: boolean }[] };
    };
    expect(answer).toMatchObject({ drift: true, org: { drift: { drifted: false } } });
    expect(answer.target.findings.filter((finding) => !finding.ok).map((f) => f.check)).toEqual([
      'client-id',
    ]);
  });

  it('--sign-in signs in with exactly the target file: exit 0 when it does, 2 with its fix when the secret is wrong', async () => {
    const baseUrl = `http://127.0.0.1:${String(await freePort())}`;
    const document = path.join(folder, 'kestra-sign-in.json');
    const login = 'ada.drift.cli@example.com';
    expect(
      (
        await run([
          'init',
          '--target',
          'kestra',
          '--base-url',
          baseUrl,
          '--name',
          'Kestra sign-in',
          '--out',
          document,
        ])
      ).code,
    ).toBe(0);
    const written = JSON.parse(readFileSync(document, 'utf8')) as {
      assignments: { testUser?: unknown };
    };
    written.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email: login };
    writeFileSync(document, JSON.stringify(written));
    const applied = await run(['apply', document, '--yes', '--json', '--show-secrets']);
    expect(applied.code, applied.stderr).toBe(0);
    const { appId: app, testUserPassword } = JSON.parse(applied.stdout) as {
      appId: string;
      testUserPassword: string;
    };
    const deployed = path.join(folder, 'sign-in', 'application.yml');
    expect(
      (await run(['export', '--app', app, '--target', 'kestra', '--out', deployed])).code,
    ).toBe(0);
    const http = oidcHttp(sandbox.orgUrl, `${baseUrl}/oauth/callback/okta`);
    const signIn = async (extra: NodeJS.ProcessEnv) => {
      const cli = start(
        ['drift', '--app', app, '--target-file', deployed, '--sign-in', '--user', login],
        extra,
      );
      const url = (await cli.waitForLine(/^\s+http\S+\/v1\/authorize\?/)).trim();
      await cli.waitForLine(/The console listens on http:\/\/127\.0\.0\.1/);
      await fetch(await http.signInAt(url, { login, password: testUserPassword }));
      const code = await cli.waitForExit();
      return { code, stdout: cli.stdout.join('\n'), stderr: cli.stderr.join('\n') };
    };

    // The file references OKTA_CLIENT_SECRET; unset here, the keychain's secret for the client.
    const good = await signIn({});
    expect(good.code, good.stdout + good.stderr).toBe(0);
    expect(good.stdout).toContain(`Sign in with exactly ${deployed}: sign in as ${login} at`);
    expect(good.stdout).toContain(
      `✓ sign-in: Signed in with exactly ${deployed}: Signed in as ${login}`,
    );
    expect(good.stdout).toContain('The target file matches Okta.');

    const wrong = await signIn({ OKTA_CLIENT_SECRET: 'not-the-apps-client-secret' });
    expect(wrong.code, wrong.stderr).toBe(2);
    expect(wrong.stdout).toContain(
      '✓ secret: The client secret resolves from OKTA_CLIENT_SECRET, set in this command’s environment.',
    );
    expect(wrong.stdout).toContain(
      "✗ sign-in: The sign-in with the files' values failed at the token exchange: invalid_client:",
    );
    expect(wrong.stdout).toContain(`fix: Set OKTA_CLIENT_SECRET (referenced in ${deployed} line `);
    const records = readFileSync(
      path.join(folder, 'data', 'exports', 'verifications.jsonl'),
      'utf8',
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { ok: boolean; files: string[] });
    expect(records.slice(-2).map((record) => [record.ok, record.files])).toEqual([
      [true, [deployed]],
      [false, [deployed]],
    ]);

    const alone = await run(['drift', '--app', app, '--sign-in']);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--sign-in signs in with a target’s config file');
  }, 120_000);

  it('exits 1 on an error: both --adopt and --restore, an unknown app, no document', async () => {
    const both = await run(['drift', '--app', appId, '--adopt', '--restore']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('Both --adopt and --restore were given.');

    const unknown = await run(['drift', '--app', 'No such app']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No OIDC app integration is labelled "No such app".');

    const missing = await run(['drift']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('drift needs the app');

    // An app no document on this computer describes.
    const created = await sandbox.client.applicationApi.createApplication({
      application: {
        name: 'oidc_client',
        label: 'Unmanaged',
        signOnMode: 'OPENID_CONNECT',
        credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
        settings: {
          oauthClient: {
            application_type: 'web',
            grant_types: ['authorization_code'],
            redirect_uris: ['https://unmanaged.example.com/callback'],
          },
        },
      } as never,
    });
    const unmanaged = await run(['drift', '--app', created.id ?? '']);
    expect(unmanaged.code).toBe(1);
    expect(unmanaged.stderr).toContain('No setup document of "Unmanaged"');
  });
});
