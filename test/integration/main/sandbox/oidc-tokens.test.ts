import { createHash } from 'node:crypto';

import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { setSandboxClockOffset } from '../../../support/sandbox-control.ts';
import { type OktaSdkClient, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * What the sandbox's tokens carry and how they live: Okta's claims, JWT access tokens on custom
 * servers, groups claims configured through the management API, introspection and revocation,
 * and app changes that take effect on the next request.
 */

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;
let app: OidcAppUnderTest;
let http: ReturnType<typeof oidcHttp>;

beforeAll(async () => {
  sandbox = await startSandboxWithClient();
  client = sandbox.client;
  http = oidcHttp(sandbox.orgUrl, REDIRECT_URI);
  app = await setUpOidcApp(client, {
    label: 'Kestra',
    applicationType: 'web',
    redirectUri: REDIRECT_URI,
    postLogoutRedirectUri: 'http://127.0.0.1:9/signed-out',
  });
});
afterAll(async () => {
  await sandbox.sandbox.stop();
});

/** Signs in and redeems the code: the whole authorization-code + PKCE exchange. */
async function login(base: string, scope = 'openid profile email') {
  const { verifier, challenge } = http.pkce();
  const back = await http.signIn(
    base,
    app,
    http.codeParams(app, { scope, code_challenge: challenge, code_challenge_method: 'S256' }),
  );
  const { status, body } = await http.token(
    base,
    {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    },
    http.basic(app),
  );
  expect(status).toBe(200);
  return body as { access_token: string; id_token: string; scope: string };
}

async function introspect(base: string, token: string) {
  const response = await fetch(`${base}/v1/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...http.basic(app) },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function revoke(base: string, token: string) {
  const response = await fetch(`${base}/v1/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...http.basic(app) },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  });
  expect(response.status).toBe(200);
}

describe('the default authorization server', () => {
  const base = () => `${sandbox.orgUrl}/oauth2/default`;

  it('issues Okta-shaped JWT access tokens signed with the keys its JWKS publishes', async () => {
    const tokens = await login(base());
    const jwks = createRemoteJWKSet(new URL(`${base()}/v1/keys`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: base(),
      audience: 'api://default',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(typeof protectedHeader.kid).toBe('string');
    expect(payload).toMatchObject({
      ver: 1,
      sub: app.user.login,
      uid: app.user.id,
      cid: app.clientId,
      scp: ['openid', 'profile', 'email'],
    });
    // The keys the management API lists are the ones that sign.
    const keys = [];
    for await (const key of await client.authorizationServerApi.listAuthorizationServerKeys({
      authServerId: 'default',
    })) {
      keys.push(key?.kid);
    }
    expect(keys).toContain(protectedHeader.kid);
  });

  it('adds a groups claim configured through the management API to the ID token', async () => {
    await client.authorizationServerApi.createOAuth2Claim({
      authServerId: 'default',
      oAuth2Claim: {
        name: 'groups',
        status: 'ACTIVE',
        claimType: 'IDENTITY',
        valueType: 'GROUPS',
        value: 'Kestra',
        group_filter_type: 'STARTS_WITH',
        alwaysIncludeInToken: true,
        conditions: { scopes: [] },
      } as never,
    });
    const tokens = await login(base());
    expect(decodeJwt(tokens.id_token).groups).toEqual(['Kestra users']);
  });

  it('introspects a token as active, and as inactive once revoked; userinfo then refuses it', async () => {
    const tokens = await login(base());
    expect(await introspect(base(), tokens.access_token)).toMatchObject({
      active: true,
      client_id: app.clientId,
      username: app.user.login,
      scope: 'openid profile email',
      token_type: 'Bearer',
    });
    const userinfo = await fetch(`${base()}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: app.user.id, email: app.user.login });
    await revoke(base(), tokens.access_token);
    expect(await introspect(base(), tokens.access_token)).toEqual({ active: false });
    const refused = await fetch(`${base()}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});

describe('ending a user’s sessions (DELETE /api/v1/users/{id}/sessions)', () => {
  const base = () => `${sandbox.orgUrl}/oauth2/default`;

  it('keeps the user’s tokens without oauthTokens, and revokes them with it', async () => {
    const kept = await login(base());
    await client.userApi.revokeUserSessions({ userId: app.user.id });
    expect(await introspect(base(), kept.access_token)).toMatchObject({ active: true });

    await client.userApi.revokeUserSessions({ userId: app.user.id, oauthTokens: true });
    expect(await introspect(base(), kept.access_token)).toEqual({ active: false });
    const refused = await fetch(`${base()}/v1/userinfo`, {
      headers: { authorization: `Bearer ${kept.access_token}` },
    });
    expect(refused.status).toBe(401);
    // A new sign-in works as before.
    expect(await introspect(base(), (await login(base())).access_token)).toMatchObject({
      active: true,
    });
  });
});

describe('issuer_mode', () => {
  async function discoveredIssuer(orgUrl: string, clientId?: string) {
    const url = new URL('/.well-known/openid-configuration', orgUrl);
    if (clientId !== undefined) {
      url.searchParams.set('client_id', clientId);
    }
    return ((await (await fetch(url)).json()) as { issuer: string }).issuer;
  }

  it('follows the name the request used for DYNAMIC, and the org URL for ORG_URL', async () => {
    // `localhost` plays the custom domain (okta-behaviours.md §2).
    const customDomain = sandbox.orgUrl.replace('127.0.0.1', 'localhost');
    expect(await discoveredIssuer(sandbox.orgUrl, app.clientId)).toBe(sandbox.orgUrl);
    expect(await discoveredIssuer(customDomain, app.clientId)).toBe(customDomain);

    const current = (await client.applicationApi.getApplication({
      appId: app.appId,
    })) as unknown as { settings: { oauthClient: { issuer_mode: string } } };
    expect(current.settings.oauthClient.issuer_mode).toBe('DYNAMIC');
    current.settings.oauthClient.issuer_mode = 'ORG_URL';
    await client.applicationApi.replaceApplication({
      appId: app.appId,
      application: current as never,
    });
    try {
      expect(await discoveredIssuer(customDomain, app.clientId)).toBe(sandbox.orgUrl);
      const viaCustomDomain = oidcHttp(customDomain, REDIRECT_URI);
      const { verifier, challenge } = viaCustomDomain.pkce();
      const back = await viaCustomDomain.signIn(
        `${customDomain}/oauth2`,
        app,
        viaCustomDomain.codeParams(app, {
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      const { body } = await viaCustomDomain.token(
        `${customDomain}/oauth2`,
        {
          grant_type: 'authorization_code',
          code: back.searchParams.get('code') ?? '',
          redirect_uri: REDIRECT_URI,
          code_verifier: verifier,
        },
        viaCustomDomain.basic(app),
      );
      expect(decodeJwt(String(body.id_token)).iss).toBe(sandbox.orgUrl);
    } finally {
      current.settings.oauthClient.issuer_mode = 'DYNAMIC';
      await client.applicationApi.replaceApplication({
        appId: app.appId,
        application: current as never,
      });
    }
  });
});

describe('the sandbox clock', () => {
  const base = () => `${sandbox.orgUrl}/oauth2/default`;

  it('moves token times with the clock offset, so skew and expiry can be tested', async () => {
    const jwks = createRemoteJWKSet(new URL(`${base()}/v1/keys`));
    try {
      await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, 2 * 3600);
      const ahead = await login(base());
      const nowSeconds = Math.floor(Date.now() / 1000);
      expect(decodeJwt(ahead.id_token).iat).toBeGreaterThanOrEqual(nowSeconds + 2 * 3600 - 60);
      expect(decodeJwt(ahead.access_token).iat).toBeGreaterThanOrEqual(nowSeconds + 2 * 3600 - 60);

      await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, -2 * 3600);
      const behind = await login(base());
      // Issued "two hours ago" with a one-hour lifetime: expired for a relying party on real time.
      await expect(jwtVerify(behind.id_token, jwks, { issuer: base() })).rejects.toThrow(
        /"exp" claim timestamp check failed/,
      );
      // The sandbox itself, on its own clock, still honours the token.
      const userinfo = await fetch(`${base()}/v1/userinfo`, {
        headers: { authorization: `Bearer ${behind.access_token}` },
      });
      expect(userinfo.status).toBe(200);
    } finally {
      await setSandboxClockOffset(sandbox.orgUrl, sandbox.apiToken, 0);
    }
  });
});

describe('the org authorization server', () => {
  const base = () => `${sandbox.orgUrl}/oauth2`;

  it('issues ID tokens with Okta’s claims and opaque access tokens it can revoke', async () => {
    const tokens = await login(base());
    const jwks = createRemoteJWKSet(new URL(`${base()}/v1/keys`));
    const { payload } = await jwtVerify(tokens.id_token, jwks, {
      issuer: sandbox.orgUrl,
      audience: app.clientId,
    });
    expect(payload).toMatchObject({
      sub: app.user.id,
      ver: 1,
      amr: ['pwd'],
      preferred_username: app.user.login,
      nonce: 'nonce-1',
    });
    expect(payload.idp).toMatch(/^00o/);
    expect(typeof payload.auth_time).toBe('number');
    expect(payload.jti).toMatch(/^ID\./);
    expect(await introspect(base(), tokens.access_token)).toMatchObject({ active: true });
    await revoke(base(), tokens.access_token);
    expect(await introspect(base(), tokens.access_token)).toMatchObject({ active: false });
  });

  it('applies an app change through the management API on the very next request', async () => {
    const current = (await client.applicationApi.getApplication({
      appId: app.appId,
    })) as unknown as {
      settings: { oauthClient: { redirect_uris: string[] } };
    };
    const moved = 'http://127.0.0.1:9/moved';
    current.settings.oauthClient.redirect_uris = [moved];
    await client.applicationApi.replaceApplication({
      appId: app.appId,
      application: current as never,
    });
    try {
      const stale = await fetch(http.authorizeUrl(base(), http.codeParams(app)), {
        redirect: 'manual',
      });
      expect(stale.status).toBe(400);
      expect(await stale.text()).toContain('must be a Login redirect URI');
    } finally {
      current.settings.oauthClient.redirect_uris = [REDIRECT_URI];
      await client.applicationApi.replaceApplication({
        appId: app.appId,
        application: current as never,
      });
    }
  });

  it('refuses a sign-out redirect that is not registered, with the HTML 400 page', async () => {
    const tokens = await login(base());
    const url = new URL(`${base()}/v1/logout`);
    url.searchParams.set('id_token_hint', tokens.id_token);
    url.searchParams.set('post_logout_redirect_uri', 'http://127.0.0.1:9/elsewhere');
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      'The &#39;post_logout_redirect_uri&#39; parameter must be a Logout redirect URI in the client app settings.',
    );
  });
});

describe('at_hash', () => {
  /** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 of the access token (RS256). */
  function atHash(accessToken: string): string {
    return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
  }

  it('is in every ID token /token issues with an access token, as in Okta’s, on the org and a custom server', async () => {
    for (const base of [`${sandbox.orgUrl}/oauth2`, `${sandbox.orgUrl}/oauth2/default`]) {
      const tokens = await login(base);
      const jwks = createRemoteJWKSet(new URL(`${base}/v1/keys`));
      // Signed by the server like the rest of the token, not added afterwards.
      const { payload } = await jwtVerify(tokens.id_token, jwks, { audience: app.clientId });
      expect(payload.at_hash).toBe(atHash(tokens.access_token));
    }
  });
});
