import okta from '@okta/okta-sdk-nodejs';
import { expect, type Page, test } from '@playwright/test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidcClient from 'openid-client';

import { type OidcAppUnderTest, setUpOidcApp } from '../../support/oidc-setup.ts';
import { expectNoAxeViolations } from '../support/axe.ts';
import { startSandboxOrg } from '../support/console-fixture.ts';
import { startWebAppSignIn } from '../support/openid-client-rp.ts';
import { startRelyingPartyServer } from '../support/relying-party-server.ts';

/**
 * The sandbox's OIDC, seen by real relying parties in a real browser: `@okta/okta-auth-js` as an
 * SPA in Chromium, and `openid-client` (an OpenID-certified RP library) as a web app's back end
 * with Chromium as its user's browser. Both sign in through the sandbox's own sign-in page.
 */

const SERVERS = [
  { name: 'the org authorization server', issuer: (orgUrl: string) => orgUrl },
  {
    name: 'the default authorization server',
    issuer: (orgUrl: string) => `${orgUrl}/oauth2/default`,
  },
] as const;

type Environment = Awaited<ReturnType<typeof startEnvironment>>;

async function startEnvironment() {
  const sandbox = await startSandboxOrg();
  const relyingParty = await startRelyingPartyServer();
  const client = new okta.Client({
    orgUrl: sandbox.orgUrl,
    token: sandbox.apiToken,
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
  });
  return {
    sandbox,
    relyingParty,
    client,
    async stop() {
      await relyingParty.close();
      await sandbox.stop();
    },
  };
}

/** Signs in on the sandbox's page: a wrong password first (an error in place), then the right one. */
async function signInOnSandboxPage(page: Page, app: OidcAppUnderTest) {
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('Username').fill(app.user.login);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Unable to sign in');
  await expect(page.getByLabel('Username')).toHaveValue(app.user.login);
  await page.getByLabel('Password').fill(app.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

let environment: Environment;
test.beforeEach(async () => {
  environment = await startEnvironment();
});
test.afterEach(async () => {
  await environment.stop();
});

for (const server of SERVERS) {
  test(`@okta/okta-auth-js signs in with authorization code + PKCE against ${server.name}`, async ({
    page,
  }) => {
    const { sandbox, relyingParty, client } = environment;
    const issuer = server.issuer(sandbox.orgUrl);
    const app = await setUpOidcApp(client, {
      label: 'Kaimu SPA',
      applicationType: 'browser',
      redirectUri: `${relyingParty.origin}/auth-js/callback`,
      corsOrigin: relyingParty.origin,
    });
    const start = new URL('/auth-js/start', relyingParty.origin);
    start.searchParams.set('issuer', issuer);
    start.searchParams.set('clientId', app.clientId);
    await page.goto(start.toString());
    await signInOnSandboxPage(page, app);

    await expect(page.locator('body')).toHaveAttribute('data-state', 'done');
    const result = JSON.parse((await page.locator('#result').textContent()) ?? '{}') as {
      idTokenClaims: Record<string, unknown>;
      accessTokenClaims: Record<string, unknown>;
      forgedRejected: string | false;
      userinfo: Record<string, unknown>;
    };
    expect(result.idTokenClaims).toMatchObject({
      iss: issuer,
      aud: app.clientId,
      sub: app.user.id,
      ver: 1,
      amr: ['pwd'],
      preferred_username: app.user.login,
      email: app.user.login,
      name: 'Ada Lovelace',
    });
    expect(result.idTokenClaims.jti).toMatch(/^ID\./);
    // auth-js checked the RS256 signature against the server's JWKS; a forged one must fail.
    expect(result.forgedRejected).toBe('The token signature is not valid');
    expect(result.userinfo).toMatchObject({ sub: app.user.id, email: app.user.login });
  });

  test(`openid-client signs in with authorization code + PKCE against ${server.name}`, async ({
    page,
  }) => {
    const { sandbox, relyingParty, client } = environment;
    const issuer = server.issuer(sandbox.orgUrl);
    const app = await setUpOidcApp(client, {
      label: 'Kestra',
      applicationType: 'web',
      redirectUri: `${relyingParty.origin}/web/callback`,
      postLogoutRedirectUri: `${relyingParty.origin}/web/signed-out`,
    });
    const { configuration, authorizationUrl, nonce, finish } = await startWebAppSignIn({
      issuer,
      clientId: app.clientId,
      clientSecret: app.clientSecret ?? '',
      redirectUri: app.redirectUri,
    });
    await page.goto(authorizationUrl.toString());
    await signInOnSandboxPage(page, app);
    await expect(page.getByRole('heading', { name: 'Back at the app' })).toBeVisible();

    const tokens = await finish(new URL(page.url()));
    // openid-client validates the ID token's claims; the signature is checked here, with the
    // keys the discovery document points at.
    const jwks = createRemoteJWKSet(new URL(configuration.serverMetadata().jwks_uri ?? ''));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token ?? '', jwks, {
      issuer,
      audience: app.clientId,
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({ sub: app.user.id, nonce, preferred_username: app.user.login });
    const tampered = `${tokens.id_token?.slice(0, -6) ?? ''}AAAAAA`;
    await expect(jwtVerify(tampered, jwks, { issuer })).rejects.toThrow(/signature/);

    const userinfo = await oidcClient.fetchUserInfo(
      configuration,
      tokens.access_token,
      app.user.id,
    );
    expect(userinfo).toMatchObject({ sub: app.user.id, email: app.user.login });

    // Signing out ends the sandbox session and returns to the registered sign-out URI.
    const signOut = oidcClient.buildEndSessionUrl(configuration, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: `${relyingParty.origin}/web/signed-out`,
      state: 'signed-out-state',
    });
    await page.goto(signOut.toString());
    await expect(page.getByRole('heading', { name: 'Signed out' })).toBeVisible();
    expect(new URL(page.url()).searchParams.get('state')).toBe('signed-out-state');
    await page.goto(authorizationUrl.toString());
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  });
}
