import { describe, expect, it } from 'vitest';

import {
  readOktaApp,
  readOktaAppUser,
  readOktaAuthServer,
  readOktaClaim,
  readOktaClientSecret,
  readOktaDiscovery,
  readOktaGroup,
  readOktaGroupAssignment,
  readOktaPolicy,
  readOktaPolicyRule,
  readOktaScope,
  readOktaTrustedOrigin,
  readOktaUser,
  sdkRequestBody,
  SETUP_MARK_KEY,
} from '../../../../main/okta/okta-json.ts';

/** An OIDC web app as Okta answers `GET /api/v1/apps/{id}` (trimmed to what matters here). */
const webApp = {
  id: '0oa1kestra',
  name: 'oidc_client',
  label: 'Kestra',
  status: 'ACTIVE',
  signOnMode: 'OPENID_CONNECT',
  profile: { [SETUP_MARK_KEY]: { setupId: 'setup-1' }, team: 'data' },
  credentials: {
    oauthClient: {
      client_id: '0oa1kestraclient',
      client_secret: 'shown-once',
      token_endpoint_auth_method: 'client_secret_basic',
      pkce_required: true,
      autoKeyRotation: true,
    },
  },
  settings: {
    implicitAssignment: false,
    oauthClient: {
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: ['https://kestra.example.com/oauth/callback'],
      post_logout_redirect_uris: ['https://kestra.example.com/'],
      initiate_login_uri: 'https://kestra.example.com/login',
      consent_method: 'REQUIRED',
      issuer_mode: 'DYNAMIC',
    },
  },
  visibility: { hide: { iOS: false, web: false } },
};

describe('readOktaApp', () => {
  it('reads the fields the console compares, under their Okta paths', () => {
    const app = readOktaApp(webApp);
    expect(app).toEqual({
      id: '0oa1kestra',
      label: 'Kestra',
      status: 'ACTIVE',
      signOnMode: 'OPENID_CONNECT',
      name: 'oidc_client',
      setupId: 'setup-1',
      implicitAssignment: false,
      oauthClient: {
        applicationType: 'web',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://kestra.example.com/oauth/callback'],
        postLogoutRedirectUris: ['https://kestra.example.com/'],
        initiateLoginUri: 'https://kestra.example.com/login',
        consentMethod: 'REQUIRED',
        issuerMode: 'DYNAMIC',
      },
      clientCredentials: {
        clientId: '0oa1kestraclient',
        clientSecret: 'shown-once',
        tokenEndpointAuthMethod: 'client_secret_basic',
        pkceRequired: true,
      },
      json: webApp,
    });
  });

  it('keeps the answer itself, so a replace can send back the fields the console does not manage', () => {
    expect(readOktaApp(webApp).json).toBe(webApp);
  });

  it('reads a bookmark app (no OAuth settings) as absent fields, without throwing', () => {
    const app = readOktaApp({ id: '0oa2', label: 'Wiki', signOnMode: 'BOOKMARK', settings: null });
    expect(app.signOnMode).toBe('BOOKMARK');
    expect(app.setupId).toBeUndefined();
    expect(app.oauthClient).toEqual({
      applicationType: '',
      grantTypes: [],
      redirectUris: [],
      postLogoutRedirectUris: [],
      initiateLoginUri: undefined,
      consentMethod: '',
      issuerMode: '',
    });
    expect(app.clientCredentials).toEqual({
      clientId: undefined,
      clientSecret: undefined,
      tokenEndpointAuthMethod: '',
      pkceRequired: false,
    });
    expect(app.implicitAssignment).toBe(false);
  });

  it.each([undefined, null, 'app', 42, ['0oa1']])(
    'reads %j as an app with nothing in it',
    (value) => {
      const app = readOktaApp(value);
      expect(app.id).toBeUndefined();
      expect(app.label).toBe('');
      expect(app.json).toEqual({});
    },
  );

  it('reads only true as true: a PKCE or implicit-assignment flag given as a string is not set', () => {
    const app = readOktaApp({
      credentials: { oauthClient: { pkce_required: 'true' } },
      settings: { implicitAssignment: 1 },
    });
    expect(app.clientCredentials.pkceRequired).toBe(false);
    expect(app.implicitAssignment).toBe(false);
  });

  it('leaves malformed list items out and reads an empty client id as none', () => {
    const app = readOktaApp({
      credentials: { oauthClient: { client_id: '' } },
      settings: { oauthClient: { redirect_uris: ['https://a.example/cb', null, 7] } },
    });
    expect(app.clientCredentials.clientId).toBeUndefined();
    expect(app.oauthClient.redirectUris).toEqual(['https://a.example/cb']);
  });

  it("finds the console's mark only under its own profile key", () => {
    expect(readOktaApp({ profile: { other: { setupId: 'x' } } }).setupId).toBeUndefined();
    expect(readOktaApp({ profile: { [SETUP_MARK_KEY]: { setupId: 3 } } }).setupId).toBeUndefined();
    expect(readOktaApp({ profile: { [SETUP_MARK_KEY]: 'setup-1' } }).setupId).toBeUndefined();
  });
});

describe('users and groups', () => {
  it('reads a user by profile', () => {
    expect(
      readOktaUser({
        id: '00u1',
        status: 'ACTIVE',
        profile: { login: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' },
      }),
    ).toEqual({
      id: '00u1',
      status: 'ACTIVE',
      login: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    expect(readOktaUser({ id: '00u2' })).toEqual({
      id: '00u2',
      status: undefined,
      login: '',
      firstName: '',
      lastName: '',
    });
  });

  it('reads an app user with its embedded user (expand=user)', () => {
    const appUser = readOktaAppUser({
      id: '00u1',
      scope: 'GROUP',
      credentials: { userName: 'ada' },
      profile: { name: 'Ada L.', given_name: 'Ada', family_name: 'Lovelace' },
      _embedded: { user: { id: '00u1', profile: { login: 'ada@example.com' } } },
    });
    expect(appUser.scope).toBe('GROUP');
    expect(appUser.userName).toBe('ada');
    expect(appUser.profile).toEqual({ name: 'Ada L.', givenName: 'Ada', familyName: 'Lovelace' });
    expect(appUser.user.login).toBe('ada@example.com');
  });

  it('reads an app user without expand as an empty embedded user and no user name', () => {
    const appUser = readOktaAppUser({ id: '00u1', scope: 'USER', credentials: { userName: '' } });
    expect(appUser.userName).toBeUndefined();
    expect(appUser.user).toEqual({
      id: undefined,
      status: undefined,
      login: '',
      firstName: '',
      lastName: '',
    });
  });

  it('reads a group and a group assignment, embedded (expand=group) or not', () => {
    expect(readOktaGroup({ id: '00g1', profile: { name: 'Engineering' } })).toEqual({
      id: '00g1',
      name: 'Engineering',
    });
    expect(
      readOktaGroupAssignment({
        id: '00g1',
        priority: 0,
        _embedded: { group: { id: '00g1', profile: { name: 'Engineering' } } },
      }),
    ).toEqual({ id: '00g1', group: { id: '00g1', name: 'Engineering' } });
    expect(readOktaGroupAssignment({ id: '00g2' }).group.name).toBeUndefined();
  });
});

describe('readOktaTrustedOrigin', () => {
  it('reads the type of each scope', () => {
    expect(
      readOktaTrustedOrigin({
        id: 'tos1',
        name: 'Kestra',
        origin: 'https://kestra.example.com',
        scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }, { allowedOktaApps: [] }, 'IFRAME_EMBED'],
      }),
    ).toEqual({
      id: 'tos1',
      name: 'Kestra',
      origin: 'https://kestra.example.com',
      scopeTypes: ['CORS', 'REDIRECT'],
    });
  });

  it('reads a missing scope list as no scopes', () => {
    expect(readOktaTrustedOrigin({ origin: 'https://a.example' }).scopeTypes).toEqual([]);
    expect(readOktaTrustedOrigin({ scopes: { type: 'CORS' } }).scopeTypes).toEqual([]);
  });
});

describe('authorization servers', () => {
  it('reads a server, a scope and a claim', () => {
    expect(
      readOktaAuthServer({
        id: 'aus1',
        name: 'Kaimu',
        status: 'ACTIVE',
        issuer: 'https://dev-1.okta.com/oauth2/aus1',
        issuerMode: 'ORG_URL',
        audiences: ['api://kaimu'],
      }),
    ).toEqual({
      id: 'aus1',
      name: 'Kaimu',
      status: 'ACTIVE',
      issuer: 'https://dev-1.okta.com/oauth2/aus1',
      issuerMode: 'ORG_URL',
    });
    expect(readOktaScope({ id: 'scp1', name: 'kaimu.read', consent: 'IMPLICIT' })).toEqual({
      id: 'scp1',
      name: 'kaimu.read',
    });
    expect(
      readOktaClaim({
        id: 'ocl1',
        name: 'groups',
        claimType: 'IDENTITY',
        valueType: 'GROUPS',
        status: 'ACTIVE',
      }),
    ).toEqual({
      id: 'ocl1',
      name: 'groups',
      claimType: 'IDENTITY',
      valueType: 'GROUPS',
      status: 'ACTIVE',
    });
  });

  it('reads a policy with the clients it covers, keeping the answer for a replace', () => {
    const json = {
      id: '00p1',
      name: 'Kaimu access',
      description: 'Lets Kaimu get tokens. [sso-console setup-1]',
      status: 'ACTIVE',
      priority: 2,
      conditions: { clients: { include: ['0oa1', 'ALL_CLIENTS'] } },
    };
    const policy = readOktaPolicy(json);
    expect(policy).toEqual({
      id: '00p1',
      name: 'Kaimu access',
      description: 'Lets Kaimu get tokens. [sso-console setup-1]',
      status: 'ACTIVE',
      priority: 2,
      includedClients: ['0oa1', 'ALL_CLIENTS'],
      json,
    });
    expect(policy.json).toBe(json);
  });

  it('reads a priority as a number, 0 when absent', () => {
    expect(readOktaPolicy({ priority: '3' }).priority).toBe(3);
    expect(readOktaPolicy({}).priority).toBe(0);
    expect(readOktaPolicyRule({ priority: 1 }).priority).toBe(1);
  });

  it("reads a rule's grant types, scopes and people condition", () => {
    const rule = readOktaPolicyRule({
      id: '0pr1',
      name: 'Kaimu sign-in',
      status: 'INACTIVE',
      priority: 1,
      conditions: {
        people: { groups: { include: ['EVERYONE'] }, users: { exclude: ['00u9'] } },
        grantTypes: { include: ['authorization_code'] },
        scopes: { include: ['openid', 'kaimu.read'] },
      },
    });
    expect(rule.grantTypes).toEqual(['authorization_code']);
    expect(rule.scopes).toEqual(['openid', 'kaimu.read']);
    expect(rule.people).toEqual({
      users: { include: [], exclude: ['00u9'] },
      groups: { include: ['EVERYONE'], exclude: [] },
    });
    expect(rule.status).toBe('INACTIVE');
  });

  it('reads a rule without conditions as covering no grant and no scope, and everyone', () => {
    const rule = readOktaPolicyRule({ id: '0pr2' });
    expect(rule.grantTypes).toEqual([]);
    expect(rule.scopes).toEqual([]);
    expect(rule.people).toEqual({
      users: { include: [], exclude: [] },
      groups: { include: [], exclude: [] },
    });
  });
});

describe('readOktaClientSecret', () => {
  it('reads a secret, with its value only when Okta shows it', () => {
    expect(readOktaClientSecret({ id: 'ocs1', status: 'ACTIVE', client_secret: 's3cr3t' })).toEqual(
      { id: 'ocs1', status: 'ACTIVE', clientSecret: 's3cr3t' },
    );
    expect(readOktaClientSecret({ id: 'ocs2', status: 'INACTIVE' }).clientSecret).toBeUndefined();
  });
});

describe('readOktaDiscovery', () => {
  it('reads the endpoints the exporters write, the issuer as served', () => {
    expect(
      readOktaDiscovery({
        issuer: 'https://dev-1.okta.com/oauth2/default',
        authorization_endpoint: 'https://dev-1.okta.com/oauth2/default/v1/authorize',
        token_endpoint: 'https://dev-1.okta.com/oauth2/default/v1/token',
        userinfo_endpoint: 'https://dev-1.okta.com/oauth2/default/v1/userinfo',
        jwks_uri: 'https://dev-1.okta.com/oauth2/default/v1/keys',
        scopes_supported: ['openid', 'profile'],
      }),
    ).toStrictEqual({
      issuer: 'https://dev-1.okta.com/oauth2/default',
      authorization_endpoint: 'https://dev-1.okta.com/oauth2/default/v1/authorize',
      token_endpoint: 'https://dev-1.okta.com/oauth2/default/v1/token',
      userinfo_endpoint: 'https://dev-1.okta.com/oauth2/default/v1/userinfo',
      end_session_endpoint: undefined,
      jwks_uri: 'https://dev-1.okta.com/oauth2/default/v1/keys',
      scopes_supported: ['openid', 'profile'],
    });
  });

  it('tells a document that lists no scopes from one that lists none of the asked', () => {
    expect(readOktaDiscovery({}).scopes_supported).toBeUndefined();
    expect(readOktaDiscovery({ scopes_supported: [] }).scopes_supported).toEqual([]);
    expect(readOktaDiscovery({ issuer: 7 }).issuer).toBe('');
  });
});

describe('sdkRequestBody', () => {
  it('puts the plain body, unchanged, under the request parameter it names', () => {
    const body = { name: 'Kestra', origin: 'https://kestra.example.com', scopes: [] };
    const request = sdkRequestBody('trustedOrigin', body);
    expect(Object.keys(request)).toEqual(['trustedOrigin']);
    expect(request.trustedOrigin).toBe(body);
  });
});
