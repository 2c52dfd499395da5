import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ORG_ACCESS_TOKEN_REASON,
  type PreviewOptions,
  type PreviewResult,
  runPreview,
} from '../../../../main/preview/preview-flow.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { listenForCallback } from '../../../../main/sign-in/loopback-callback.ts';
import {
  addTemporaryRedirect,
  cleanUpTemporaryRedirects,
  createFileRedirectJournal,
  removeTemporaryRedirect,
  temporaryRedirectUri,
} from '../../../../main/sign-in/redirect-strategy.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { type OktaSdkClient, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * The login preview against the sandbox org over HTTP, as the console runs it: the real
 * auth-js, a real loopback listener, and a "browser" that signs in on the sandbox's page and
 * lands on the listener. Nothing is mocked; what a browser would hide is read from the timeline.
 */

let sandbox: RunningSandbox;
let client: OktaSdkClient;
const apps: Record<'basic' | 'post' | 'none', OidcAppUnderTest> = {} as never;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  client = sdkClient(sandbox.orgUrl, sandbox.apiToken);
  for (const [key, method] of [
    ['basic', 'client_secret_basic'],
    ['post', 'client_secret_post'],
  ] as const) {
    apps[key] = await setUpOidcApp(client, {
      label: `Preview ${key}`,
      applicationType: 'web',
      tokenEndpointAuthMethod: method,
      redirectUri: `http://127.0.0.1:${String(await freePort())}/callback`,
    });
  }
  apps.none = await setUpOidcApp(client, {
    label: 'Preview public',
    applicationType: 'browser',
    redirectUri: `http://127.0.0.1:${String(await freePort())}/callback`,
  });
});
afterAll(async () => {
  await sandbox.close();
});

const METHODS = {
  basic: 'client_secret_basic',
  post: 'client_secret_post',
  none: 'none',
} as const;

/** Signs `app`'s user in, the way the admin's browser would, and lands on the redirect back. */
function headlessBrowser(app: OidcAppUnderTest, redirectUri: string, seen: URL[] = []) {
  const http = oidcHttp(sandbox.orgUrl, redirectUri);
  return async (url: string) => {
    const back = await http.signInAt(url, app.user);
    seen.push(back);
    await fetch(back);
  };
}

/** One preview of `app` through its own loopback redirect URI (strategy a). */
async function preview(
  key: keyof typeof apps,
  issuer: string,
  extra: Partial<PreviewOptions> = {},
): Promise<{ result: PreviewResult; seen: URL[] }> {
  const app = apps[key];
  const listener = await listenForCallback({ redirectUri: app.redirectUri });
  const seen: URL[] = [];
  try {
    const result = await runPreview(
      {
        fetch,
        openBrowser: headlessBrowser(app, listener.redirectUri, seen),
        receiveCallback: (state) => listener.callbackFor(state),
        now: Date.now,
      },
      {
        issuer,
        clientId: app.clientId,
        ...(app.clientSecret === undefined ? {} : { clientSecret: app.clientSecret }),
        tokenEndpointAuthMethod: METHODS[key],
        redirectUri: listener.redirectUri,
        scopes: ['openid', 'profile', 'email'],
        timeoutMs: 20_000,
        ...extra,
      },
    );
    return { result, seen };
  } finally {
    await listener.close();
  }
}

/** Fails when any secret of the run appears anywhere in the serialized result. */
function expectNoSecrets(result: PreviewResult, secrets: (string | null | undefined)[]) {
  const text = JSON.stringify(result);
  for (const secret of secrets) {
    if (secret !== null && secret !== undefined && secret !== '') {
      expect(text).not.toContain(secret);
    }
  }
}

describe.each(['org', 'default'] as const)('a preview on the %s authorization server', (server) => {
  const issuer = () => (server === 'org' ? sandbox.orgUrl : `${sandbox.orgUrl}/oauth2/default`);

  it.each(['basic', 'post', 'none'] as const)(
    'signs in with %s client authentication and shows verified tokens and userinfo',
    async (key) => {
      const { result, seen } = await preview(key, issuer());
      expect(result.failure).toBeUndefined();
      expect(result.ok).toBe(true);
      const app = apps[key];
      expect(result.idToken?.header.alg).toBe('RS256');
      expect(result.idToken?.claims).toMatchObject({
        iss: issuer(),
        aud: app.clientId,
        sub: app.user.id,
      });
      expect(result.userinfo).toMatchObject({ sub: app.user.id, email: app.user.login });
      if (server === 'org') {
        expect(result.accessToken).toEqual({ kind: 'opaque', reason: ORG_ACCESS_TOKEN_REASON });
      } else {
        expect(result.accessToken).toMatchObject({
          kind: 'jwt',
          claims: { iss: issuer(), aud: 'api://default', cid: app.clientId },
        });
      }
      expect(result.timeline.map((entry) => entry.step)).toEqual([
        'discovery',
        'authorize',
        // Downloaded while the user signs in, so the verification waits for no round trip.
        'keys',
        'callback',
        'token',
        'userinfo',
      ]);
      const token = result.timeline.find((entry) => entry.step === 'token');
      expect(token?.status).toBe(200);
      expect(token?.requestBody).toMatchObject({
        form: { grant_type: 'authorization_code', code: '[redacted]', code_verifier: '[redacted]' },
      });
      if (key === 'basic') {
        expect(token?.requestBody).toMatchObject({ authorization: 'Basic [redacted]' });
      }
      if (key === 'post') {
        expect(token?.requestBody).toMatchObject({ form: { client_secret: '[redacted]' } });
      }
      expect(token?.responseBody).toMatchObject({
        access_token: '[redacted]',
        id_token: '[redacted]',
        token_type: 'Bearer',
      });
      const authorize = new URL(result.timeline[1]?.url ?? '');
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
        state: '[redacted]',
        nonce: '[redacted]',
        code_challenge: '[redacted]',
        code_challenge_method: 'S256',
        response_type: 'code',
      });
      const callback = new URL(result.timeline[3]?.url ?? '');
      expect(callback.searchParams.get('code')).toBe('[redacted]');
      const code = seen[0]?.searchParams.get('code');
      expect(code).toBeTruthy();
      expectNoSecrets(result, [app.clientSecret, code, seen[0]?.searchParams.get('state')]);
    },
  );
});

describe('the redirect back', () => {
  const issuer = () => `${sandbox.orgUrl}/oauth2/default`;

  it('refuses a second request to the callback: the listener closed after the first', async () => {
    let second: unknown;
    const app = apps.basic;
    const listener = await listenForCallback({ redirectUri: app.redirectUri });
    const http = oidcHttp(sandbox.orgUrl, listener.redirectUri);
    const result = await runPreview(
      {
        fetch,
        openBrowser: async (url) => {
          const back = await http.signInAt(url, app.user);
          await fetch(back);
          second = await fetch(back).catch((error: unknown) => error);
        },
        receiveCallback: (state) => listener.callbackFor(state),
        now: Date.now,
      },
      {
        issuer: issuer(),
        clientId: app.clientId,
        clientSecret: app.clientSecret ?? '',
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUri: listener.redirectUri,
        scopes: ['openid', 'profile', 'email'],
        timeoutMs: 20_000,
      },
    );
    await listener.close();
    expect(result.ok).toBe(true);
    expect(second).toBeInstanceOf(TypeError); // fetch failed: connection refused
  });

  it('turns away an earlier run’s redirect (state replay) on the listener, and completes with its own', async () => {
    const first = await preview('basic', issuer());
    const old = first.seen[0];
    expect(first.result.ok).toBe(true);
    const app = apps.basic;
    const listener = await listenForCallback({ redirectUri: app.redirectUri });
    const http = oidcHttp(sandbox.orgUrl, listener.redirectUri);
    let replayed: Response | undefined;
    const result = await runPreview(
      {
        fetch,
        openBrowser: async (url) => {
          replayed = await fetch(old ?? '');
          await fetch(await http.signInAt(url, app.user));
        },
        receiveCallback: (state) => listener.callbackFor(state),
        now: Date.now,
      },
      {
        issuer: issuer(),
        clientId: app.clientId,
        clientSecret: app.clientSecret ?? '',
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUri: listener.redirectUri,
        scopes: ['openid'],
        timeoutMs: 20_000,
      },
    );
    await listener.close();
    expect(replayed?.status).toBe(400);
    expect(await replayed?.text()).toContain('This is not the sign-in the console started');
    expect(result.failure).toBeUndefined();
    const steps = result.timeline.map((entry) => entry.step);
    expect(steps.filter((step) => step === 'callback')).toHaveLength(1);
    expect(steps.filter((step) => step === 'token')).toHaveLength(1);
  });

  it('shows Okta refusing a code already redeemed (code replay)', async () => {
    const first = await preview('post', issuer());
    const oldCode = first.seen[0]?.searchParams.get('code') ?? '';
    const app = apps.post;
    const listener = await listenForCallback({ redirectUri: app.redirectUri });
    const http = oidcHttp(sandbox.orgUrl, listener.redirectUri);
    const result = await runPreview(
      {
        fetch,
        openBrowser: async (url) => {
          const back = await http.signInAt(url, app.user);
          back.searchParams.set('code', oldCode);
          await fetch(back);
        },
        receiveCallback: (state) => listener.callbackFor(state),
        now: Date.now,
      },
      {
        issuer: issuer(),
        clientId: app.clientId,
        clientSecret: app.clientSecret ?? '',
        tokenEndpointAuthMethod: 'client_secret_post',
        redirectUri: listener.redirectUri,
        scopes: ['openid'],
        timeoutMs: 20_000,
      },
    );
    await listener.close();
    expect(result.failure).toMatchObject({ stage: 'token', status: 400, error: 'invalid_grant' });
    expectNoSecrets(result, [oldCode, app.clientSecret]);
  });

  it('fails on Okta’s HTML page for an unregistered redirect URI, without opening a browser', async () => {
    let opened = false;
    const result = await runPreview(
      {
        fetch,
        openBrowser: () => {
          opened = true;
          return Promise.resolve();
        },
        receiveCallback: () => new Promise<URL>(() => undefined),
        now: Date.now,
      },
      {
        issuer: issuer(),
        clientId: apps.basic.clientId,
        clientSecret: apps.basic.clientSecret ?? '',
        tokenEndpointAuthMethod: 'client_secret_basic',
        redirectUri: 'http://127.0.0.1:9/not-registered',
        scopes: ['openid'],
        timeoutMs: 20_000,
      },
    );
    expect(opened).toBe(false);
    expect(result.failure).toMatchObject({ stage: 'authorize-page', status: 400 });
    expect(result.failure).toHaveProperty(
      'pageText',
      expect.stringContaining(
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
      ),
    );
  });
});

describe('a temporary redirect URI (strategy b)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'preview-journal-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function redirectUris(appId: string): Promise<string[]> {
    const app = (await client.applicationApi.getApplication({ appId })) as {
      settings?: { oauthClient?: { redirect_uris?: string[] } };
    };
    return app.settings?.oauthClient?.redirect_uris ?? [];
  }

  it('is added for the preview and removed afterwards', async () => {
    const journal = createFileRedirectJournal(path.join(dir, 'run.jsonl'));
    const app = apps.none;
    const listener = await listenForCallback({ redirectUri: temporaryRedirectUri(0) });
    expect(listener.redirectUri).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/sso-console\/preview\/callback$/,
    );
    const target = { appId: app.appId, uri: listener.redirectUri };
    await addTemporaryRedirect(client, journal, target);
    expect(await redirectUris(app.appId)).toEqual([app.redirectUri, listener.redirectUri]);
    try {
      const result = await runPreview(
        {
          fetch,
          openBrowser: headlessBrowser(app, listener.redirectUri),
          receiveCallback: (state) => listener.callbackFor(state),
          now: Date.now,
        },
        {
          issuer: sandbox.orgUrl,
          clientId: app.clientId,
          tokenEndpointAuthMethod: 'none',
          redirectUri: listener.redirectUri,
          scopes: ['openid', 'email'],
          timeoutMs: 20_000,
        },
      );
      expect(result.failure).toBeUndefined();
    } finally {
      await listener.close();
      await removeTemporaryRedirect(client, journal, target);
    }
    expect(await redirectUris(app.appId)).toEqual([app.redirectUri]);
    expect((await journal.read()).map((entry) => entry.phase)).toEqual(['adding', 'removed']);
    expect(await cleanUpTemporaryRedirects(client, journal)).toEqual([]);
  });

  it('left behind by a crashed preview is removed by the next run', async () => {
    const file = path.join(dir, 'crash.jsonl');
    const app = apps.post;
    const uri = temporaryRedirectUri(await freePort());
    // The crashed run: announced and added, never removed.
    await addTemporaryRedirect(client, createFileRedirectJournal(file), { appId: app.appId, uri });
    expect(await redirectUris(app.appId)).toContain(uri);
    // The next run, in a new process: only the file is shared.
    const removed = await cleanUpTemporaryRedirects(client, createFileRedirectJournal(file));
    expect(removed).toEqual([{ appId: app.appId, uri }]);
    expect(await redirectUris(app.appId)).toEqual([app.redirectUri]);
    expect(await cleanUpTemporaryRedirects(client, createFileRedirectJournal(file))).toEqual([]);
  });
});
