import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import {
  type AccessToken,
  AuthSdkError,
  buildAuthorizeParams,
  type HttpRequestClient,
  type IDToken,
  OktaAuth,
  type TokenParams,
} from '@okta/okta-auth-js';
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';

import {
  redactAuthorization,
  redactForm,
  redactJson,
  redactUrl,
  visibleText,
} from './preview-redaction.ts';
import type { PreviewFailure, TimelineEntry } from './preview-types.ts';

/** How the app authenticates at the token endpoint, as configured in Okta. */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** What one preview signs in to, and how. */
export interface PreviewOptions {
  /** The issuer the app's tokens come from: the org URL, or `${orgUrl}/oauth2/<serverId>`. */
  issuer: string;
  clientId: string;
  /** Main process only; never logged, never in the timeline or the result. */
  clientSecret?: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  redirectUri: string;
  scopes: string[];
  /** A claim the target app needs in the ID token (e.g. `groups`). */
  expectGroupsClaim?: string;
  /** The whole preview's budget, the admin's sign-in included. */
  timeoutMs: number;
  /** Allowed clock difference for `exp` and `iat`, in seconds (default 60, security.md §3). */
  clockSkewSeconds?: number;
  /** Audiences besides the client id the ID token may carry (default none). */
  trustedAudiences?: string[];
}

/** What the preview needs from the outside world; tests pass the real things, headless. */
export interface PreviewDeps {
  /** Every HTTP request goes through this, so the timeline sees each exchange. */
  fetch: typeof fetch;
  /** Opens the authorize URL where the admin signs in: the system browser in the product. */
  openBrowser(url: string): Promise<void>;
  /** The one redirect back from Okta: the loopback listener's, or a pasted URL. */
  receiveCallback(): Promise<URL>;
  /** Milliseconds since the epoch; for durations and the deadline. */
  now(): number;
  /** Told of each exchange as it completes (already redacted), for live progress. */
  onEntry?(entry: TimelineEntry): void;
}

/** The access token as the preview can show it. */
export type AccessTokenView =
  { kind: 'jwt'; claims: Record<string, unknown> } | { kind: 'opaque'; reason: string };

/** Follow-ups on a finished preview; the tokens live only in this closure. */
export interface PreviewSession {
  /** Revokes the access token at the revocation endpoint, with the app's client authentication. */
  revoke(): Promise<TimelineEntry>;
  /** Opens Okta's sign-out (end-session) URL in the browser, with the ID token as hint. */
  signOut(options?: { postLogoutRedirectUri?: string }): Promise<TimelineEntry>;
  /** Forgets the tokens (RFC 9700 §4.3: clear them when the transaction ends). */
  end(): void;
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

/** The discovery document members the flow uses. */
interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint?: string;
  revocation_endpoint?: string;
  end_session_endpoint?: string;
  code_challenge_methods_supported?: string[];
  authorization_response_iss_parameter_supported?: boolean;
}

/** The reason an org authorization server's access token is shown opaque. */
export const ORG_ACCESS_TOKEN_REASON =
  "The org authorization server's access tokens are for Okta's own APIs: only Okta can read or validate them, so the preview does not decode them.";

/** Ends the run with a failure; caught at the top of {@link runPreview}. */
class Stop extends Error {
  readonly failure: PreviewFailure;

  constructor(failure: PreviewFailure) {
    super(failure.stage);
    this.failure = failure;
  }
}

/** The deadline passed; caught at the top of {@link runPreview}. */
class OutOfTime extends Error {}

/** A raw HTTP answer as the flow keeps it. */
interface Answer {
  /** The exchange's timeline entry (already redacted). */
  entry: TimelineEntry;
  status: number;
  headers: Headers;
  text: string;
}

type Step = TimelineEntry['step'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON value for a message, or `missing`. */
function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Constant-time string comparison for `state`: it is a secret until the run ends. */
function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** RFC 6749 §2.3.1: each part is form-url-encoded before `id:secret` is Base64-encoded. */
export function basicCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** OIDC Core 3.1.3.6: base64url of the left half of SHA-256 of the access token. */
function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Whether the issuer is an org authorization server (no `/oauth2/` in it). */
function isOrgIssuer(issuer: string): boolean {
  return !new URL(issuer).pathname.includes('/oauth2/');
}

/** A JWKS key auth-js and the flow may use to check an RS256 signature. */
function isSigningKey(key: unknown): key is JWK {
  return (
    isRecord(key) &&
    key.kty === 'RSA' &&
    (key.use === undefined || key.use === 'sig') &&
    (key.alg === undefined || key.alg === 'RS256')
  );
}

/** auth-js's ID-token complaints (`verifyToken.ts`, `validateClaims.ts`), as failure reasons. */
const AUTH_JS_REASONS: [RegExp, Extract<PreviewFailure, { stage: 'id-token' }>['reason']][] = [
  [/nonce/i, 'nonce'],
  [/^The issuer/i, 'iss'],
  [/^The audience/i, 'aud'],
  [/expired before it was issued/i, 'iat'],
  [/expired/i, 'exp'],
  [/issued in the future/i, 'iat'],
  [/key id/i, 'kid'],
  [/signature/i, 'signature'],
  [/hash/i, 'at_hash'],
];

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
  const timeline: TimelineEntry[] = [];
  const deadline = deps.now() + options.timeoutMs;
  const result: PreviewResult = { ok: false, timeline };
  let activity = 'reading the discovery document';
  try {
    await signIn(deps, options, timeline, deadline, result, (what) => {
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

async function signIn(
  deps: PreviewDeps,
  options: PreviewOptions,
  timeline: TimelineEntry[],
  deadline: number,
  result: PreviewResult,
  doing: (activity: string) => void,
): Promise<void> {
  const remaining = () => deadline - deps.now();

  /** One recorded HTTP exchange; secrets never reach the timeline. */
  async function exchange(
    step: Step,
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; manual?: boolean },
  ): Promise<Answer> {
    const method = init.method ?? 'GET';
    const started = deps.now();
    const entry: TimelineEntry = { step, method, url: redactUrl(url), status: null, durationMs: 0 };
    const authorization = Object.entries(init.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'authorization',
    )?.[1];
    if (init.body !== undefined || authorization !== undefined) {
      entry.requestBody = {
        ...(authorization === undefined
          ? {}
          : { authorization: redactAuthorization(authorization) }),
        ...(init.body === undefined ? {} : { form: redactForm(init.body) }),
      };
    }
    timeline.push(entry);
    if (remaining() <= 0) {
      throw new OutOfTime();
    }
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method,
        headers: init.headers,
        body: init.body,
        redirect: init.manual === true ? 'manual' : 'follow',
        signal: AbortSignal.timeout(Math.max(1, remaining())),
      });
    } catch (error) {
      entry.durationMs = deps.now() - started;
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new OutOfTime();
      }
      throw error;
    }
    const text = await response.text();
    entry.status = response.status;
    entry.durationMs = deps.now() - started;
    const json = parseJson(text);
    if (json !== undefined) {
      entry.responseBody = redactJson(json);
    } else if (text !== '') {
      entry.responseBody = visibleText(text).slice(0, 2000);
    }
    deps.onEntry?.(entry);
    return { entry, status: response.status, headers: response.headers, text };
  }

  // 1. Discovery, before anything is sent to the authorization endpoint.
  const issuerBase = options.issuer.replace(/\/+$/, '');
  const discoveryUrl = `${issuerBase}/.well-known/openid-configuration`;
  let discoveryAnswer: Answer;
  try {
    discoveryAnswer = await exchange('discovery', discoveryUrl, {
      headers: { accept: 'application/json' },
    });
  } catch (error) {
    if (error instanceof OutOfTime) {
      throw error;
    }
    throw new Stop({
      stage: 'discovery',
      url: discoveryUrl,
      status: null,
      detail: `The discovery document could not be read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const discovery = checkDiscovery(discoveryUrl, discoveryAnswer, options.issuer);

  // 2. PKCE, state and nonce from auth-js; its requests go through the recorder.
  const endpointSteps = new Map<string, Step>([
    [discoveryUrl, 'discovery'],
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
  const httpRequestClient: HttpRequestClient = async (method, url, init) => {
    if (url === discoveryUrl) {
      // Already read (and checked) above: served again, not fetched again.
      return { status: 200, responseText: discoveryAnswer.text, headers: {} };
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
    const answer = await exchange(step, url, { method, headers, body });
    let responseText = answer.text;
    if (step === 'token') {
      lastTokenAnswer = answer;
    }
    if (step === 'keys') {
      lastKeysAnswer = answer;
      const jwks = parseJson(answer.text);
      if (answer.status === 200 && isRecord(jwks) && Array.isArray(jwks.keys)) {
        // Only RS256 signing keys may check a signature (security.md §3: `use: enc` keys never).
        responseText = JSON.stringify({ ...jwks, keys: jwks.keys.filter(isSigningKey) });
      }
    }
    return {
      status: answer.status,
      responseText,
      headers: Object.fromEntries(answer.headers),
    };
  };
  const memory = () => {
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
  };
  const auth = new OktaAuth({
    issuer: options.issuer,
    clientId: options.clientId,
    redirectUri: options.redirectUri,
    scopes: options.scopes,
    pkce: true,
    // Only for client_secret_post: auth-js puts a secret it knows into the token request's body.
    ...(options.tokenEndpointAuthMethod === 'client_secret_post' &&
    options.clientSecret !== undefined
      ? { clientSecret: options.clientSecret }
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
    maxClockSkew: options.clockSkewSeconds ?? 60,
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
  const tokenParams: TokenParams = await auth.token.prepareTokenParams({
    codeChallengeMethod: 'S256',
  });
  const state = tokenParams.state ?? '';
  const authorizeUrl = `${discovery.authorization_endpoint}${buildAuthorizeParams(tokenParams)}`;

  // 3. Pre-flight: Okta's own error pages show before any browser opens.
  doing('checking the authorize request');
  const preflight = await exchange('authorize', authorizeUrl, { manual: true });
  if (preflight.status >= 400) {
    throw new Stop({
      stage: 'authorize-page',
      status: preflight.status,
      pageText: visibleText(preflight.text),
    });
  }
  const location = preflight.headers.get('location');
  if (preflight.status >= 300 && location !== null) {
    const target = new URL(location, authorizeUrl);
    if (isRedirectUri(target, options.redirectUri) && target.searchParams.has('error')) {
      const error = target.searchParams.get('error') ?? '';
      throw new Stop({
        stage: 'authorize-redirect',
        error,
        errorDescription: target.searchParams.get('error_description'),
      });
    }
  }

  // 4. The browser, and exactly one callback.
  doing('waiting for the sign-in in the browser');
  const pending = deps.receiveCallback();
  pending.catch(() => undefined);
  const browserStarted = deps.now();
  await deps.openBrowser(authorizeUrl);
  const callback = await beforeDeadline(pending, remaining());
  const callbackEntry: TimelineEntry = {
    step: 'callback',
    method: 'GET',
    url: redactUrl(callback),
    status: null,
    durationMs: deps.now() - browserStarted,
  };
  timeline.push(callbackEntry);
  deps.onEntry?.(callbackEntry);
  const code = checkCallback(callback, state, discovery);

  // 5. The token request, with the app's own client authentication.
  doing('redeeming the authorization code');
  let raw: Record<string, unknown>;
  if (options.tokenEndpointAuthMethod === 'client_secret_basic') {
    const answer = await exchange('token', discovery.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: basicCredentials(options.clientId, options.clientSecret ?? ''),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: options.redirectUri,
        code_verifier: tokenParams.codeVerifier ?? '',
      }).toString(),
    });
    raw = tokenBody(answer);
  } else {
    try {
      // Its own checks of the ID token are skipped here and run in full below, in order.
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
      // token after a 200 — the checks below decide that, in their order, with their reasons.
    }
    if (lastTokenAnswer === undefined) {
      throw new Error('auth-js made no token request.');
    }
    raw = tokenBody(lastTokenAnswer);
  }

  // 6. The ID token.
  doing('verifying the ID token');
  const accessToken = typeof raw.access_token === 'string' ? raw.access_token : '';
  if (typeof raw.token_type !== 'string' || raw.token_type.toLowerCase() !== 'bearer') {
    throw new Stop({
      stage: 'id-token',
      reason: 'token-type',
      detail: `The token response's token_type is ${shown(raw.token_type)}, not Bearer.`,
    });
  }
  if (accessToken === '') {
    throw new Stop({
      stage: 'token',
      status: 200,
      error: null,
      errorDescription: 'The token response has no access_token.',
      errorSummary: null,
    });
  }
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
    if (typeof raw.id_token !== 'string' || raw.id_token === '') {
      throw new Stop({
        stage: 'id-token',
        reason: 'missing',
        detail: 'The token response has no id_token although the openid scope was requested.',
      });
    }
    const { header, claims } = await verifyIdToken({
      auth,
      exchange,
      discovery,
      options,
      idToken: raw.id_token,
      accessToken,
      nonce: tokenParams.nonce ?? '',
      lastKeysAnswer: () => lastKeysAnswer,
    });
    result.idToken = { header, claims };
    idTokenObject = {
      ...tokenUrls,
      idToken: raw.id_token,
      claims: claims as IDToken['claims'],
      issuer: discovery.issuer,
      clientId: options.clientId,
    };
  }
  result.accessToken = accessTokenView(options.issuer, accessToken);
  Object.defineProperty(result, 'session', {
    value: createSession({
      deps,
      options,
      discovery,
      exchange,
      timeline,
      tokens: { accessToken: accessTokenObject, idToken: idTokenObject },
    }),
    enumerable: false,
  });

  // 7. userinfo, with the access token as a Bearer header (auth-js compares its sub).
  if (idTokenObject !== undefined && discovery.userinfo_endpoint !== undefined) {
    doing('reading userinfo');
    try {
      const accepted = await auth.token.getUserInfo(accessTokenObject, idTokenObject);
      // auth-js adds the HTTP headers to the object it returns; show the claims as sent.
      result.userinfo = Object.fromEntries(
        Object.entries(accepted).filter(([name]) => name !== 'headers'),
      );
    } catch (error) {
      if (error instanceof OutOfTime) {
        throw error;
      }
      const last = timeline.findLast((entry) => entry.step === 'userinfo');
      throw new Stop(
        error instanceof AuthSdkError && /mismatch/i.test(error.message)
          ? {
              stage: 'userinfo',
              reason: 'sub-mismatch',
              detail: `userinfo describes a different user (sub) than the ID token (sub ${idTokenObject.claims.sub}).`,
            }
          : {
              stage: 'userinfo',
              reason: 'http',
              detail: `userinfo answered HTTP ${String(last?.status ?? 'nothing')}: ${error instanceof Error ? error.message : String(error)}`,
            },
      );
    }
  }

  // 8. The claims the target app needs.
  if (options.expectGroupsClaim !== undefined && result.idToken !== undefined) {
    if (!(options.expectGroupsClaim in result.idToken.claims)) {
      throw new Stop({
        stage: 'claims',
        reason: 'groups-missing',
        detail: `The ID token has no ${options.expectGroupsClaim} claim.`,
      });
    }
  }
}

/** The discovery document, or a `discovery` failure saying what is wrong with it. */
function checkDiscovery(url: string, answer: Answer, configuredIssuer: string): Discovery {
  const fail = (detail: string): never => {
    throw new Stop({ stage: 'discovery', url, status: answer.status, detail });
  };
  if (answer.status !== 200) {
    fail(`The discovery document answered HTTP ${String(answer.status)}.`);
  }
  const body = parseJson(answer.text);
  if (!isRecord(body)) {
    return fail('The discovery document is not JSON.');
  }
  for (const member of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri']) {
    if (typeof body[member] !== 'string') {
      fail(`The discovery document has no ${member}.`);
    }
  }
  const discovery = body as unknown as Discovery;
  if (discovery.issuer !== configuredIssuer) {
    fail(
      `The discovery document names the issuer ${discovery.issuer}, but the preview was asked for ${configuredIssuer}; OpenID Connect Discovery §4.3 requires them to be identical.`,
    );
  }
  const methods = discovery.code_challenge_methods_supported;
  if (!Array.isArray(methods) || !methods.includes('S256')) {
    fail(
      `The authorization server does not advertise the S256 PKCE method (code_challenge_methods_supported: ${JSON.stringify(methods ?? null)}); the preview never falls back to plain.`,
    );
  }
  return discovery;
}

function isRedirectUri(url: URL, redirectUri: string): boolean {
  const expected = new URL(redirectUri);
  return url.origin === expected.origin && url.pathname === expected.pathname;
}

/** The callback's code, once its `state`, `iss` and `error` are checked — in that order. */
function checkCallback(callback: URL, state: string, discovery: Discovery): string {
  const params = callback.searchParams;
  const returned = params.get('state');
  if (returned === null || returned === '') {
    throw new Stop({
      stage: 'callback',
      reason: 'state-missing',
      detail: 'The redirect back carries no state, so it cannot be tied to this sign-in.',
    });
  }
  if (!sameSecret(returned, state)) {
    throw new Stop({
      stage: 'callback',
      reason: 'state-mismatch',
      detail:
        'The redirect back carries a state this sign-in did not send (an old or forged redirect); no token was requested.',
    });
  }
  const iss = params.get('iss');
  if (iss !== null && iss !== discovery.issuer) {
    throw new Stop({
      stage: 'callback',
      reason: 'iss-mismatch',
      detail: `The redirect back names the issuer ${iss}, not ${discovery.issuer} (RFC 9207).`,
    });
  }
  if (iss === null && discovery.authorization_response_iss_parameter_supported === true) {
    throw new Stop({
      stage: 'callback',
      reason: 'iss-mismatch',
      detail: 'The authorization server promises an iss parameter (RFC 9207) but sent none.',
    });
  }
  const error = params.get('error');
  if (error !== null) {
    throw new Stop({
      stage: 'authorize-redirect',
      error,
      errorDescription: params.get('error_description'),
    });
  }
  const code = params.get('code');
  if (code === null || code === '') {
    throw new Stop({
      stage: 'callback',
      reason: 'no-code',
      detail: 'The redirect back carries neither a code nor an error.',
    });
  }
  return code;
}

/** A 200 token response's members, or a `token` failure with Okta's words. */
function tokenBody(answer: Answer): Record<string, unknown> {
  const body = parseJson(answer.text);
  if (answer.status === 200 && isRecord(body)) {
    return body;
  }
  const fields = isRecord(body) ? body : {};
  throw new Stop({
    stage: 'token',
    status: answer.status,
    error: stringOrNull(fields.error),
    errorDescription: stringOrNull(fields.error_description),
    errorSummary: stringOrNull(fields.errorSummary),
  });
}

function accessTokenView(issuer: string, accessToken: string): AccessTokenView {
  if (isOrgIssuer(issuer)) {
    return { kind: 'opaque', reason: ORG_ACCESS_TOKEN_REASON };
  }
  try {
    return { kind: 'jwt', claims: decodeJwt(accessToken) };
  } catch {
    return {
      kind: 'opaque',
      reason: 'The access token is not a JWT; only its authorization server can read it.',
    };
  }
}

/**
 * The ID token's header and claims once every check passed; an `id-token` failure naming the
 * first one that did not.
 */
async function verifyIdToken(input: {
  auth: OktaAuth;
  exchange: (step: Step, url: string, init: object) => Promise<Answer>;
  discovery: Discovery;
  options: PreviewOptions;
  idToken: string;
  accessToken: string;
  nonce: string;
  lastKeysAnswer: () => Answer | undefined;
}): Promise<{ header: Record<string, unknown>; claims: Record<string, unknown> }> {
  const { options, discovery } = input;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(input.idToken);
    claims = decodeJwt(input.idToken);
  } catch {
    throw new Stop({
      stage: 'id-token',
      reason: 'signature',
      detail: 'The id_token is not a signed JWT.',
    });
  }
  const fail = (
    reason: Extract<PreviewFailure, { stage: 'id-token' }>['reason'],
    detail: string,
  ): never => {
    throw new Stop({ stage: 'id-token', reason, detail, claims });
  };
  if (header.alg !== 'RS256') {
    fail(
      'alg',
      `The ID token is signed with ${JSON.stringify(header.alg)}; only RS256 is accepted.`,
    );
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    fail('sub', 'The ID token has no sub (subject) claim.');
  }
  if (typeof claims.iat !== 'number') {
    fail('iat', 'The ID token has no iat (issued at) claim.');
  }
  if (typeof claims.exp !== 'number') {
    fail('exp', 'The ID token has no exp (expiry) claim.');
  }
  const audiences = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
  if (!audiences.includes(options.clientId)) {
    fail(
      'aud',
      `The ID token's audience is ${shown(claims.aud)}, not the client id ${options.clientId}.`,
    );
  }
  const trusted = new Set([options.clientId, ...(options.trustedAudiences ?? [])]);
  const untrusted = audiences.filter((audience) => !trusted.has(audience as string));
  if (untrusted.length > 0) {
    fail(
      'aud',
      `The ID token is also meant for ${JSON.stringify(untrusted)}, which is not trusted.`,
    );
  }
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== options.clientId) {
    fail(
      'azp',
      `The ID token has several audiences but its azp is ${shown(claims.azp)}, not ${options.clientId}.`,
    );
  }
  const idTokenObject: IDToken = {
    idToken: input.idToken,
    claims: claims as IDToken['claims'],
    issuer: discovery.issuer,
    clientId: options.clientId,
    authorizeUrl: discovery.authorization_endpoint,
    scopes: options.scopes,
    expiresAt: Number(claims.exp),
  };
  const validation = {
    clientId: options.clientId,
    issuer: discovery.issuer,
    nonce: input.nonce,
    accessToken: input.accessToken,
  };
  try {
    if (typeof header.kid === 'string') {
      await input.auth.token.verify(idTokenObject, validation);
    } else {
      // No kid: auth-js can only look keys up by kid. Its claim checks still run; the signature
      // is checked here against the JWKS's one signing key (RP certification: accept).
      await input.auth.token.verify(idTokenObject, { ...validation, ignoreSignature: true });
      await verifyWithSingleKey(input, fail);
      if (typeof claims.at_hash === 'string' && claims.at_hash !== atHash(input.accessToken)) {
        fail('at_hash', 'The ID token at_hash does not match the access token.');
      }
    }
  } catch (error) {
    if (error instanceof Stop || error instanceof OutOfTime) {
      throw error;
    }
    const keys = input.lastKeysAnswer();
    if (!(error instanceof AuthSdkError) && keys !== undefined && keys.status !== 200) {
      fail(
        'signature',
        `The signing keys could not be read (${discovery.jwks_uri} answered HTTP ${String(keys.status)}), so the ID token cannot be verified.`,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    const reason = AUTH_JS_REASONS.find(([pattern]) => pattern.test(message))?.[1] ?? 'signature';
    fail(reason, message);
  }
  return { header, claims };
}

async function verifyWithSingleKey(
  input: {
    exchange: (step: Step, url: string, init: object) => Promise<Answer>;
    discovery: Discovery;
    idToken: string;
  },
  fail: (reason: 'kid' | 'signature', detail: string) => never,
): Promise<void> {
  const answer = await input.exchange('keys', input.discovery.jwks_uri, {
    headers: { accept: 'application/json' },
  });
  const jwks = parseJson(answer.text);
  if (answer.status !== 200 || !isRecord(jwks) || !Array.isArray(jwks.keys)) {
    fail(
      'signature',
      `The signing keys could not be read (${input.discovery.jwks_uri} answered HTTP ${String(answer.status)}), so the ID token cannot be verified.`,
    );
    return;
  }
  const keys = jwks.keys.filter(isSigningKey);
  const [key] = keys;
  if (key === undefined || keys.length !== 1) {
    fail(
      'kid',
      `The ID token names no key (kid) and the JWKS has ${String(keys.length)} RS256 signing keys, so the key cannot be chosen.`,
    );
  }
  try {
    await compactVerify(input.idToken, await importJWK(key, 'RS256'), {
      algorithms: ['RS256'],
    });
  } catch {
    fail('signature', 'The token signature is not valid');
  }
}

function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(new OutOfTime());
      },
      Math.max(0, ms),
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function createSession(input: {
  deps: PreviewDeps;
  options: PreviewOptions;
  discovery: Discovery;
  exchange: (
    step: Step,
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string },
  ) => Promise<Answer>;
  timeline: TimelineEntry[];
  tokens: { accessToken: AccessToken | undefined; idToken: IDToken | undefined };
}): PreviewSession {
  const { options, discovery, tokens } = input;
  return {
    async revoke() {
      const accessToken = tokens.accessToken?.accessToken;
      if (accessToken === undefined) {
        throw new Error('The preview has ended; there is no token left to revoke.');
      }
      if (discovery.revocation_endpoint === undefined) {
        throw new Error('The authorization server has no revocation endpoint.');
      }
      const form = new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' });
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      };
      // The same client authentication as the token request: Okta checks it at /revoke too.
      if (options.tokenEndpointAuthMethod === 'client_secret_basic') {
        headers.authorization = basicCredentials(options.clientId, options.clientSecret ?? '');
      } else {
        form.set('client_id', options.clientId);
        if (options.tokenEndpointAuthMethod === 'client_secret_post') {
          form.set('client_secret', options.clientSecret ?? '');
        }
      }
      const answer = await input.exchange('revoke', discovery.revocation_endpoint, {
        method: 'POST',
        headers,
        body: form.toString(),
      });
      return answer.entry;
    },
    async signOut(signOutOptions = {}) {
      if (tokens.idToken === undefined) {
        throw new Error('The preview has no ID token to sign out with.');
      }
      if (discovery.end_session_endpoint === undefined) {
        throw new Error('The authorization server has no end-session (logout) endpoint.');
      }
      // auth-js builds this URL only inside its browser-only signOut(); the parameters are
      // OIDC RP-Initiated Logout's, which Okta's /v1/logout takes.
      const logout = new URL(discovery.end_session_endpoint);
      logout.searchParams.set('id_token_hint', tokens.idToken.idToken);
      if (signOutOptions.postLogoutRedirectUri !== undefined) {
        logout.searchParams.set('post_logout_redirect_uri', signOutOptions.postLogoutRedirectUri);
      }
      logout.searchParams.set('state', randomBytes(16).toString('base64url'));
      const url = logout.toString();
      const entry: TimelineEntry = {
        step: 'logout',
        method: 'GET',
        url: redactUrl(url),
        status: null,
        durationMs: 0,
      };
      input.timeline.push(entry);
      const started = input.deps.now();
      await input.deps.openBrowser(url);
      entry.durationMs = input.deps.now() - started;
      return entry;
    },
    end() {
      tokens.accessToken = undefined;
      tokens.idToken = undefined;
    },
  };
}
