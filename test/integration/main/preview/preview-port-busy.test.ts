import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createOktaClient, type OktaClient } from '../../../../main/okta/okta-client.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import {
  registeredRedirectUris as redirectUrisOf,
  startAppPreview,
} from '../../../support/preview-runs.ts';
import { sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * Fault 9 of the matrix: the port of the app's own loopback redirect URI is taken (the app
 * itself is running there, or another preview) — before the preview looks, or between its look
 * and its listen. The preview still signs in, by the next way that works; the app ends as it was,
 * and the process holding the port never hears of it.
 */

let sandbox: RunningSandbox;
let client: OktaClient;
let app: OidcAppUnderTest;
let journalDir: string;
let occupant: Server;
let occupantConnections = 0;
let redirect: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  // The app is running on its own callback's port.
  occupant = createServer(() => {
    occupantConnections += 1;
  });
  await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
  const address = occupant.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  redirect = `http://127.0.0.1:${String(port)}/oauth/callback/okta`;
  app = await setUpOidcApp(sdkClient(sandbox.orgUrl, sandbox.apiToken), {
    label: 'Kestra on this laptop',
    applicationType: 'web',
    redirectUri: redirect,
  });
  journalDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-port-busy-'));
});
afterAll(async () => {
  await new Promise((resolve) => occupant.close(resolve));
  await sandbox.close();
  rmSync(journalDir, { recursive: true, force: true });
});

function start(options: {
  allowAppChange: boolean;
  probePort?: (host: string, port: number) => Promise<boolean>;
}) {
  return startAppPreview({
    client,
    orgUrl: sandbox.orgUrl,
    journalDir,
    app,
    redirectUri: redirect,
    ...options,
  });
}

function registeredRedirectUris(): Promise<string[]> {
  return redirectUrisOf(client, app.appId);
}

/** Signs in as a browser would and lands on the redirect the run listens on. */
async function signInAndLand(run: Awaited<ReturnType<typeof start>>): Promise<void> {
  if (run.authorizeUrl === null) {
    throw new Error('The preview stopped before the sign-in.');
  }
  const landedOn = await oidcHttp(sandbox.orgUrl, run.strategy.redirectUri).signInAt(
    run.authorizeUrl,
    app.user,
  );
  await fetch(landedOn);
}

describe('9. the preview’s port busy', () => {
  it.each([
    ['before the preview looks', undefined],
    // The port looks free when probed, and is taken by the time the preview listens on it.
    ['between its look and its listen', () => Promise.resolve(true)],
  ])('signs in through a temporary loopback URI when it is taken %s', async (_when, probePort) => {
    const run = await start({
      allowAppChange: true,
      ...(probePort === undefined ? {} : { probePort }),
    });
    expect(run.strategy.kind).toBe('temporary-loopback');
    expect(run.strategy.redirectUri).not.toBe(redirect);
    await signInAndLand(run);
    const report = await run.report;
    expect(report.ok).toBe(true);
    expect(report.idTokenDecoded?.claims.email).toBe(app.user.login);
    // The app is left as it was: the temporary URI is gone, nothing was added twice.
    expect(await registeredRedirectUris()).toEqual([redirect]);
    expect(occupantConnections).toBe(0);
  });

  it('takes the pasted address instead when the console may not change the app', async () => {
    const run = await start({ allowAppChange: false, probePort: () => Promise.resolve(true) });
    expect(run.strategy.kind).toBe('paste-url');
    if (run.authorizeUrl === null) {
      throw new Error('The preview stopped before the sign-in.');
    }
    const landedOn = await oidcHttp(sandbox.orgUrl, redirect).signInAt(run.authorizeUrl, app.user);
    run.paste(landedOn.toString());
    expect((await run.report).ok).toBe(true);
    expect(await registeredRedirectUris()).toEqual([redirect]);
    expect(occupantConnections).toBe(0);
  });
});
