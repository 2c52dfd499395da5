import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { previewJournals } from '../../../../main/preview/preview-run.ts';
import { createPreviewService } from '../../../../main/preview/preview-service.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { addTemporaryRedirect } from '../../../../main/sign-in/redirect-strategy.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The preview service started from an app already in the org (what `sso-console preview`
 * calls): found by id or label, its secret supplied or missing, the pasted address accepted.
 */

const REDIRECT = 'https://kestra.example.com/oauth/callback/okta';

let sandbox: RunningSandbox;
let app: OidcAppUnderTest;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  app = await setUpOidcApp(sdkClient(sandbox.orgUrl, sandbox.apiToken), {
    label: 'Service by label',
    applicationType: 'web',
    redirectUri: REDIRECT,
  });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-preview-service-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function service() {
  const { orgUrl, apiToken: token } = sandbox;
  return createPreviewService({
    activeOrg: () => Promise.resolve(orgFromCredentials({ orgUrl, token })),
    secrets: {
      get: () => Promise.resolve(null),
      set: () => Promise.resolve(),
      delete: () => Promise.resolve(true),
    },
    dataDir,
    emitProgress: () => undefined,
  });
}

describe('preview service, started from an app in the org', () => {
  it('finds the app by its label and signs in with the supplied secret', async () => {
    const run = await service().startForApp({
      app: 'Service by label',
      login: app.user.login,
      suppliedSecret: app.clientSecret ?? '',
      operationId: 'op-1',
      allowAppChange: false,
    });
    expect(run.strategy.kind).toBe('paste-url');
    const back = await oidcHttp(sandbox.orgUrl, REDIRECT).signInAt(
      run.authorizeUrl ?? '',
      app.user,
    );
    run.paste(back.toString());
    const report = await run.report;
    expect(report).toMatchObject({ ok: true, clientId: app.clientId, issuer: sandbox.orgUrl });
  });

  it('says SECRET_NOT_FOUND when no secret is supplied or kept', async () => {
    await expect(
      service().startForApp({
        app: app.appId,
        login: null,
        operationId: 'op-2',
        allowAppChange: false,
      }),
    ).rejects.toMatchObject({
      code: 'SECRET_NOT_FOUND',
      message: `The app ${app.appId} authenticates with client_secret_basic, and no client secret was given.`,
    });
  });

  it('refuses a label no OIDC app carries', async () => {
    await expect(
      service().startForApp({
        app: 'No such app',
        login: null,
        operationId: 'op-3',
        allowAppChange: false,
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'No OIDC app integration is labelled "No such app".',
    });
  });

  it('a second preview in the same process cancels the first, which takes its URI back first', async () => {
    const previews = service();
    const redirectUris = async () => {
      const read = (await sdkClient(sandbox.orgUrl, sandbox.apiToken).applicationApi.getApplication(
        { appId: app.appId },
      )) as { settings?: { oauthClient?: { redirect_uris?: string[] } } };
      return read.settings?.oauthClient?.redirect_uris ?? [];
    };
    const startOne = (operationId: string) =>
      previews.startForApp({
        app: app.appId,
        login: app.user.login,
        suppliedSecret: app.clientSecret ?? '',
        operationId,
        allowAppChange: true,
      });
    const first = await startOne('op-4');
    expect(first.strategy.kind).toBe('temporary-loopback');
    expect(await redirectUris()).toEqual([REDIRECT, first.strategy.redirectUri]);

    const second = await startOne('op-5');
    expect(second.strategy.kind).toBe('temporary-loopback');
    // The first was stopped, saying why, and cleaned up before the second added its own URI.
    await expect(first.report).rejects.toMatchObject({
      code: 'CANCELLED',
      message: expect.stringContaining(
        'A newer login preview was started in this console',
      ) as unknown,
    });
    expect(await redirectUris()).toEqual([REDIRECT, second.strategy.redirectUri]);

    const back = await oidcHttp(sandbox.orgUrl, second.strategy.redirectUri).signInAt(
      second.authorizeUrl ?? '',
      app.user,
    );
    expect((await fetch(back)).status).toBe(200);
    expect((await second.report).ok).toBe(true);
    expect(await redirectUris()).toEqual([REDIRECT]);
  });

  it('removes a temporary URI a crashed preview left before it reads the app, so it never passes for the app’s own', async () => {
    const client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
    const left = `http://127.0.0.1:${String(await freePort())}/sso-console/preview/callback`;
    // What a preview that died after its write leaves: the URI on the app, the entry open.
    await addTemporaryRedirect(
      orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }).client,
      previewJournals(path.join(dataDir, 'journals')).redirects,
      { appId: app.appId, uri: left },
    );
    const run = await service().startForApp({
      app: app.appId,
      login: app.user.login,
      suppliedSecret: app.clientSecret ?? '',
      operationId: 'op-6',
      allowAppChange: false,
    });
    // Before, the app was read first: its free loopback URI was taken for the app's own, and
    // the sign-in then went to a redirect URI the cleanup had just removed.
    expect(run.strategy).toMatchObject({ kind: 'paste-url', redirectUri: REDIRECT });
    const read = (await client.applicationApi.getApplication({ appId: app.appId })) as {
      settings?: { oauthClient?: { redirect_uris?: string[] } };
    };
    expect(read.settings?.oauthClient?.redirect_uris).toEqual([REDIRECT]);
    run.cancel();
    await expect(run.report).rejects.toThrow('The preview was cancelled.');
  });
});
