import {
  type AccessToken,
  AuthSdkError,
  buildAuthorizeParams,
  type HttpRequestClient,
  type IDToken,
  OktaAuth,
} from '@okta/okta-auth-js';

import { type Discovery, tokenBody } from './flow-checks.ts';
import { OutOfTime, Stop } from './flow-stop.ts';
import { isSigningKey } from './id-token-verification.ts';
import { redactUrl } from './preview-redaction.ts';
import {
  type Answer,
  type ExchangeInit,
  isRecord,
  parseJson,
  type RecordedHttp,
  type Step,
} from './recorded-http.ts';

/** How the app authenticates at the token endpoint, as configured in Okta. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** The app's side of one sign-in: who it is, how it authenticates, where Okta sends it back. */
export interface SignInSettings {
  /** The issuer the app's tokens come from: the org URL, or `${orgUrl}/oauth2/<serverId>`. */
  issuer: string;
  clientId: string;
  /** Main process only; never logged, never in the timeline or the result. */
  clientSecret?: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  redirectUri: string;
  scopes: string[];
  /** Allowed clock difference for `exp` and `iat`, in seconds (default 60, security.md §3). */
  clockSkewSeconds?: number;
  /**
   * Who is expected to sign in, sent as `login_hint` (OIDC Core §3.1.2.1) so Okta's sign-in page
   * (and the sandbox's) opens with the username filled in. A hint only: whoever signs in is
   * still checked by the flow, and the password is never part of it.
   */
  loginHint?: string;
}

/** RFC 6749 §2.3.1: each part is form-url-encoded before `id:secret` is Base64-encoded. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/**
 * One sign-in in progress: auth-js with this run's PKCE values, `state` and `nonce`, and the
 * answers the checks need to read after auth-js has judged them.
 */
export interface SignInSession {
  auth: OktaAuth;
  authorizeUrl: string;
  state: string;
  nonce: string;
  /** The last answer of the JWKS endpoint (auth-js downloads the keys itself). */
  lastKeysAnswer(): Answer | undefined;
  /**
   * Starts downloading the JWKS now, while the admin signs in, for the ID token's verification
   * to use; see {@link openSignIn}.
   */
  prefetchKeys(): void;
  /** Whether the keys auth-js last received are the early download, read before the token. */
  keysWereEarly(): boolean;
  /** The JWKS as it is now, downloaded after the token (for a token without `kid`). */
  downloadKeys(): Promise<Answer>;
  /** Redeems the code with the app's own client authentication; the token response's members. */
  redeem(code: string): Promise<Record<string, unknown>>;
  /** userinfo's claims, refused when they describe someone else than the ID token. */
  readUserinfo(accessToken: AccessToken, idToken: IDToken): Promise<Record<string, unknown>>;
}

/** A storage auth-js keeps for this run only. */
function memory() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => {
      items.set(key, value);
    },
    removeItem: (key: string) => {
      items.delete(key);
    },
  };
}

/**
 * Sets auth-js up for one sign-in, its every request going through the recorder, and prepares
 * the PKCE (S256) values and the authorize URL.
 *
 * @remarks
 * The discovery document was already read and checked, so it is served to auth-js again rather
 * than fetched again. The JWKS is handed over with its RS256 signing keys only (security.md §3:
 * `use: enc` keys never check a signature).
 *
 * The JWKS is downloaded while the admin signs in ({@link SignInSession.prefetchKeys}), as a
 * relying party that caches its OP's keys holds them before a token arrives, so the verification
 * waits for no round trip of its own (issue 16, P5). The early download is handed to auth-js once,
 * and only if it answered 200; otherwise auth-js asks for the keys when the token is verified, so
 * a JWKS that failed for a moment fails nothing.
 */
export async function openSignIn(
  http: RecordedHttp,
  settings: SignInSettings,
  discovered: { url: string; answer: Answer; discovery: Discovery },
): Promise<SignInSession> {
  const { discovery } = discovered;
  const endpointSteps = new Map<string, Step>([
    [discovered.url, 'discovery'],
    [discovery.token_endpoint, 'token'],
    [discovery.jwks_uri, 'keys'],
    ...(discovery.userinfo_endpoint === undefined
      ? []
      : [[discovery.userinfo_endpoint, 'userinfo'] as const]),
    ...(discovery.revocation_endpoint === undefined
      ? []
      : [[discovery.revocation_endpoint, 'revoke'] as const]),
  ]);
  let lastTokenAnswer: Answer | undefined;
  let lastKeysAnswer: Answer | undefined;
  let earlyKeys: Promise<Answer | undefined> | undefined;
  let keysWereEarly = false;
  const keysRequest = { headers: { accept: 'application/json' } };

  function prefetchKeys(): void {
    if (earlyKeys !== undefined) {
      return;
    }
    // A network error here is not the run's: the keys are asked for again at verification.
    earlyKeys = http.exchange('keys', discovery.jwks_uri, keysRequest).then(
      (answer) => answer,
      (error: unknown) => {
        if (error instanceof OutOfTime) {
          throw error;
        }
        return undefined;
      },
    );
    earlyKeys.catch(() => undefined);
  }

  /** The JWKS as it is now, kept as the last keys answer. */
  async function downloadKeys(init: ExchangeInit = keysRequest): Promise<Answer> {
    lastKeysAnswer = await http.exchange('keys', discovery.jwks_uri, init);
    return lastKeysAnswer;
  }

  /** The early download once, if it answered 200; a new download otherwise. */
  async function readKeys(init: ExchangeInit): Promise<Answer> {
    const early = earlyKeys;
    earlyKeys = Promise.resolve(undefined);
    const prefetched = early === undefined ? undefined : await http.beforeDeadline(early);
    keysWereEarly = prefetched?.status === 200;
    if (prefetched?.status === 200) {
      lastKeysAnswer = prefetched;
      return prefetched;
    }
    return downloadKeys(init);
  }

  const httpRequestClient: HttpRequestClient = async (method, url, init) => {
    if (url === discovered.url) {
      return { status: 200, responseText: discovered.answer.text, headers: {} };
    }
    const headers: Record<string, string> = {};
    // auth-js types these with the DOM's HeadersInit, which main/ does not load; it sends a
    // plain object of strings.
    const given = (init.headers ?? {}) as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(given)) {
      if (typeof value === 'string') {
        headers[name] = value;
      }
    }
    const body =
      init.data === undefined
        ? undefined
        : typeof init.data === 'string'
          ? init.data
          : JSON.stringify(init.data);
    const step = endpointSteps.get(url) ?? 'discovery';
    const answer =
      step === 'keys' && method === 'GET'
        ? await readKeys({ method, headers })
        : await http.exchange(step, url, { method, headers, body });
    let responseText = answer.text;
    if (step === 'token') {
      lastTokenAnswer = answer;
    }
    if (step === 'keys') {
      const jwks = parseJson(answer.text);
      if (answer.status === 200 && isRecord(jwks) && Array.isArray(jwks.keys)) {
        responseText = JSON.stringify({ ...jwks, keys: jwks.keys.filter(isSigningKey) });
      }
    }
    return { status: answer.status, responseText, headers: Object.fromEntries(answer.headers) };
  };
  const auth = new OktaAuth({
    issuer: settings.issuer,
    clientId: settings.clientId,
    redirectUri: settings.redirectUri,
    scopes: settings.scopes,
    pkce: true,
    // Only for client_secret_post: auth-js puts a secret it knows into the token request's body.
    ...(settings.tokenEndpointAuthMethod === 'client_secret_post' &&
    settings.clientSecret !== undefined
      ? { clientSecret: settings.clientSecret }
      : {}),
    authorizeUrl: discovery.authorization_endpoint,
    tokenUrl: discovery.token_endpoint,
    ...(discovery.userinfo_endpoint === undefined
      ? {}
      : { userinfoUrl: discovery.userinfo_endpoint }),
    ...(discovery.revocation_endpoint === undefined
      ? {}
      : { revokeUrl: discovery.revocation_endpoint }),
    ...(discovery.end_session_endpoint === undefined
      ? {}
      : { logoutUrl: discovery.end_session_endpoint }),
    maxClockSkew: settings.clockSkewSeconds ?? 60,
    httpRequestClient,
    // auth-js's Node storage is one process-wide cache; each run gets its own, so keys and
    // discovery from another run or org are never reused.
    storageManager: {
      token: { storageProvider: memory() },
      transaction: { storageProvider: memory() },
      cache: { storageProvider: memory() },
      'shared-transaction': { storageProvider: memory() },
      'original-uri': { storageProvider: memory() },
    },
  });
  const tokenParams = await auth.token.prepareTokenParams({
    codeChallengeMethod: 'S256',
    ...(settings.loginHint === undefined ? {} : { loginHint: settings.loginHint }),
  });

  async function redeem(code: string): Promise<Record<string, unknown>> {
    if (settings.tokenEndpointAuthMethod === 'client_secret_basic') {
      // auth-js only sends the secret in the body, so Basic is done by hand.
      const answer = await http.exchange('token', discovery.token_endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          authorization: basicCredentials(settings.clientId, settings.clientSecret ?? ''),
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: settings.redirectUri,
          code_verifier: tokenParams.codeVerifier ?? '',
        }).toString(),
      });
      return tokenBody(answer);
    }
    try {
      // Its own checks of the ID token are skipped here and run in full afterwards, in order.
      await auth.token.exchangeCodeForTokens({
        ...tokenParams,
        authorizationCode: code,
        ignoreSignature: true,
      });
    } catch (error) {
      if (error instanceof OutOfTime || lastTokenAnswer === undefined) {
        throw error;
      }
      // Either Okta refused the code (`tokenBody` reports its words), or auth-js judged the ID
      // token after a 200 — the flow's checks decide that, in their order, with their reasons.
    }
    if (lastTokenAnswer === undefined) {
      throw new Error('auth-js made no token request.');
    }
    return tokenBody(lastTokenAnswer);
  }

  async function readUserinfo(
    accessToken: AccessToken,
    idToken: IDToken,
  ): Promise<Record<string, unknown>> {
    try {
      const accepted = await auth.token.getUserInfo(accessToken, idToken);
      // auth-js adds the HTTP headers to the object it returns; show the claims as sent.
      return Object.fromEntries(Object.entries(accepted).filter(([name]) => name !== 'headers'));
    } catch (error) {
      if (error instanceof OutOfTime) {
        throw error;
      }
      const last = http.timeline.findLast((entry) => entry.step === 'userinfo');
      throw new Stop(
        error instanceof AuthSdkError && /mismatch/i.test(error.message)
          ? {
              stage: 'userinfo',
              reason: 'sub-mismatch',
              detail: `userinfo describes a different user (sub) than the ID token (sub ${idToken.claims.sub}).`,
            }
          : {
              stage: 'userinfo',
              reason: 'http',
              detail: `userinfo answered HTTP ${String(last?.status ?? 'nothing')}: ${error instanceof Error ? error.message : String(error)}`,
            },
      );
    }
  }

  return {
    auth,
    authorizeUrl: `${discovery.authorization_endpoint}${buildAuthorizeParams(tokenParams)}`,
    state: tokenParams.state ?? '',
    nonce: tokenParams.nonce ?? '',
    lastKeysAnswer: () => lastKeysAnswer,
    prefetchKeys,
    keysWereEarly: () => keysWereEarly,
    downloadKeys: () => downloadKeys(),
    redeem,
    readUserinfo,
  };
}

/**
 * Opens the browser at the authorize URL and waits, within the deadline, for exactly one
 * redirect back; listening starts before the browser opens, so a fast sign-in is not missed,
 * and knows the sign-in's `state` from the start, so nothing else can pass for it.
 */
export async function waitForCallback(
  http: RecordedHttp,
  deps: {
    openBrowser(url: string): Promise<void>;
    receiveCallback(expectedState: string): Promise<URL>;
    now(): number;
  },
  session: Pick<SignInSession, 'authorizeUrl' | 'state'>,
): Promise<URL> {
  const pending = deps.receiveCallback(session.state);
  pending.catch(() => undefined);
  const browserStarted = deps.now();
  await deps.openBrowser(session.authorizeUrl);
  const callback = await http.beforeDeadline(pending);
  http.record({
    step: 'callback',
    method: 'GET',
    url: redactUrl(callback),
    status: null,
    durationMs: deps.now() - browserStarted,
  });
  return callback;
}
