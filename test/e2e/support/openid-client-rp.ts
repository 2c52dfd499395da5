import * as oidcClient from 'openid-client';

/** A started sign-in: where to send the browser, and how to finish when it comes back. */
export interface WebAppSignIn {
  configuration: oidcClient.Configuration;
  authorizationUrl: URL;
  state: string;
  nonce: string;
  /** Redeems the code in the URL the browser came back to, checking state and nonce. */
  finish(
    callbackUrl: URL,
  ): Promise<oidcClient.TokenEndpointResponse & oidcClient.TokenEndpointResponseHelpers>;
}

/**
 * A web app's back end as an OpenID-certified library (`openid-client`) plays it: discovery, an
 * authorization URL with PKCE S256, `state` and `nonce`, and the code grant with every check the
 * library makes. The browser part (following the URL, signing in) is the test's.
 */
export async function startWebAppSignIn(app: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** What the app asks for; `openid profile email` unless said. */
  scope?: string;
}): Promise<WebAppSignIn> {
  const configuration = await oidcClient.discovery(
    new URL(app.issuer),
    app.clientId,
    undefined,
    oidcClient.ClientSecretBasic(app.clientSecret),
    // Loopback http: the sandbox is not behind TLS, like any local dev server. The library
    // marks this deprecated only to make it stand out; it is its documented switch for that.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    { execute: [oidcClient.allowInsecureRequests] },
  );
  const codeVerifier = oidcClient.randomPKCECodeVerifier();
  const state = oidcClient.randomState();
  const nonce = oidcClient.randomNonce();
  const authorizationUrl = oidcClient.buildAuthorizationUrl(configuration, {
    redirect_uri: app.redirectUri,
    scope: app.scope ?? 'openid profile email',
    code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return {
    configuration,
    authorizationUrl,
    state,
    nonce,
    finish: (callbackUrl: URL) =>
      oidcClient.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      }),
  };
}
