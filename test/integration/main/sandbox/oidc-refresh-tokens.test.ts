import * as oidcClient from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { setSandboxClockOffset } from '../../../support/sandbox-control.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * Okta's refresh tokens in the sandbox, driven by `openid-client` as a relying party would:
 * the app's `refresh_token` setting through the real SDK (defaults, validation, kept on
 * replace), STATIC tokens that come back unchanged, ROTATE tokens replaced on every use with the
 * leeway as a grace period, and the reuse detection that revokes the whole token family. Time
 * moves through the sandbox clock, never by waiting.
 */

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;
let http: ReturnType<typeof oidcHttp>;

beforeAll(async () => {
  sandbox = await startSandboxWithClient();
  client = sandbox.client;
  http = oidcHttp(sandbox.orgUrl, REDIRECT_URI);
});
afterAll(async () => {
  await sandbox.sandbox.stop();
});
afterEach(async () => {
  await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, 0);
});

type AppRecord = Record<string, unknown> & {
  settings: { oauthClient: Record<string, unknown> };
};

/** The app as JSON (dates as strings), for assertions. */
function asJson(app: unknown): AppRecord {
  return JSON.parse(JSON.stringify(app)) as AppRecord;
}

async function getApp(appId: string): Promise<AppRecord> {
  return asJson(await client.applicationApi.getApplication({ appId }));
}

/**
 * Replaces the app as an admin would: what `getApplication` answered, with its OAuth settings
 * changed by `change`.
 */
async function replaceOauthSettings(
  appId: string,
  change: (oauthClient: Record<string, unknown>) => Record<string, unknown>,
): Promise<AppRecord> {
  const app = (await client.applicationApi.getApplication({ appId })) as unknown as AppRecord;
  const replaced = await client.applicationApi.replaceApplication({
    appId,
    application: {
      ...app,
      settings: { ...app.settings, oauthClient: change({ ...app.settings.oauthClient }) },
    } as never,
  });
  return asJson(replaced);
}

/** {@link replaceOauthSettings} with `fields` merged into the app's OAuth settings. */
function mergeOauthSettings(appId: string, fields: Record<string, unknown>) {
  return replaceOauthSettings(appId, (oauthClient) => ({ ...oauthClient, ...fields }));
}

let apps = 0;

/**
 * A web app (or SPA) that may use refresh tokens, its user and group, set up through the SDK;
 * `refreshToken` is sent as the app's setting when given.
 */
async function refreshingApp(
  applicationType: 'web' | 'browser',
  refreshToken?: Record<string, unknown>,
): Promise<OidcAppUnderTest> {
  apps += 1;
  const app = await setUpOidcApp(client, {
    label: `Refresher ${String(apps)}`,
    applicationType,
    redirectUri: REDIRECT_URI,
  });
  await mergeOauthSettings(app.appId, {
    grant_types: ['authorization_code', 'refresh_token'],
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
  });
  return app;
}

/** The relying party: `openid-client` configured from the issuer's discovery document. */
async function relyingParty(issuer: string, app: OidcAppUnderTest) {
  return oidcClient.discovery(
    new URL(issuer),
    app.clientId,
    undefined,
    app.clientSecret === undefined
      ? oidcClient.None()
      : oidcClient.ClientSecretBasic(app.clientSecret),
    // Loopback http, like any local dev server; the library's documented switch for it.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    { execute: [oidcClient.allowInsecureRequests] },
  );
}

/** Signs in with `offline_access` (the browser part by the test) and redeems the code. */
async function signInForRefreshToken(issuer: string, app: OidcAppUnderTest) {
  const rp = await relyingParty(issuer, app);
  const verifier = oidcClient.randomPKCECodeVerifier();
  const state = oidcClient.randomState();
  const url = oidcClient.buildAuthorizationUrl(rp, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile offline_access',
    code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });
  const callback = await http.signInAt(url.toString(), app.user);
  const tokens = await oidcClient.authorizationCodeGrant(rp, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    idTokenExpected: true,
  });
  expect(tokens.refresh_token, 'a refresh token for offline_access').toEqual(expect.any(String));
  return { rp, tokens, refreshToken: tokens.refresh_token ?? '' };
}

/** What `openid-client` raised for a refused refresh: the OAuth error and its description. */
async function refusal(attempt: Promise<unknown>) {
  const error: unknown = await attempt.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(oidcClient.ResponseBodyError);
  const {
    status,
    error: code,
    error_description: description,
  } = error as oidcClient.ResponseBodyError;
  return { status, error: code, description };
}

const INVALID_REFRESH_TOKEN = {
  status: 400,
  error: 'invalid_grant',
  description: 'The refresh token is invalid or expired.',
};

async function moveClock(seconds: number) {
  await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, seconds);
}

async function eventsOf(eventType: string, clientId: string) {
  const events = await collect(
    await client.systemLogApi.listLogEvents({
      filter: `eventType eq "${eventType}"`,
      until: new Date(Date.now() + 3_600_000).toISOString(),
    }),
  );
  return events.filter((event) => event.client?.id === clientId);
}

describe('an app’s refresh_token setting', () => {
  it('defaults to STATIC for a web app and ROTATE for an SPA, leeway 30, once the app may refresh', async () => {
    const web = await setUpOidcApp(client, {
      label: 'No refresh yet',
      applicationType: 'web',
      redirectUri: REDIRECT_URI,
    });
    expect((await getApp(web.appId)).settings.oauthClient).not.toHaveProperty('refresh_token');
    const refreshing = await mergeOauthSettings(web.appId, {
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(refreshing.settings.oauthClient.refresh_token).toEqual({
      rotation_type: 'STATIC',
      leeway: 30,
    });
    const spa = await refreshingApp('browser');
    expect((await getApp(spa.appId)).settings.oauthClient.refresh_token).toEqual({
      rotation_type: 'ROTATE',
      leeway: 30,
    });
  });

  it('stores what the admin sets, and keeps it when a replace leaves it out', async () => {
    const app = await refreshingApp('web', { rotation_type: 'ROTATE', leeway: 5 });
    expect((await getApp(app.appId)).settings.oauthClient.refresh_token).toEqual({
      rotation_type: 'ROTATE',
      leeway: 5,
    });
    const replaced = await replaceOauthSettings(app.appId, (oauthClient) => {
      delete oauthClient.refresh_token;
      return oauthClient;
    });
    expect(replaced.settings.oauthClient.refresh_token).toEqual({
      rotation_type: 'ROTATE',
      leeway: 5,
    });
    // Leeway left out: Okta's default.
    expect(
      (await mergeOauthSettings(app.appId, { refresh_token: { rotation_type: 'STATIC' } })).settings
        .oauthClient.refresh_token,
    ).toEqual({ rotation_type: 'STATIC', leeway: 30 });
  });

  it.each([
    [
      'no rotation_type',
      { leeway: 10 },
      'Api validation failed: rotation_type',
      "''rotation_type'' is required.",
    ],
    [
      'an unknown rotation_type',
      { rotation_type: 'rotate', leeway: 10 },
      'Api validation failed: rotationType',
      'rotationType: The field has an invalid value',
    ],
    [
      'a leeway over 60',
      { rotation_type: 'ROTATE', leeway: 61 },
      'Api validation failed: leeway',
      'leeway: The leeway must be a whole number of seconds from 0 to 60.',
    ],
  ])(
    'refuses %s with E0000001 and leaves the app as it was',
    async (_case, refreshToken, summary, cause) => {
      const app = await refreshingApp('web');
      await expect(
        mergeOauthSettings(app.appId, { refresh_token: refreshToken }),
      ).rejects.toMatchObject({
        status: 400,
        errorCode: 'E0000001',
        errorSummary: summary,
        errorCauses: [{ errorSummary: cause }],
      });
      expect((await getApp(app.appId)).settings.oauthClient.refresh_token).toEqual({
        rotation_type: 'STATIC',
        leeway: 30,
      });
    },
  );
});

describe('STATIC refresh tokens', () => {
  it('answer every refresh with the same refresh token, which stays valid', async () => {
    const app = await refreshingApp('web', { rotation_type: 'STATIC', leeway: 0 });
    const { rp, tokens, refreshToken } = await signInForRefreshToken(sandbox.orgUrl, app);
    const first = await oidcClient.refreshTokenGrant(rp, refreshToken);
    expect(first.refresh_token).toBe(refreshToken);
    expect(first.access_token).not.toBe(tokens.access_token);
    // Long after the first use, no leeway applies: the token is simply still the token.
    await moveClock(600);
    const second = await oidcClient.refreshTokenGrant(rp, refreshToken);
    expect(second.refresh_token).toBe(refreshToken);
    expect(second.access_token).not.toBe(first.access_token);
  });
});

describe('ROTATE refresh tokens', () => {
  it('are replaced on every use; the old one works again within the leeway', async () => {
    const app = await refreshingApp('web', { rotation_type: 'ROTATE', leeway: 30 });
    const { rp, refreshToken } = await signInForRefreshToken(sandbox.orgUrl, app);
    const rotated = await oidcClient.refreshTokenGrant(rp, refreshToken);
    expect(rotated.refresh_token).toEqual(expect.any(String));
    expect(rotated.refresh_token).not.toBe(refreshToken);
    // The client lost that answer and tries again 20 s later: within the grace period.
    await moveClock(20);
    const retried = await oidcClient.refreshTokenGrant(rp, refreshToken);
    expect(retried.refresh_token).not.toBe(refreshToken);
    // The newest token goes on rotating as usual.
    const next = await oidcClient.refreshTokenGrant(rp, retried.refresh_token ?? '');
    expect(next.refresh_token).not.toBe(retried.refresh_token);
  });

  it('refuses a reuse after the leeway with Okta’s error, and revokes the whole family', async () => {
    const app = await refreshingApp('web', { rotation_type: 'ROTATE', leeway: 30 });
    const { rp, refreshToken } = await signInForRefreshToken(sandbox.orgUrl, app);
    const rotated = await oidcClient.refreshTokenGrant(rp, refreshToken);
    const newest = rotated.refresh_token ?? '';
    // The grace period runs from the first use: 31 s later it is over, whatever happened since.
    await moveClock(31);
    expect(await refusal(oidcClient.refreshTokenGrant(rp, refreshToken))).toEqual(
      INVALID_REFRESH_TOKEN,
    );
    // Okta invalidates the most recent refresh token and the access tokens issued since sign-in.
    expect(await refusal(oidcClient.refreshTokenGrant(rp, newest))).toEqual(INVALID_REFRESH_TOKEN);
    expect(await oidcClient.tokenIntrospection(rp, rotated.access_token)).toMatchObject({
      active: false,
    });
    const [detected] = await eventsOf('app.oauth2.token.detect_reuse', app.clientId);
    expect(detected).toMatchObject({
      actor: { id: app.user.id },
      outcome: { result: 'FAILURE', reason: 'invalid_refresh_token' },
    });
    expect(
      (await eventsOf('app.oauth2.token.grant', app.clientId)).map(
        (event) => event.outcome?.reason,
      ),
    ).toEqual(['invalid_refresh_token', 'invalid_refresh_token']);
  });

  it('keeps a used token used when its grace-period retry is refused for another reason', async () => {
    const app = await refreshingApp('web', { rotation_type: 'ROTATE', leeway: 30 });
    const { rp, refreshToken } = await signInForRefreshToken(sandbox.orgUrl, app);
    await oidcClient.refreshTokenGrant(rp, refreshToken);
    // Within the leeway, but asking for a scope the sign-in never granted: refused.
    const refused = await refusal(
      oidcClient.refreshTokenGrant(rp, refreshToken, { scope: 'openid email' }),
    );
    expect(refused).toMatchObject({ status: 400, error: 'invalid_scope' });
    // That refusal did not make the token fresh again: after the leeway it is a reuse.
    await moveClock(31);
    expect(await refusal(oidcClient.refreshTokenGrant(rp, refreshToken))).toEqual(
      INVALID_REFRESH_TOKEN,
    );
  });

  it('with leeway 0 refuses any reuse of a used token and revokes its family', async () => {
    const app = await refreshingApp('web', { rotation_type: 'ROTATE', leeway: 0 });
    const { rp, refreshToken } = await signInForRefreshToken(sandbox.orgUrl, app);
    const rotated = await oidcClient.refreshTokenGrant(rp, refreshToken);
    expect(await refusal(oidcClient.refreshTokenGrant(rp, refreshToken))).toEqual(
      INVALID_REFRESH_TOKEN,
    );
    expect(await refusal(oidcClient.refreshTokenGrant(rp, rotated.refresh_token ?? ''))).toEqual(
      INVALID_REFRESH_TOKEN,
    );
  });

  it('rotate for an SPA by default, and revoke its JWT access tokens on a custom server', async () => {
    const app = await refreshingApp('browser');
    const issuer = `${sandbox.orgUrl}/oauth2/default`;
    const { rp, tokens, refreshToken } = await signInForRefreshToken(issuer, app);
    const rotated = await oidcClient.refreshTokenGrant(rp, refreshToken);
    expect(rotated.refresh_token).not.toBe(refreshToken);
    await moveClock(45);
    expect(await refusal(oidcClient.refreshTokenGrant(rp, refreshToken))).toEqual(
      INVALID_REFRESH_TOKEN,
    );
    for (const accessToken of [tokens.access_token, rotated.access_token]) {
      expect(await oidcClient.tokenIntrospection(rp, accessToken)).toMatchObject({
        active: false,
      });
    }
    expect(await eventsOf('app.oauth2.as.token.detect_reuse', app.clientId)).toHaveLength(1);
  });

  it('refuses a refresh token the sandbox never issued with the same error', async () => {
    const app = await refreshingApp('web');
    const rp = await relyingParty(sandbox.orgUrl, app);
    expect(await refusal(oidcClient.refreshTokenGrant(rp, 'not-a-refresh-token'))).toEqual(
      INVALID_REFRESH_TOKEN,
    );
  });
});
