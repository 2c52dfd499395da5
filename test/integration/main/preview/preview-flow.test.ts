import { createServer } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listenForCallback } from '../../../../main/preview/loopback-callback.ts';
import {
  ORG_ACCESS_TOKEN_REASON,
  type PreviewOptions,
  type PreviewResult,
  runPreview,
} from '../../../../main/preview/preview-flow.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
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

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

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
        receiveCallback: () => listener.callback,
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
        'callback',
        'token',
        'keys',
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
      const callback = new URL(result.timeline[2]?.url ?? '');
      expect(callback.searchParams.get('code')).toBe('[redacted]');
      const code = seen[0]?.searchParams.get('code');
      expect(code).toBeTruthy();
      expectNoSecrets(result, [app.clientSecret, code, seen[0]?.searchParams.get('state')]);
    },
  );
});
