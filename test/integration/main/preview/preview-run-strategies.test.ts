import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createOktaClient, type OktaClient } from '../../../../main/okta/okta-client.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import type { InterceptWindowStrategy } from '../../../../main/sign-in/redirect-strategy.ts';
import { InterceptWindowClosedError } from '../../../../main/windows/intercept-window.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import {
  registeredRedirectUris as redirectUrisOf,
  startAppPreview,
} from '../../../support/preview-runs.ts';
import { injectSandboxFault } from '../../../support/sandbox-control.ts';
import { sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The redirect strategies for an app the admin will not let the console change, whose only
 * redirect URI is the deployed app's https address: (c) the sign-in window that catches the
 * redirect, and (d) the pasted address. The window is played by an HTTP client that signs in on
 * the sandbox's page and stops at the redirect back, as the Electron window does (its Electron
 * wiring is unit-tested in `test/unit/main/windows/intercept-window.test.ts`).
 */

const REDIRECT = 'https://kestra.example.com/oauth/callback/okta';

let sandbox: RunningSandbox;
let client: OktaClient;
let app: OidcAppUnderTest;
let journalDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  app = await setUpOidcApp(sdkClient(sandbox.orgUrl, sandbox.apiToken), {
    label: 'Deployed Kestra',
    applicationType: 'web',
    redirectUri: REDIRECT,
  });
  journalDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-strategies-'));
});
// A test that failed before its faults were used must not leave them to the next one.
afterEach(async () => {
  await fetch(`${sandbox.orgUrl}/__sandbox/faults`, {
    method: 'DELETE',
    headers: { Authorization: `SSWS ${sandbox.apiToken}` },
  });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(journalDir, { recursive: true, force: true });
});

function start(options: {
  intercept?: InterceptWindowStrategy;
  allowAppChange: boolean;
  fetch?: typeof fetch;
  throwaway?: { userId: string; login: string };
}) {
  return startAppPreview({
    client,
    orgUrl: sandbox.orgUrl,
    journalDir,
    app,
    redirectUri: REDIRECT,
    ...options,
  });
}

function registeredRedirectUris(): Promise<string[]> {
  return redirectUrisOf(client, app.appId);
}

describe('a preview that may not change the app', () => {
  it('signs in through the sign-in window, which stops at the redirect back', async () => {
    const opened: { authorizeUrl: string; redirectUri: string }[] = [];
    const signInWindow: InterceptWindowStrategy = {
      interceptCallback: (authorizeUrl, redirectUri) => {
        opened.push({ authorizeUrl, redirectUri });
        return oidcHttp(sandbox.orgUrl, redirectUri).signInAt(authorizeUrl, app.user);
      },
    };
    const run = await start({ intercept: signInWindow, allowAppChange: false });
    expect(run.strategy.kind).toBe('intercept-window');
    expect(run.strategy.redirectUri).toBe(REDIRECT);
    const report = await run.report;
    expect(report.diagnosis).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.idTokenDecoded?.claims.email).toBe(app.user.login);
    expect(opened).toHaveLength(1);
    expect(opened[0]?.authorizeUrl).toBe(run.authorizeUrl);
    expect(await registeredRedirectUris()).toEqual([REDIRECT]);
  });

  it('ends the preview with a clear error when the sign-in window is closed', async () => {
    const run = await start({
      intercept: { interceptCallback: () => Promise.reject(new InterceptWindowClosedError()) },
      allowAppChange: false,
    });
    await expect(run.report).rejects.toThrow('closed before the sign-in finished');
    expect(await registeredRedirectUris()).toEqual([REDIRECT]);
  });

  it('takes the pasted address where no window exists (browser mode, the command line)', async () => {
    const run = await start({ allowAppChange: false });
    expect(run.strategy.kind).toBe('paste-url');
    if (run.authorizeUrl === null) {
      throw new Error('The preview stopped before the sign-in.');
    }
    const landedOn = await oidcHttp(sandbox.orgUrl, REDIRECT).signInAt(run.authorizeUrl, app.user);
    expect(() => {
      run.paste('https://kestra.example.com/other?code=x');
    }).toThrow(/sign-in returns to https:\/\/kestra.example.com\/oauth\/callback\/okta/);
    run.paste(landedOn.toString());
    const report = await run.report;
    expect(report.ok).toBe(true);
    expect(await registeredRedirectUris()).toEqual([REDIRECT]);
  });

  it('adds and removes a temporary loopback URI when the admin allows a change', async () => {
    const run = await start({ allowAppChange: true });
    expect(run.strategy.kind).toBe('temporary-loopback');
    expect(await registeredRedirectUris()).toEqual([REDIRECT, run.strategy.redirectUri]);
    run.cancel();
    await expect(run.report).rejects.toThrow('cancelled');
    expect(await registeredRedirectUris()).toEqual([REDIRECT]);
  });

  it('adds the temporary URI beside discovery: the flow waits for the write only to build the sign-in', async () => {
    // The app's write is slow; discovery is sent while it is still on its way.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'PUT',
      path: `/api/v1/apps/${app.appId}`,
      latencyMs: 400,
    });
    const atDiscovery: Promise<string[]>[] = [];
    const sent: string[] = [];
    const watching: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      sent.push(url.pathname);
      if (url.pathname.endsWith('/.well-known/openid-configuration')) {
        atDiscovery.push(registeredRedirectUris());
      }
      return fetch(input, init);
    };
    const run = await start({ allowAppChange: true, fetch: watching });
    expect(run.strategy.kind).toBe('temporary-loopback');
    expect(await Promise.all(atDiscovery)).toEqual([[REDIRECT]]);
    // The pre-flight came after the write: it met the temporary URI registered.
    expect(sent.filter((sentPath) => sentPath.endsWith('/authorize'))).toHaveLength(1);
    expect(run.authorizeUrl).not.toBeNull();
    expect(await registeredRedirectUris()).toEqual([REDIRECT, run.strategy.redirectUri]);
    run.cancel();
    await expect(run.report).rejects.toThrow('cancelled');
    expect(await registeredRedirectUris()).toEqual([REDIRECT]);
  });

  it('a temporary URI Okta would not take fails the start, once the run took back what it added', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'PUT',
      path: `/api/v1/apps/${app.appId}`,
      status: 500,
    });
    // Discovery never answers in time: the failed start must not wait for it.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'GET',
      path: '/.well-known/openid-configuration',
      latencyMs: 20_000,
    });
    const discoverySignals: (AbortSignal | null | undefined)[] = [];
    const watching: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.pathname.endsWith('/.well-known/openid-configuration')) {
        discoverySignals.push(init?.signal);
      }
      return fetch(input, init);
    };
    const throwaway = await sdkClient(sandbox.orgUrl, sandbox.apiToken).userApi.createUser({
      body: {
        profile: {
          firstName: 'Throwaway',
          lastName: 'Preview',
          email: 'throwaway.preview@example.com',
          login: 'throwaway.preview@example.com',
        },
      },
      activate: true,
    });
    await expect(
      start({
        allowAppChange: true,
        fetch: watching,
        throwaway: { userId: throwaway.id ?? '', login: 'throwaway.preview@example.com' },
      }),
    ).rejects.toMatchObject({ status: 500 });
    expect(await registeredRedirectUris()).toEqual([REDIRECT]);
    // Taken back before the start answered: the throwaway user is gone, discovery given up.
    await expect(client.userApi.getUser({ userId: throwaway.id ?? '' })).rejects.toMatchObject({
      status: 404,
    });
    expect(discoverySignals).toHaveLength(1);
    expect(discoverySignals[0]?.aborted).toBe(true);
    // The journal says which loopback port was tried; nothing listens there any more.
    const { port } = new URL(lastJournaled().uri);
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(Number(port), '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  });

  it('a temporary URI Okta made but whose answer was lost is taken back at once', async () => {
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'PUT',
      path: `/api/v1/apps/${app.appId}`,
      status: 502,
      afterCommit: true,
    });
    await expect(start({ allowAppChange: true })).rejects.toMatchObject({ status: 502 });
    expect(await registeredRedirectUris()).toEqual([REDIRECT]);
    expect(lastJournaled().phase).toBe('removed');
  });
});

/** The newest line of the temporary redirect URIs' journal. */
function lastJournaled(): { uri: string; phase: string } {
  const journal = readFileSync(path.join(journalDir, 'preview-redirects.jsonl'), 'utf8');
  const lines = journal
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { uri: string; phase: string });
  const last = lines.at(-1);
  if (last === undefined) {
    throw new Error('The journal is empty.');
  }
  return last;
}
