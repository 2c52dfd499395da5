import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { type OktaSdkClient, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * `sso-console preview --json --no-open` against `npm run sandbox`: the authorize event, a
 * person signing in (headless, over HTTP) and the browser landing on the CLI's loopback
 * listener, then the result line — claims on success, a diagnosis code on failure.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let folder: string;

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo']);
  folder = mkdtempSync(path.join(tmpdir(), 'sso-console-preview-'));
});
afterAll(async () => {
  await sandbox.sandbox.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** `sso-console preview --no-open --json` of `app` as its test user, in the shared data folder. */
function startCliPreview(app: OidcAppUnderTest, flags: string[] = []) {
  return startNodeScript(
    'main/cli/sso-console.ts',
    [
      'preview',
      ...['--app', app.appId, '--org-url', sandbox.orgUrl, '--user', app.user.login],
      ...['--no-open', '--json', '--user-data-dir', folder, ...flags],
    ],
    {
      ...process.env,
      SSO_CONSOLE_API_TOKEN: sandbox.apiToken,
      SSO_CONSOLE_CLIENT_SECRET: app.clientSecret ?? '',
    },
  );
}

/** An app deployed elsewhere: its redirect URI is not on loopback. */
const DEPLOYED_REDIRECT = 'https://kestra.example.com/oauth/callback/okta';

function deployedApp(label: string, login: string) {
  return setUpOidcApp(sandbox.client, {
    label,
    applicationType: 'web',
    redirectUri: DEPLOYED_REDIRECT,
    login,
  });
}

async function redirectUrisOf(appId: string): Promise<string[]> {
  const read = (await sandbox.client.applicationApi.getApplication({ appId })) as {
    settings?: { oauthClient?: { redirect_uris?: string[] } };
  };
  return read.settings?.oauthClient?.redirect_uris ?? [];
}

async function preview(options: { client: OktaSdkClient; label: string; assign: boolean }) {
  const redirectUri = `http://127.0.0.1:${String(await freePort())}/oauth/callback/okta`;
  const app = await setUpOidcApp(options.client, {
    label: options.label,
    applicationType: 'web',
    redirectUri,
    login: `${options.label.toLowerCase().replaceAll(' ', '.')}@example.com`,
  });
  if (!options.assign) {
    const groups = options.client.applicationApi.listApplicationGroupAssignments({
      appId: app.appId,
    });
    for await (const group of await groups) {
      await options.client.applicationApi.unassignApplicationFromGroup({
        appId: app.appId,
        groupId: group?.id ?? '',
      });
    }
  }
  const cli = startCliPreview(app);
  const event = JSON.parse(await cli.waitForLine(/"event":"authorize"/)) as { url: string };
  expect(event.url.startsWith(`${sandbox.orgUrl}/oauth2/v1/authorize?`)).toBe(true);
  // The person signs in; their browser then lands on the CLI's loopback listener.
  const back = await oidcHttp(sandbox.orgUrl, redirectUri).signInAt(event.url, app.user);
  const landing = await fetch(back);
  expect(landing.status).toBe(200);
  const code = await cli.waitForExit();
  const last = cli.stdout.filter((line) => line.trim() !== '').at(-1) ?? '';
  const result = JSON.parse(last) as {
    event: string;
    ok: boolean;
    diagnosis: { code: string }[];
    idToken?: { claims: Record<string, unknown> };
  };
  const output = [...cli.stdout, ...cli.stderr].join('\n');
  return { app, code, result, output };
}

describe('sso-console preview', () => {
  it('signs in with the app’s real settings and prints the verified claims', async () => {
    const { app, code, result, output } = await preview({
      client: sandbox.client,
      label: 'CLI preview',
      assign: true,
    });
    expect(code).toBe(0);
    expect(result).toMatchObject({
      event: 'result',
      ok: true,
      diagnosis: [],
      idToken: { claims: { email: app.user.login, aud: app.clientId } },
    });
    // Exactly two JSON lines on stdout, and the secret in neither.
    expect(output).not.toContain(app.clientSecret ?? '-');
  });

  it('exits 1 with a diagnosis when the user is not assigned', async () => {
    const { code, result } = await preview({
      client: sandbox.client,
      label: 'CLI unassigned',
      assign: false,
    });
    expect(code).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.diagnosis.map((diagnosis) => diagnosis.code)).toContain('USER_NOT_ASSIGNED');
  });

  it('with --no-app-change, leaves the app alone and takes the pasted address', async () => {
    const redirectUri = DEPLOYED_REDIRECT;
    const app = await deployedApp('CLI no change', 'cli.no.change@example.com');
    const cli = startCliPreview(app, ['--no-app-change']);
    const event = JSON.parse(await cli.waitForLine(/"event":"authorize"/)) as { url: string };
    const back = await oidcHttp(sandbox.orgUrl, redirectUri).signInAt(event.url, app.user);
    // A wrong address first: refused on standard error, and the next line is awaited.
    cli.child.stdin.write('https://kestra.example.com/somewhere-else?code=x\n');
    cli.child.stdin.write(`${back.toString()}\n`);
    expect(await cli.waitForExit()).toBe(0);
    expect(cli.stderr.join('\n')).toContain('the sign-in returns to');
    const result = JSON.parse(cli.stdout.at(-1) ?? '') as { ok: boolean };
    expect(result.ok).toBe(true);
    expect(await redirectUrisOf(app.appId)).toEqual([redirectUri]);
  });

  it('refuses to start beside another process’s preview, and leaves what that one added alone', async () => {
    const redirectUri = DEPLOYED_REDIRECT;
    const app = await deployedApp('CLI one at a time', 'cli.one.at.a.time@example.com');
    const redirectUris = () => redirectUrisOf(app.appId);
    // The first waits for its sign-in on a temporary loopback URI it added to the app.
    const first = startCliPreview(app);
    const running = [first];
    try {
      const event = JSON.parse(await first.waitForLine(/"event":"authorize"/)) as { url: string };
      const temporary = new URL(event.url).searchParams.get('redirect_uri') ?? '';
      expect(await redirectUris()).toEqual([redirectUri, temporary]);

      // The second ends at once, naming the first; before, its cleanup removed the first's URI.
      const second = startCliPreview(app);
      running.push(second);
      const ended = await Promise.race([
        second.waitForExit().then((code) => ({ code })),
        second.waitForLine(/"event":"authorize"/).then((line) => ({ line })),
      ]);
      expect(ended).toEqual({ code: 1 });
      expect(second.stderr.join('\n')).toContain(
        `Another login preview is running on this computer (process ${String(first.child.pid)} since`,
      );
      expect(await redirectUris()).toEqual([redirectUri, temporary]);

      // The first signs in as if nothing happened, then takes its URI back.
      const back = await oidcHttp(sandbox.orgUrl, temporary).signInAt(event.url, app.user);
      expect((await fetch(back)).status).toBe(200);
      expect(await first.waitForExit()).toBe(0);
    } finally {
      // A failed assertion must not leave a preview holding the data folder for five minutes.
      await Promise.all(running.map((cli) => cli.stop()));
    }
    expect(await redirectUris()).toEqual([redirectUri]);
  });
});
