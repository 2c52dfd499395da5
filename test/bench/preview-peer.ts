/**
 * One run of either contender of the preview benchmark (`preview-bench.ts`): what both share
 * (the bench's org and app, the automated browser step, the checks every run must pass), and the
 * peer itself, an app built on `openid-client` doing the same code + PKCE flow. The preview's
 * own run and the measuring stay in `preview-bench.ts`.
 */
import http from 'node:http';

import * as oidcClient from 'openid-client';

import type { OktaClient } from '../../main/okta/okta-client.ts';
import { oidcHttp } from '../support/oidc-http.ts';
import type { OidcAppUnderTest } from '../support/oidc-setup.ts';

export const SCOPES = ['openid', 'profile', 'email'];

export function check(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new Error(`A measured run did not succeed: ${what}`);
  }
}

/** One run of either contender: its wall time, and its stages (which add up to it). */
export interface Run {
  totalMs: number;
  /** Everything but the automated browser step, which is the same helper for both. */
  withoutSignInMs: number;
  stages: Record<string, number>;
}

export interface Bench {
  sandbox: { orgUrl: string; apiToken: string };
  client: OktaClient;
  app: OidcAppUnderTest & { clientSecret: string };
  journalDir: string;
}

/** The automated browser step, identical for both: sign in, stop at the redirect back. */
export function signIn(bench: Bench, authorizeUrl: string): Promise<URL> {
  return oidcHttp(bench.sandbox.orgUrl, bench.app.redirectUri).signInAt(
    authorizeUrl,
    bench.app.user,
  );
}

/** What every run must show: the user who signed in, in the ID token and in userinfo. */
export function checkIdentity(
  bench: Bench,
  who: string,
  claims: Record<string, unknown> | undefined,
  userinfo: Record<string, unknown> | undefined,
): void {
  const { user } = bench.app;
  check(claims?.sub === user.id, `${who}: ID token sub ${String(claims?.sub)}, not ${user.id}`);
  check(claims.email === user.login, `${who}: ID token email ${String(claims.email)}`);
  check(userinfo?.sub === user.id, `${who}: userinfo sub ${String(userinfo?.sub)}`);
  check(userinfo.email === user.login, `${who}: userinfo email ${String(userinfo.email)}`);
}

/** The stages of a peer run, in the order they happen. */
const PEER_STAGES = [
  'discovery',
  'PKCE, authorize URL',
  'sign-in (automated browser)',
  'callback on the loopback listener',
  'code exchange',
  'JWKS + ID token verification',
  'userinfo',
  'revocation',
] as const;

/**
 * The web server of an app built on `openid-client`: the browser lands on its redirect URI and
 * the app's callback route hands the URL it was called at to `authorizationCodeGrant`. An app's
 * server runs before any sign-in starts, so it is started before the run's clock; the preview
 * opens its listener inside its run, and that is timed as its own stage.
 */
async function appServer(redirectUri: string) {
  const { port, pathname } = new URL(redirectUri);
  let received: (url: URL) => void = () => undefined;
  const callback = new Promise<URL>((resolve) => {
    received = resolve;
  });
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', redirectUri);
    if (url.pathname === pathname) {
      received(url);
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end('Signed in.');
  });
  await new Promise<void>((resolve) => server.listen(Number(port), '127.0.0.1', resolve));
  return {
    callback,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * One sign-in by `openid-client`, the same flow: `verifySignature` turns on its check of the ID
 * token's signature against the JWKS, as the preview does it.
 */
export async function peerRun(bench: Bench, verifySignature: boolean): Promise<Run> {
  const { app } = bench;
  const requests: { url: string; start: number }[] = [];
  const server = await appServer(app.redirectUri);
  try {
    return await peerSignIn(bench, verifySignature, requests, server.callback);
  } finally {
    await server.close();
  }
}

async function peerSignIn(
  bench: Bench,
  verifySignature: boolean,
  requests: { url: string; start: number }[],
  appCallback: Promise<URL>,
): Promise<Run> {
  const { app } = bench;
  const started = performance.now();
  const configuration = await oidcClient.discovery(
    new URL(bench.sandbox.orgUrl),
    app.clientId,
    undefined,
    oidcClient.ClientSecretBasic(app.clientSecret),
    {
      // Loopback http: the sandbox is not behind TLS. The library marks this deprecated only
      // to make it stand out; it is its documented switch for that.
      execute: [
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        oidcClient.allowInsecureRequests,
        ...(verifySignature ? [oidcClient.enableNonRepudiationChecks] : []),
      ],
      [oidcClient.customFetch]: (url, options) => {
        requests.push({ url, start: performance.now() });
        // The library's options are fetch's own; only its body type is declared apart.
        return fetch(url, options as RequestInit);
      },
    },
  );
  const discovered = performance.now();
  const codeVerifier = oidcClient.randomPKCECodeVerifier();
  const state = oidcClient.randomState();
  const nonce = oidcClient.randomNonce();
  const authorizationUrl = oidcClient.buildAuthorizationUrl(configuration, {
    redirect_uri: app.redirectUri,
    scope: SCOPES.join(' '),
    code_challenge: await oidcClient.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const prepared = performance.now();
  const back = await signIn(bench, authorizationUrl.href);
  const signedIn = performance.now();
  // The browser lands on the app's server, as it lands on the preview's listener.
  const landed = await fetch(back);
  await landed.text();
  const callback = await appCallback;
  const received = performance.now();
  const tokens = await oidcClient.authorizationCodeGrant(configuration, callback, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const exchanged = performance.now();
  const claims = tokens.claims();
  const userinfo = await oidcClient.fetchUserInfo(
    configuration,
    tokens.access_token,
    claims?.sub ?? '',
  );
  const readUserinfo = performance.now();
  await oidcClient.tokenRevocation(configuration, tokens.access_token, {
    token_type_hint: 'access_token',
  });
  const finished = performance.now();

  checkIdentity(bench, 'openid-client', claims, userinfo);
  const jwksUri = configuration.serverMetadata().jwks_uri;
  const jwks = requests.filter((request) => request.url === jwksUri);
  check(
    jwks.length === (verifySignature ? 1 : 0),
    `openid-client read the JWKS ${String(jwks.length)} times`,
  );
  // Without the JWKS, the grant is the exchange alone.
  const keysStarted = jwks[0]?.start ?? exchanged;
  const marks = [
    started,
    discovered,
    prepared,
    signedIn,
    received,
    keysStarted,
    exchanged,
    readUserinfo,
    finished,
  ];
  const stages: Record<string, number> = {};
  PEER_STAGES.forEach((stage, index) => {
    stages[stage] = (marks[index + 1] ?? NaN) - (marks[index] ?? NaN);
  });
  const totalMs = finished - started;
  return { totalMs, withoutSignInMs: totalMs - (signedIn - prepared), stages };
}
