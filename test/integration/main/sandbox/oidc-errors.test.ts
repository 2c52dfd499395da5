import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { type OktaSdkClient, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * Every Okta OAuth refusal the sandbox reproduces, each from a real request over HTTP and asserted
 * by Okta's exact text (okta-behaviours.md §11). The console's doctor keys on these.
 */

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;
let webApp: OidcAppUnderTest;
let spaApp: OidcAppUnderTest;
let http: ReturnType<typeof oidcHttp>;

beforeAll(async () => {
  sandbox = await startSandboxWithClient();
  client = sandbox.client;
  http = oidcHttp(sandbox.orgUrl, REDIRECT_URI);
  webApp = await setUpOidcApp(client, {
    label: 'Kestra',
    applicationType: 'web',
    redirectUri: REDIRECT_URI,
  });
  spaApp = await setUpOidcApp(client, {
    label: 'Kaimu',
    applicationType: 'browser',
    redirectUri: REDIRECT_URI,
  });
});
afterAll(async () => {
  await sandbox.sandbox.stop();
});

describe('the authorize endpoint refuses with Okta’s texts', () => {
  const base = () => `${sandbox.orgUrl}/oauth2/default`;

  it('answers an unregistered redirect URI with the HTML 400 page, not a redirect', async () => {
    const response = await fetch(
      http.authorizeUrl(base(), http.codeParams(webApp, { redirect_uri: `${REDIRECT_URI}/` })),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain(
      'The &#39;redirect_uri&#39; parameter must be a Login redirect URI in the client app settings.',
    );
  });

  it('answers an unknown client_id with the HTML 400 page', async () => {
    const response = await fetch(
      http.authorizeUrl(base(), http.codeParams({ ...webApp, clientId: '0oaUnknown' })),
      {
        redirect: 'manual',
      },
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Invalid value for &#39;client_id&#39; parameter.');
  });

  it('redirects a public client without PKCE back with Okta’s PKCE text', async () => {
    const response = await fetch(http.authorizeUrl(base(), http.codeParams(spaApp)), {
      redirect: 'manual',
    });
    const location = new URL(response.headers.get('location') ?? '');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'invalid_request',
      error_description:
        "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
      state: 'state-1',
    });
  });

  it('refuses a scope the server does not have', async () => {
    const response = await fetch(
      http.authorizeUrl(base(), http.codeParams(webApp, { scope: 'openid groups' })),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('error_description')).toBe(
      'One or more scopes are not configured for the authorization server resource.',
    );
  });

  it('redirects prompt=none without a session back with login_required, in Okta’s words', async () => {
    const response = await fetch(
      http.authorizeUrl(base(), http.codeParams(webApp, { prompt: 'none' })),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('error_description')).toBe(
      'The client specified not to prompt, but the user is not logged in.',
    );
    expect(location.searchParams.get('state')).toBe('state-1');
  });

  it('refuses OIDC scopes without openid', async () => {
    const response = await fetch(
      http.authorizeUrl(base(), http.codeParams(webApp, { scope: 'profile' })),
      {
        redirect: 'manual',
      },
    );
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe(
      'Requests for ID tokens or access tokens with OpenID scopes require the `openid` scope.',
    );
  });

  it('refuses a user who is not assigned, after they sign in', async () => {
    const outsider = await setUpOidcApp(client, {
      label: 'Other',
      applicationType: 'web',
      redirectUri: REDIRECT_URI,
      login: 'outsider@example.com',
    });
    // The outsider's own app exists; they are not assigned to Kestra.
    const back = await http.signIn(
      base(),
      { ...webApp, user: outsider.user },
      http.codeParams(webApp),
    );
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe(
      'User is not assigned to the client application.',
    );
    expect(back.searchParams.get('state')).toBe('state-1');
  });

  it('refuses when no access-policy rule of the custom server matches', async () => {
    const policies = [];
    for await (const policy of await client.authorizationServerApi.listAuthorizationServerPolicies({
      authServerId: 'default',
    })) {
      policies.push(policy);
    }
    const policy = policies[0];
    const rules = [];
    for await (const rule of await client.authorizationServerApi.listAuthorizationServerPolicyRules(
      {
        authServerId: 'default',
        policyId: policy?.id ?? '',
      },
    )) {
      rules.push(rule);
    }
    const rule = rules[0];
    await client.authorizationServerApi.deactivateAuthorizationServerPolicyRule({
      authServerId: 'default',
      policyId: policy?.id ?? '',
      ruleId: rule?.id ?? '',
    });
    try {
      const back = await http.signIn(base(), webApp, http.codeParams(webApp));
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('error_description')).toBe(
        'Policy evaluation failed for this request, please check the policy configurations.',
      );
    } finally {
      await client.authorizationServerApi.activateAuthorizationServerPolicyRule({
        authServerId: 'default',
        policyId: policy?.id ?? '',
        ruleId: rule?.id ?? '',
      });
    }
  });

  it('refuses an inactive app with a bare 400 page', async () => {
    const inactive = await setUpOidcApp(client, {
      label: 'Paused',
      applicationType: 'web',
      redirectUri: REDIRECT_URI,
      login: 'paused@example.com',
    });
    await client.applicationApi.deactivateApplication({ appId: inactive.appId });
    const response = await fetch(http.authorizeUrl(base(), http.codeParams(inactive)), {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain('error-summary');
  });
});

describe('the token endpoint refuses with Okta’s texts', () => {
  // The org authorization server.
  const base = () => `${sandbox.orgUrl}/oauth2`;

  it('fails PKCE verification with a wrong verifier, then accepts the right one', async () => {
    const { verifier, challenge } = http.pkce();
    const params = http.codeParams(webApp, {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const back = await http.signIn(base(), webApp, params);
    const code = back.searchParams.get('code') ?? '';
    const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
    expect(
      await http.token(
        base(),
        { ...form, code_verifier: http.pkce().verifier },
        http.basic(webApp),
      ),
    ).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'PKCE verification failed.' },
    });
    const accepted = await http.token(
      base(),
      { ...form, code_verifier: verifier },
      http.basic(webApp),
    );
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email' });
    // A code works once.
    expect(
      await http.token(base(), { ...form, code_verifier: verifier }, http.basic(webApp)),
    ).toEqual({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'The authorization code is invalid or has expired.',
      },
    });
  });

  it('refuses a wrong client secret, no credentials and two credentials', async () => {
    const form = { grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT_URI };
    expect(await http.token(base(), form, http.basic(webApp, 'not-the-secret-at-all'))).toEqual({
      status: 401,
      body: {
        error: 'invalid_client',
        error_description: 'The client secret supplied for a confidential client is invalid.',
      },
    });
    expect(await http.token(base(), { ...form, client_id: webApp.clientId })).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'No client credentials found' },
    });
    expect(
      await http.token(
        base(),
        { ...form, client_secret: webApp.clientSecret ?? '' },
        http.basic(webApp),
      ),
    ).toEqual({
      status: 400,
      body: {
        error: 'invalid_request',
        error_description:
          "Can't supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a `client_assertion` in the post body.",
      },
    });
  });

  it('answers an unknown client_id with Okta’s own error object, not an OAuth one', async () => {
    const { status, body } = await http.token(base(), {
      grant_type: 'authorization_code',
      code: 'x',
      client_id: '0oaDoesNotExist',
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({
      errorCode: 'invalid_client',
      errorSummary: "Invalid value for 'client_id' parameter.",
      errorLink: 'invalid_client',
      errorCauses: [],
    });
  });

  it('refuses an unsupported grant type and a code issued to another client', async () => {
    expect(await http.token(base(), { grant_type: 'magic' }, http.basic(webApp))).toEqual({
      status: 400,
      body: {
        error: 'unsupported_grant_type',
        error_description: "The grant type in the request isn't supported.",
      },
    });
    const { challenge } = http.pkce();
    const back = await http.signIn(
      base(),
      spaApp,
      http.codeParams(spaApp, { code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    const stolen = back.searchParams.get('code') ?? '';
    expect(
      await http.token(
        base(),
        { grant_type: 'authorization_code', code: stolen, redirect_uri: REDIRECT_URI },
        http.basic(webApp),
      ),
    ).toEqual({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description:
          'The grant was issued to another client. Ensure that the `client_id` matches the one used at the authorize request.',
      },
    });
  });
});

describe('the System Log', () => {
  it('records every sign-in attempt: a wrong password, an unknown user and a success', async () => {
    const base = `${sandbox.orgUrl}/oauth2`;
    const go = http.browserSession();
    const start = await go(
      http.authorizeUrl(base, http.codeParams(webApp, { state: 'log-state' })),
    );
    const page = new URL(start.headers.get('location') ?? '', sandbox.orgUrl).toString();
    const post = (username: string, password: string) =>
      go(page, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password }).toString(),
      });
    expect((await post(webApp.user.login, 'wrong-password-1')).status).toBe(401);
    expect((await post('nobody@example.com', 'wrong-password-2')).status).toBe(401);
    expect((await post(webApp.user.login, webApp.user.password)).status).toBe(303);

    const events = [];
    for await (const event of await client.systemLogApi.listLogEvents({
      filter: 'eventType eq "user.session.start"',
      until: new Date(Date.now() + 60_000).toISOString(),
    })) {
      events.push(event);
    }
    const attempts = events.map((event) => [
      event?.actor?.alternateId,
      event?.outcome?.result,
      event?.outcome?.reason ?? null,
    ]);
    expect(attempts.slice(-3)).toEqual([
      [webApp.user.login, 'FAILURE', 'INVALID_CREDENTIALS'],
      ['nobody@example.com', 'FAILURE', 'VERIFICATION_ERROR'],
      [webApp.user.login, 'SUCCESS', null],
    ]);
  });
});
