import type { OktaSdkClient } from './sandbox-sdk.ts';

/** A sandbox user who may sign in to an app, with the password the test knows. */
export interface SignInUser {
  id: string;
  login: string;
  password: string;
}

/** An OIDC app the sandbox created through the management API, ready for a login. */
export interface OidcAppUnderTest {
  appId: string;
  clientId: string;
  /** `undefined` for public clients (`token_endpoint_auth_method: none`). */
  clientSecret: string | undefined;
  redirectUri: string;
  user: SignInUser;
}

/**
 * Sets an app up the way an admin would, through the real SDK: a user with a password, a group
 * holding them, the OIDC app, the group assigned to the app and, for browser apps, the page's
 * origin as a CORS trusted origin. Everything a login needs, nothing faked.
 */
export async function setUpOidcApp(
  client: OktaSdkClient,
  options: {
    label: string;
    applicationType: 'web' | 'browser';
    redirectUri: string;
    /** Where the app may send the user after signing out. */
    postLogoutRedirectUri?: string;
    /** A browser page's origin that calls `/token` with CORS. */
    corsOrigin?: string;
    login?: string;
    /** A web app's client authentication (default `client_secret_basic`). */
    tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  },
): Promise<OidcAppUnderTest> {
  const login =
    options.login ?? `ada.${options.label.toLowerCase().replaceAll(/\W+/g, '-')}@example.com`;
  const password = 'Analytical-Engine-1843';
  const user = await client.userApi.createUser({
    body: {
      profile: { firstName: 'Ada', lastName: 'Lovelace', email: login, login },
      credentials: { password: { value: password } },
    },
    activate: true,
  });
  const group = await client.groupApi.createGroup({
    group: { profile: { name: `${options.label} users`, description: 'Who may sign in' } },
  });
  await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: user.id ?? '' });
  const publicClient = options.applicationType === 'browser';
  const app = (await client.applicationApi.createApplication({
    application: {
      name: 'oidc_client',
      label: options.label,
      signOnMode: 'OPENID_CONNECT',
      credentials: {
        oauthClient: {
          token_endpoint_auth_method: publicClient
            ? 'none'
            : (options.tokenEndpointAuthMethod ?? 'client_secret_basic'),
          ...(publicClient ? { pkce_required: true } : {}),
        },
      },
      settings: {
        oauthClient: {
          application_type: options.applicationType,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [options.redirectUri],
          post_logout_redirect_uris:
            options.postLogoutRedirectUri === undefined ? [] : [options.postLogoutRedirectUri],
        },
      },
    } as never,
  })) as unknown as {
    id: string;
    credentials: { oauthClient: { client_id: string; client_secret?: string } };
  };
  await client.applicationApi.assignGroupToApplication({
    appId: app.id,
    groupId: group.id ?? '',
    applicationGroupAssignment: {},
  });
  if (options.corsOrigin !== undefined) {
    await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: `${options.label} page`,
        origin: options.corsOrigin,
        scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }],
      },
    });
  }
  return {
    appId: app.id,
    clientId: app.credentials.oauthClient.client_id,
    clientSecret: app.credentials.oauthClient.client_secret,
    redirectUri: options.redirectUri,
    user: { id: user.id ?? '', login, password },
  };
}
