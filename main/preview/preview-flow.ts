import type { AccessToken, IDToken } from '@okta/okta-auth-js';

import {
  type AccessTokenView,
  accessTokenView,
  checkAccessToken,
  checkCallback,
  checkExpectedClaim,
  checkIdTokenPresent,
  checkPreflight,
  readDiscovery,
} from './flow-checks.ts';
import { OutOfTime, Stop } from './flow-stop.ts';
import { verifyIdToken } from './id-token-verification.ts';
import { createPreviewSession, type PreviewSession } from './preview-session.ts';
import type { PreviewFailure, TimelineEntry } from './preview-types.ts';
import { createRecordedHttp, type RecordedHttp } from './recorded-http.ts';
import { openSignIn, type SignInSettings, waitForCallback } from './sign-in-session.ts';

export { type AccessTokenView, ORG_ACCESS_TOKEN_REASON } from './flow-checks.ts';
export type { PreviewSession } from './preview-session.ts';
export type { TokenEndpointAuthMethod } from './sign-in-session.ts';

/** What one preview signs in to, and how. */
export interface PreviewOptions extends Omit<SignInSettings, 'redirectUri'> {
  /**
   * Where Okta sends the sign-in back; or its promise while the caller makes it ready (a
   * listener, a temporary URI added to the app), which discovery does not wait for. A rejected
   * promise ends the run with its error.
   */
  redirectUri: string | Promise<string>;
  /** A claim the target app needs in the ID token (e.g. `groups`). */
  expectGroupsClaim?: string;
  /** The whole preview's budget, the admin's sign-in included. */
  timeoutMs: number;
  /** Audiences besides the client id the ID token may carry (default none). */
  trustedAudiences?: string[];
}

/** What the preview needs from the outside world; tests pass the real things, headless. */
export interface PreviewDeps {
  /** Every HTTP request goes through this, so the timeline sees each exchange. */
  fetch: typeof fetch;
  /** Opens the authorize URL where the admin signs in: the system browser in the product. */
  openBrowser(url: string): Promise<void>;
  /**
   * The one redirect back from Okta for the sign-in that sent `expectedState`: the loopback
   * listener's (which turns away any other state and keeps waiting), or a pasted URL. The flow
   * checks the state again either way.
   */
  receiveCallback(expectedState: string): Promise<URL>;
  /** Milliseconds since the epoch; for durations and the deadline. */
  now(): number;
  /** Told of each exchange as it completes (already redacted), for live progress. */
  onEntry?(entry: TimelineEntry): void;
  /**
   * The caller's last word before the browser opens (e.g. a user Okta will not let in): started
   * once discovery answered, beside the authorize request's preparation and pre-flight, so it
   * costs no round trip of its own; a failure stops the preview with it.
   */
  beforeBrowser?(): Promise<PreviewFailure | undefined>;
}

/** What a preview found. Safe to show, serialize and send over IPC: it holds no secret. */
export interface PreviewResult {
  ok: boolean;
  timeline: TimelineEntry[];
  idToken?: { header: Record<string, unknown>; claims: Record<string, unknown> };
  accessToken?: AccessTokenView;
  userinfo?: Record<string, unknown>;
  failure?: PreviewFailure;
  /**
   * Present after a successful token exchange. Non-enumerable, so JSON, structured clone (IPC)
   * and spreading leave it — and the tokens it holds — behind.
   */
  session?: PreviewSession;
}

/**
 * Runs one login preview: discovery, an authorization-code + PKCE (S256) sign-in in the browser,
 * the token exchange with the app's own client authentication, the ID token's verification,
 * userinfo, and a timeline of every exchange with its secrets redacted.
 *
 * @remarks
 * `@okta/okta-auth-js` builds the PKCE values and the authorize URL, redeems the code for
 * `client_secret_post` and `none`, verifies the ID token (RS256 signature against the JWKS with
 * one re-download on an unknown `kid`, `iss`, `aud`, `nonce`, lifetime, `at_hash`) and reads
 * userinfo — all through an `httpRequestClient` that records each exchange. What auth-js does not
 * do is done here, before it (security.md §3–§4): S256 must be advertised, the authorize URL is
 * tried without a browser so Okta's HTML error pages are caught, the callback's `state` (and
 * RFC 9207 `iss`) must match before any token request, `client_secret_basic` is sent as HTTP
 * Basic (auth-js only sends the secret in the body), and the ID token must exist, be RS256,
 * carry `sub`, `iat` and `exp`, have only trusted audiences and the right `azp`, with a Bearer
 * `token_type`. A token without `kid` is checked against the JWKS's single signing key.
 *
 * The result never holds a secret: the timeline is redacted, tokens appear only decoded, and the
 * tokens needed for revoke and sign-out stay in the non-enumerable {@link PreviewResult.session}.
 */
export async function runPreview(
  deps: PreviewDeps,
  options: PreviewOptions,
): Promise<PreviewResult> {
  const http = createRecordedHttp({
    fetch: deps.fetch,
    now: () => deps.now(),
    onEntry: (entry) => deps.onEntry?.(entry),
    deadline: deps.now() + options.timeoutMs,
  });
  const result: PreviewResult = { ok: false, timeline: http.timeline };
  let activity = 'reading the discovery document';
  try {
    await signIn(deps, options, http, result, (what) => {
      activity = what;
    });
    result.ok = true;
  } catch (error) {
    if (error instanceof Stop) {
      result.failure = error.failure;
    } else if (error instanceof OutOfTime) {
      result.failure = {
        stage: 'timeout',
        detail: `No answer within ${String(Math.round(options.timeoutMs / 1000))} s while ${activity}.`,
      };
    } else {
      throw error;
    }
  }
  return result;
}

/** The preview's steps, in order; each check throws a {@link Stop} at the first thing wrong. */
async function signIn(
  deps: PreviewDeps,
  options: PreviewOptions,
  http: RecordedHttp,
  result: PreviewResult,
  doing: (activity: string) => void,
): Promise<void> {
  // 1. Discovery, before anything is sent to the authorization endpoint; the redirect URI is
  // made ready meanwhile.
  const discovering = readDiscovery(http, options.issuer);
  discovering.catch(() => undefined);
  const settings = {
    ...options,
    redirectUri: await Promise.resolve(options.redirectUri).catch((error: unknown) => {
      http.abandon();
      throw error;
    }),
  };
  const discovered = await discovering;
  const { discovery } = discovered;
  // The caller's own check (the user's status) asks the management API, not the authorization
  // server. Started now, its answer is on its way while auth-js prepares the authorize URL, and
  // the org has dealt with it before the pre-flight arrives rather than beside it.
  const callersCheck = deps.beforeBrowser?.();
  callersCheck?.catch(() => undefined);

  // 2. PKCE, state and nonce from auth-js; its requests go through the recorder.
  const session = await openSignIn(http, settings, discovered);

  // 3. Pre-flight: Okta's own error pages show before any browser opens. Then the caller's own
  // check, which costs no round trip of its own.
  doing('checking the authorize request');
  const preflight = await http.exchange('authorize', session.authorizeUrl, { manual: true });
  checkPreflight(preflight, session.authorizeUrl, settings.redirectUri);
  const refused = await callersCheck;
  if (refused !== undefined) {
    throw new Stop(refused);
  }

  // 4. The browser, and exactly one callback; the signing keys are downloaded meanwhile.
  doing('waiting for the sign-in in the browser');
  if (options.scopes.includes('openid')) {
    session.prefetchKeys();
  }
  const callback = await waitForCallback(http, deps, session);
  const code = checkCallback(callback, session.state, discovery);

  // 5. The token request, with the app's own client authentication.
  doing('redeeming the authorization code');
  const raw = await session.redeem(code);

  // 6. The ID token.
  doing('verifying the ID token');
  const accessToken = checkAccessToken(raw);
  const tokenUrls = {
    authorizeUrl: discovery.authorization_endpoint,
    scopes: options.scopes,
    expiresAt: Math.floor(deps.now() / 1000) + Number(raw.expires_in ?? 0),
  };
  const accessTokenObject: AccessToken = {
    ...tokenUrls,
    accessToken,
    tokenType: 'Bearer',
    userinfoUrl: discovery.userinfo_endpoint ?? '',
  };
  let idTokenObject: IDToken | undefined;
  if (options.scopes.includes('openid')) {
    const idToken = checkIdTokenPresent(raw);
    const { header, claims } = await verifyIdToken({
      auth: session.auth,
      discovery,
      clientId: options.clientId,
      scopes: options.scopes,
      ...(options.trustedAudiences === undefined
        ? {}
        : { trustedAudiences: options.trustedAudiences }),
      idToken,
      accessToken,
      nonce: session.nonce,
      lastKeysAnswer: () => session.lastKeysAnswer(),
      keysWereEarly: () => session.keysWereEarly(),
      downloadKeys: () => session.downloadKeys(),
    });
    result.idToken = { header, claims };
    idTokenObject = {
      ...tokenUrls,
      idToken,
      claims: claims as IDToken['claims'],
      issuer: discovery.issuer,
      clientId: options.clientId,
    };
  }
  result.accessToken = accessTokenView(options.issuer, accessToken);
  Object.defineProperty(result, 'session', {
    value: createPreviewSession({
      http,
      deps,
      settings,
      discovery,
      tokens: { accessToken: accessTokenObject, idToken: idTokenObject },
    }),
    enumerable: false,
  });

  // 7. userinfo, with the access token as a Bearer header (auth-js compares its sub).
  if (idTokenObject !== undefined && discovery.userinfo_endpoint !== undefined) {
    doing('reading userinfo');
    result.userinfo = await session.readUserinfo(accessTokenObject, idTokenObject);
  }

  // 8. The claims the target app needs.
  if (options.expectGroupsClaim !== undefined && result.idToken !== undefined) {
    checkExpectedClaim(result.idToken.claims, options.expectGroupsClaim);
  }
}
