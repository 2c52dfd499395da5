import { describe, expect, it } from 'vitest';

import {
  diagnose,
  findRedirectNearMiss,
  pageTextOf,
} from '../../../../../main/preview/diagnosis/diagnose.ts';
import type { AuthServerFacts, OrgFacts } from '../../../../../main/preview/diagnosis/org-facts.ts';
import {
  DIAGNOSIS_CODES,
  type DiagnosisCode,
  type PreviewFailure,
} from '../../../../../main/preview/preview-types.ts';
import { createSetupDocument } from '../../../../../shared/setup/presets.ts';

/**
 * Every diagnosis code from a representative failure and the org facts around it: Okta's text
 * passed through verbatim, the values named in the cause, and the one-click fix offered.
 */

const ORG = 'https://acme.okta.com';
const CALLBACK = 'https://kestra.example.com/oauth/callback/okta';

function facts(overrides: Partial<OrgFacts> = {}): OrgFacts {
  return {
    orgUrl: ORG,
    request: {
      appId: '0oaKestra',
      redirectUri: CALLBACK,
      requestedScopes: ['openid', 'email', 'profile'],
      origin: undefined,
    },
    app: {
      id: '0oaKestra',
      clientId: '0oaKestra',
      label: 'Kestra',
      status: 'ACTIVE',
      applicationType: 'web',
      redirectUris: [CALLBACK],
      grantTypes: ['authorization_code'],
      pkceRequired: false,
      tokenEndpointAuthMethod: 'client_secret_basic',
      issuerMode: 'ORG_URL',
      implicitAssignment: false,
    },
    user: {
      login: 'ada@example.com',
      id: '00uAda',
      status: 'ACTIVE',
      assignment: 'USER',
      groupIds: ['00gEveryone'],
    },
    authServer: null,
    trustedOrigin: null,
    discovery: null,
    systemLog: null,
    ...overrides,
  };
}

function customServer(overrides: Partial<AuthServerFacts> = {}): AuthServerFacts {
  return {
    id: 'default',
    exists: true,
    status: 'ACTIVE',
    issuer: `${ORG}/oauth2/default`,
    issuerMode: 'ORG_URL',
    scopeNames: ['openid', 'email', 'profile'],
    missingScopes: [],
    claims: [{ name: 'sub', claimType: 'RESOURCE', valueType: 'EXPRESSION', status: 'ACTIVE' }],
    policies: [
      {
        id: '00pDefault',
        name: 'Default Policy',
        status: 'ACTIVE',
        coversClient: true,
        rules: [
          {
            id: '0prDefault',
            name: 'Default Policy Rule',
            status: 'INACTIVE',
            grantTypes: ['authorization_code'],
            scopesNotIncluded: [],
            coversUser: true,
          },
        ],
      },
    ],
    admittedBy: null,
    ...overrides,
  };
}

function redirected(error: string, errorDescription: string): PreviewFailure {
  return { stage: 'authorize-redirect', error, errorDescription };
}

function page(text: string): PreviewFailure {
  return {
    stage: 'authorize-page',
    status: 400,
    pageText: `<html><body><h1>400 Bad Request</h1><p>${text.replaceAll("'", '&#39;')}</p></body></html>`,
  };
}

const covered = new Set<DiagnosisCode>();

function only(failure: PreviewFailure, orgFacts: OrgFacts, context = {}) {
  const diagnoses = diagnose(failure, orgFacts, context);
  expect(diagnoses.length).toBeGreaterThan(0);
  const first = diagnoses[0];
  if (first === undefined) {
    throw new Error('no diagnosis');
  }
  covered.add(first.code);
  return first;
}

describe('diagnose: redirect URIs', () => {
  const notRegistered =
    "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.";

  it('names the URI sent, the registered ones, and offers to add it', () => {
    const diagnosis = only(
      page(notRegistered),
      facts({
        request: { ...facts().request, redirectUri: 'https://other.example.com/cb' },
      }),
    );
    expect(diagnosis).toMatchObject({
      code: 'REDIRECT_URI_NOT_REGISTERED',
      oktaText: notRegistered,
      oneClickFix: { kind: 'add-redirect-uri', uri: 'https://other.example.com/cb' },
    });
    expect(diagnosis.oneClickFix).not.toHaveProperty('replaces');
    expect(diagnosis.cause).toContain('https://other.example.com/cb');
    expect(diagnosis.cause).toContain(`Registered: ${CALLBACK}`);
  });

  it.each([
    ['trailing slash', `${CALLBACK}/`, CALLBACK],
    ['scheme', CALLBACK, 'http://kestra.example.com/oauth/callback/okta'],
    ['port', 'https://kestra.example.com:8443/oauth/callback/okta', CALLBACK],
    ['letter case', CALLBACK, 'https://kestra.example.com/OAuth/callback/okta'],
    ['client key', 'https://kestra.example.com/oauth/callback/okta-sso', CALLBACK],
  ])(
    'recognises a near miss by %s and offers to replace the registered URI',
    (kind, sent, registered) => {
      const base = facts();
      const diagnosis = only(
        page(notRegistered),
        facts({
          request: { ...base.request, redirectUri: sent },
          app: { ...(base.app ?? ({} as never)), redirectUris: [registered] },
        }),
      );
      expect(diagnosis.code).toBe('REDIRECT_URI_NOT_REGISTERED');
      expect(diagnosis.oneClickFix).toEqual({
        kind: 'add-redirect-uri',
        uri: sent,
        replaces: registered,
      });
      expect(diagnosis.cause).toContain(sent);
      expect(diagnosis.cause).toContain(registered);
      expect(diagnosis.cause).toContain(kind === 'client key' ? 'client key "okta"' : kind);
    },
  );

  it('says which URI the target should send when the one sent differs from it', () => {
    const diagnosis = only(
      page(notRegistered),
      facts({ request: { ...facts().request, redirectUri: 'https://x.example.com/cb' } }),
      { expectedCallback: CALLBACK },
    );
    expect(diagnosis.cause).toContain(`its callback should be ${CALLBACK}`);
  });

  it('finds the host near miss with uri-lint, and nothing for an unrelated URI', () => {
    expect(findRedirectNearMiss('http://localhost:8080/cb', ['http://127.0.0.1:8080/cb'])).toEqual({
      registered: 'http://127.0.0.1:8080/cb',
      kind: 'host',
    });
    expect(findRedirectNearMiss('https://a.example.com/x', ['https://b.example.com/y'])).toBe(
      undefined,
    );
    expect(
      findRedirectNearMiss('http://localhost:3000/auth/oidc/okta2/callback', [
        'http://localhost:3000/auth/oidc/okta/callback',
      ]),
    ).toEqual({ registered: 'http://localhost:3000/auth/oidc/okta/callback', kind: 'client key' });
  });

  it('reads an HTML page as text', () => {
    expect(pageTextOf('<p>The &#39;x&#39; &amp; <b>y</b></p>')).toBe("The 'x' & y");
  });
});

describe('diagnose: the authorize page and /token', () => {
  it('explains an unknown client_id', () => {
    const text = "Invalid value for 'client_id' parameter.";
    const diagnosis = only(page(text), facts({ app: null }));
    expect(diagnosis).toMatchObject({ code: 'UNKNOWN_CLIENT', oktaText: text });
    expect(diagnosis.cause).toContain('0oaKestra');
    expect(diagnosis.cause).toContain(ORG);
    expect(diagnosis.oneClickFix).toBeUndefined();
  });

  it('explains a bare 400 page by the app being inactive, and offers to activate it', () => {
    const base = facts();
    const diagnosis = only(
      { stage: 'authorize-page', status: 400, pageText: '<html><h1></h1></html>' },
      facts({ app: { ...(base.app ?? ({} as never)), status: 'INACTIVE' } }),
    );
    expect(diagnosis).toMatchObject({
      code: 'APP_INACTIVE',
      oktaText: null,
      oneClickFix: { kind: 'activate-app' },
    });
    expect(diagnosis.cause).toContain('"Kestra" (0oaKestra) is INACTIVE');
  });

  it('tells a deactivated app from an unknown client at /token', () => {
    const base = facts();
    const text = "Invalid value for 'client_id' parameter.";
    const diagnosis = only(
      { stage: 'token', status: 401, error: null, errorDescription: null, errorSummary: text },
      facts({ app: { ...(base.app ?? ({} as never)), status: 'INACTIVE' } }),
    );
    expect(diagnosis).toMatchObject({ code: 'APP_INACTIVE', oktaText: text });
  });

  it('names the auth method the app expects and the one the target used', () => {
    const base = facts();
    const text =
      'Client authentication failed. Either the client or the client credentials are invalid.';
    const diagnosis = only(
      {
        stage: 'token',
        status: 401,
        error: 'invalid_client',
        errorDescription: text,
        errorSummary: null,
      },
      facts({ app: { ...(base.app ?? ({} as never)), tokenEndpointAuthMethod: 'none' } }),
      { clientAuthentication: 'client_secret_basic' },
    );
    expect(diagnosis).toMatchObject({
      code: 'CLIENT_AUTH_MISMATCH',
      oktaText: text,
      oneClickFix: { kind: 'set-token-endpoint-auth-method', method: 'client_secret_basic' },
    });
    expect(diagnosis.cause).toContain('expects token_endpoint_auth_method none');
    expect(diagnosis.cause).toContain('client_secret_basic');
  });

  it('restores the setup’s method when the org drifted, and never offers a no-op', () => {
    const base = facts();
    const invalidClient = (description: string): PreviewFailure => ({
      stage: 'token',
      status: 401,
      error: 'invalid_client',
      errorDescription: description,
      errorSummary: null,
    });
    const document = createSetupDocument({ id: 's', preset: 'kestra' });
    const drifted = only(
      invalidClient('No client credentials found'),
      facts({ app: { ...(base.app ?? ({} as never)), tokenEndpointAuthMethod: 'none' } }),
      { document },
    );
    expect(drifted.oneClickFix).toEqual({
      kind: 'set-token-endpoint-auth-method',
      method: 'client_secret_basic',
    });
    expect(drifted.cause).toContain('the setup says client_secret_basic');
    // The setup and the app agree; the public target is the odd one out.
    const publicTarget = only(invalidClient('No client credentials found'), facts(), {
      document,
      clientAuthentication: 'none',
    });
    expect(publicTarget.oneClickFix).toEqual({
      kind: 'set-token-endpoint-auth-method',
      method: 'none',
    });
    const noSecret = only(invalidClient('No client credentials found'), facts(), { document });
    expect(noSecret.cause).toContain('carried no client credentials');
    expect(noSecret.oneClickFix).toBeUndefined();
  });

  it('blames the secret, without a one-click fix, when the methods agree', () => {
    const text = 'The client secret supplied for a confidential client is invalid.';
    const diagnosis = only(
      {
        stage: 'token',
        status: 401,
        error: 'invalid_client',
        errorDescription: text,
        errorSummary: null,
      },
      facts(),
      { clientAuthentication: 'client_secret_post' },
    );
    expect(diagnosis.code).toBe('CLIENT_AUTH_MISMATCH');
    expect(diagnosis.cause).toContain('not one of the app');
    expect(diagnosis.oneClickFix).toBeUndefined();
  });

  it('explains PKCE verification and an invalid code, and falls back to Okta’s text', () => {
    const token = (error: string, description: string): PreviewFailure => ({
      stage: 'token',
      status: 400,
      error,
      errorDescription: description,
      errorSummary: null,
    });
    expect(only(token('invalid_grant', 'PKCE verification failed.'), facts())).toMatchObject({
      code: 'PKCE_VERIFICATION_FAILED',
      oktaText: 'PKCE verification failed.',
    });
    const expired = 'The authorization code is invalid or has expired.';
    expect(only(token('invalid_grant', expired), facts())).toMatchObject({
      code: 'CODE_INVALID',
      oktaText: expired,
    });
    const other = "The grant type in the request isn't supported.";
    expect(only(token('unsupported_grant_type', other), facts())).toMatchObject({
      code: 'OKTA_ERROR',
      oktaText: other,
    });
  });
});

describe('diagnose: authorize redirects', () => {
  it('names the user who is not assigned, and offers to assign them', () => {
    const base = facts();
    const text = 'User is not assigned to the client application.';
    const diagnosis = only(
      redirected('access_denied', text),
      facts({ user: { ...(base.user ?? ({} as never)), assignment: null } }),
    );
    expect(diagnosis).toMatchObject({
      code: 'USER_NOT_ASSIGNED',
      oktaText: text,
      oneClickFix: { kind: 'assign-user', login: 'ada@example.com' },
    });
    expect(diagnosis.cause).toContain('ada@example.com (00uAda) is not assigned to "Kestra"');
  });

  it('names the policy and rule that fall short, and offers an access policy', () => {
    const text =
      'Policy evaluation failed for this request, please check the policy configurations.';
    const diagnosis = only(
      redirected('access_denied', text),
      facts({ authServer: customServer() }),
    );
    expect(diagnosis).toMatchObject({
      code: 'POLICY_EVALUATION_FAILED',
      oktaText: text,
      oneClickFix: { kind: 'allow-client-in-policy' },
    });
    expect(diagnosis.cause).toContain(
      'rule "Default Policy Rule" of policy "Default Policy" is INACTIVE',
    );
  });

  it('says in words to change the people condition when only the user is left out', () => {
    const server = customServer();
    const rule = server.policies[0]?.rules[0];
    if (rule !== undefined) {
      rule.status = 'ACTIVE';
      rule.coversUser = false;
    }
    const diagnosis = only(
      redirected(
        'access_denied',
        'Policy evaluation failed for this request, please check the policy configurations.',
      ),
      facts({ authServer: server }),
    );
    expect(diagnosis.cause).toContain('does not cover ada@example.com');
    expect(diagnosis.oneClickFix).toBeUndefined();
  });

  it('offers each scope missing on a custom server; on the org server, words only', () => {
    const text = 'One or more scopes are not configured for the authorization server resource.';
    const diagnoses = diagnose(
      redirected('invalid_scope', text),
      facts({
        request: { ...facts().request, requestedScopes: ['openid', 'groups', 'kaimu'] },
        authServer: customServer({ missingScopes: ['groups', 'kaimu'] }),
      }),
    );
    covered.add('SCOPE_NOT_ON_SERVER');
    expect(diagnoses.map((diagnosis) => [diagnosis.code, diagnosis.oneClickFix])).toEqual([
      ['SCOPE_NOT_ON_SERVER', { kind: 'add-scope', scope: 'groups' }],
      ['SCOPE_NOT_ON_SERVER', { kind: 'add-scope', scope: 'kaimu' }],
    ]);
    expect(diagnoses[0]?.oktaText).toBe(text);
    expect(diagnoses[0]?.cause).toContain('"default" does not define');
    const org = only(
      redirected('invalid_scope', text),
      facts({ request: { ...facts().request, requestedScopes: ['openid', 'kaimu'] } }),
    );
    expect(org.cause).toContain('"kaimu"');
    expect(org.oneClickFix).toBeUndefined();
  });

  it('explains PKCE required by a confidential app, and offers to stop requiring it', () => {
    const base = facts();
    const text = 'PKCE code challenge is required by the application.';
    const diagnosis = only(
      redirected('invalid_request', text),
      facts({ app: { ...(base.app ?? ({} as never)), pkceRequired: true } }),
    );
    expect(diagnosis).toMatchObject({
      code: 'PKCE_REQUIRED',
      oktaText: text,
      oneClickFix: { kind: 'set-pkce-required', value: false },
    });
    expect(diagnosis.cause).toContain('client_secret_basic and pkce_required true');
  });

  it('never offers to drop PKCE for a client without a secret', () => {
    const base = facts();
    const text =
      "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.";
    const diagnosis = only(
      redirected('invalid_request', text),
      facts({ app: { ...(base.app ?? ({} as never)), tokenEndpointAuthMethod: 'none' } }),
    );
    expect(diagnosis.code).toBe('PKCE_REQUIRED');
    expect(diagnosis.oneClickFix).toBeUndefined();
  });

  it('passes other refusals through as OKTA_ERROR with Okta’s text', () => {
    const text = 'The client specified not to prompt, but the user is not logged in.';
    expect(only(redirected('login_required', text), facts())).toMatchObject({
      code: 'OKTA_ERROR',
      oktaText: text,
    });
  });
});

describe('diagnose: issuer, tokens, claims, origins', () => {
  it('compares the configured issuer, discovery and the token, and offers the org server', () => {
    const diagnosis = only(
      {
        stage: 'id-token',
        reason: 'iss',
        detail: 'unexpected iss',
        claims: { iss: `${ORG}/oauth2/default` },
      },
      facts({
        authServer: customServer({ admittedBy: { policy: 'Default Policy', rule: 'r' } }),
        discovery: {
          url: `${ORG}/oauth2/default/.well-known/openid-configuration`,
          status: 200,
          issuer: `${ORG}/oauth2/default`,
        },
      }),
      { configuredIssuer: ORG },
    );
    expect(diagnosis).toMatchObject({
      code: 'ISSUER_MISMATCH',
      oktaText: null,
      oneClickFix: { kind: 'set-issuer', issuer: 'org' },
    });
    expect(diagnosis.cause).toContain(`configured with ${ORG} (the org authorization server`);
    expect(diagnosis.cause).toContain(`the ID token's iss is ${ORG}/oauth2/default`);
    expect(diagnosis.cause).toContain('issuer_mode here is ORG_URL');
  });

  it('offers the issuer mode when the org server answers on another host', () => {
    const base = facts();
    const diagnosis = only(
      { stage: 'callback', reason: 'iss-mismatch', detail: 'iss was https://login.acme.com' },
      facts({ app: { ...(base.app ?? ({} as never)), issuerMode: 'DYNAMIC' } }),
      { document: createSetupDocument({ id: 's', preset: 'kestra' }) },
    );
    expect(diagnosis.code).toBe('ISSUER_MISMATCH');
    expect(diagnosis.oneClickFix).toEqual({
      kind: 'set-issuer',
      issuer: 'org',
      issuerMode: 'ORG_URL',
    });
    expect(diagnosis.cause).toContain('issuer_mode here is DYNAMIC');
  });

  it('reads a discovery 404 on a custom server as a missing server', () => {
    const diagnosis = only(
      {
        stage: 'discovery',
        url: `${ORG}/oauth2/default/.well-known/openid-configuration`,
        status: 404,
        detail: 'Not found',
      },
      facts(),
    );
    expect(diagnosis).toMatchObject({
      code: 'ISSUER_MISMATCH',
      oneClickFix: { kind: 'set-issuer', issuer: 'org' },
    });
    expect(diagnosis.cause).toContain('API Access Management');
  });

  it('adds the groups claim on either server, and says where it lives on each', () => {
    const custom = only(
      { stage: 'claims', reason: 'groups-missing', detail: 'no groups in the ID token' },
      facts({ authServer: customServer() }),
    );
    expect(custom).toMatchObject({
      code: 'GROUPS_CLAIM_MISSING',
      oneClickFix: { kind: 'add-groups-claim', name: 'groups' },
    });
    expect(custom.cause).toContain('"default" has no groups claim');
    const org = only(
      { stage: 'claims', reason: 'groups-missing', detail: 'no groups in the ID token' },
      facts(),
    );
    expect(org.code).toBe('GROUPS_CLAIM_MISSING');
    expect(org.cause).toContain('groups scope');
    expect(org.fix).toContain('Groups claim filter');
    expect(org.oneClickFix).toEqual({ kind: 'add-groups-claim', name: 'groups' });
  });

  it('adds the trusted origin a browser app needs, after the failure it explains', () => {
    const diagnoses = diagnose(
      { stage: 'timeout', detail: 'no callback within 5 minutes' },
      facts({
        trustedOrigin: {
          origin: 'http://localhost:5173',
          exists: false,
          cors: false,
          redirect: false,
        },
      }),
    );
    covered.add('TRUSTED_ORIGIN_MISSING');
    expect(diagnoses.map((diagnosis) => diagnosis.code)).toEqual([
      'OKTA_ERROR',
      'TRUSTED_ORIGIN_MISSING',
    ]);
    expect(diagnoses[1]).toMatchObject({
      oneClickFix: { kind: 'add-trusted-origin', origin: 'http://localhost:5173' },
    });
    expect(diagnoses[1]?.cause).toContain('http://localhost:5173 is not a trusted origin');
  });

  it('explains ID token, userinfo and state failures', () => {
    expect(
      only({ stage: 'id-token', reason: 'nonce', detail: 'nonce differs' }, facts()),
    ).toMatchObject({ code: 'ID_TOKEN_INVALID' });
    expect(
      only({ stage: 'userinfo', reason: 'sub-mismatch', detail: '00u1 vs 00u2' }, facts()),
    ).toMatchObject({ code: 'USERINFO_SUB_MISMATCH' });
    const state = only(
      { stage: 'callback', reason: 'replayed', detail: 'state s1 used before' },
      facts(),
    );
    expect(state.code).toBe('STATE_MISMATCH');
    expect(state.cause).toContain('already used');
  });

  it('attaches the System Log events to the most likely diagnosis', () => {
    const events = [
      {
        published: '2026-01-01T00:00:00.000Z',
        eventType: 'app.oauth2.authorize',
        outcome: 'FAILURE',
        reason: 'illegal_redirect_uri',
      },
    ];
    const [first] = diagnose(
      page("The 'redirect_uri' parameter must be a Login redirect URI in the client app settings."),
      facts({ systemLog: events }),
    );
    expect(first?.systemLog).toEqual(events);
  });

  it.each([
    [
      'SUSPENDED',
      /is suspended/,
      /Unsuspend ada@example\.com: Directory → People → ada@example\.com → More Actions → Unsuspend/,
    ],
    ['LOCKED_OUT', /is locked out/, /Unlock ada@example\.com/],
    ['PASSWORD_EXPIRED', /expired password/, /Reset password/],
    ['RECOVERY', /password recovery/, /Reset password/],
    ['STAGED', /never activated/, /Activate ada@example\.com/],
    ['PROVISIONED', /not finished activation/, /Set password/],
    ['DEPROVISIONED', /is deactivated/, /Reactivate ada@example\.com/],
  ])('a sign-in that timed out for a %s user says why, and the fix', (status, cause, fix) => {
    const base = facts();
    const user = { ...(base.user ?? ({} as never)), status };
    const diagnoses = diagnose(
      { stage: 'timeout', detail: 'no callback in 5 minutes' },
      facts({ user }),
    );
    covered.add('USER_NOT_ACTIVE');
    expect(diagnoses).toHaveLength(1);
    expect(diagnoses[0]).toMatchObject({
      code: 'USER_NOT_ACTIVE',
      oktaText: `User status: ${status}`,
    });
    expect(diagnoses[0]?.cause).toMatch(cause);
    expect(diagnoses[0]?.fix).toMatch(fix);
  });

  it('takes Okta’s text for a refused sign-in from the System Log, and keeps other causes after it', () => {
    const base = facts();
    const systemLog = [
      {
        published: '2026-01-01T00:00:00.000Z',
        eventType: 'user.session.start',
        outcome: 'FAILURE',
        reason: 'USER_NOT_ACTIVE',
      },
    ];
    const diagnoses = diagnose(
      page('User is not assigned to the client application.'),
      facts({ user: { ...(base.user ?? ({} as never)), status: 'SUSPENDED' }, systemLog }),
    );
    expect(diagnoses[0]).toMatchObject({ code: 'USER_NOT_ACTIVE', oktaText: 'USER_NOT_ACTIVE' });
    expect(diagnoses.length).toBeGreaterThan(1);
  });

  it('diagnoses the check before the sign-in the same way, with nothing else', () => {
    const base = facts();
    const diagnoses = diagnose(
      {
        stage: 'user-status',
        status: 'LOCKED_OUT',
        detail: 'ada@example.com is LOCKED_OUT in the org.',
      },
      facts({ user: { ...(base.user ?? ({} as never)), status: 'LOCKED_OUT' } }),
    );
    expect(diagnoses.map((diagnosis) => diagnosis.code)).toEqual(['USER_NOT_ACTIVE']);
    expect(diagnoses[0]?.fix).toMatch(/^Unlock ada@example\.com/);
  });

  it('says nothing of the user’s status when the user is active', () => {
    const diagnoses = diagnose({ stage: 'timeout', detail: 'no callback' }, facts());
    expect(diagnoses.map((diagnosis) => diagnosis.code)).toEqual(['OKTA_ERROR']);
  });

  it('has a test for every diagnosis code', () => {
    // A wrong password or an unknown username shows only in the System Log (the preview's
    // sign-in is typed in the browser): test/unit/shared/preview/sign-in-event-diagnosis.test.ts.
    const fromTheLogOnly: DiagnosisCode[] = ['INVALID_CREDENTIALS', 'UNKNOWN_USER'];
    expect([...covered, ...fromTheLogOnly].sort()).toEqual([...DIAGNOSIS_CODES].sort());
  });
});
