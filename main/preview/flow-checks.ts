import { decodeJwt } from 'jose';

import { withoutTrailingSlashes } from '../../shared/text.ts';
import { sameSecret } from '../platform/same-secret.ts';
import { OutOfTime, shown, Stop } from './flow-stop.ts';
import { visibleText } from './preview-redaction.ts';
import { type Answer, isRecord, parseJson, type RecordedHttp } from './recorded-http.ts';

/**
 * The checks the flow makes of what Okta sends back, one function per answer; each returns what
 * the next step needs or throws a {@link Stop} naming the first thing wrong (security.md §3–§4).
 * Kept together, apart from the HTTP and auth-js plumbing, so the order of the checks reads in
 * one place.
 */

/** The discovery document members the flow uses. */
export interface Discovery {
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

/** The access token as the preview can show it. */
export type AccessTokenView =
  { kind: 'jwt'; claims: Record<string, unknown> } | { kind: 'opaque'; reason: string };

/** The reason an org authorization server's access token is shown opaque. */
export const ORG_ACCESS_TOKEN_REASON =
  "The org authorization server's access tokens are for Okta's own APIs: only Okta can read or validate them, so the preview does not decode them.";

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * Reads and checks the discovery document. A network failure is a `discovery` failure too: the
 * admin should read "the issuer cannot be reached", not a stack trace.
 */
export async function readDiscovery(
  http: RecordedHttp,
  configuredIssuer: string,
): Promise<{ url: string; answer: Answer; discovery: Discovery }> {
  const url = `${withoutTrailingSlashes(configuredIssuer)}/.well-known/openid-configuration`;
  let answer: Answer;
  try {
    answer = await http.exchange('discovery', url, { headers: { accept: 'application/json' } });
  } catch (error) {
    if (error instanceof OutOfTime) {
      throw error;
    }
    throw new Stop({
      stage: 'discovery',
      url,
      status: null,
      detail: `The discovery document could not be read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return { url, answer, discovery: checkDiscovery(url, answer, configuredIssuer) };
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

/**
 * The authorize URL tried without a browser: Okta's HTML error page, or its redirect back with
 * `error`, ends the run before the admin is sent anywhere.
 */
export function checkPreflight(preflight: Answer, authorizeUrl: string, redirectUri: string): void {
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
    if (isRedirectUri(target, redirectUri) && target.searchParams.has('error')) {
      const error = target.searchParams.get('error') ?? '';
      throw new Stop({
        stage: 'authorize-redirect',
        error,
        errorDescription: target.searchParams.get('error_description'),
      });
    }
  }
}

/**
 * The callback's code, once its `state`, `iss` and `error` are checked — in that order.
 *
 * @remarks
 * The loopback listener already turns away a wrong `state`; this is the check for the callbacks
 * that come another way (a pasted address, the sign-in window) and the second line for the
 * listener's. `iss` comes before `error` because RFC 9207 §2.4 forbids taking an error to be
 * the issuer's before its `iss` says so: a mix-up attacker can send errors too.
 */
export function checkCallback(callback: URL, state: string, discovery: Discovery): string {
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
export function tokenBody(answer: Answer): Record<string, unknown> {
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

/**
 * The access token of a token response that is a Bearer one; the `id_token` is checked apart
 * ({@link checkIdTokenPresent}), because only the openid scope makes it required.
 */
export function checkAccessToken(raw: Record<string, unknown>): string {
  if (typeof raw.token_type !== 'string' || raw.token_type.toLowerCase() !== 'bearer') {
    throw new Stop({
      stage: 'id-token',
      reason: 'token-type',
      detail: `The token response's token_type is ${shown(raw.token_type)}, not Bearer.`,
    });
  }
  const accessToken = typeof raw.access_token === 'string' ? raw.access_token : '';
  if (accessToken === '') {
    throw new Stop({
      stage: 'token',
      status: 200,
      error: null,
      errorDescription: 'The token response has no access_token.',
      errorSummary: null,
    });
  }
  return accessToken;
}

/** The token response's `id_token`, which the openid scope makes required. */
export function checkIdTokenPresent(raw: Record<string, unknown>): string {
  if (typeof raw.id_token !== 'string' || raw.id_token === '') {
    throw new Stop({
      stage: 'id-token',
      reason: 'missing',
      detail: 'The token response has no id_token although the openid scope was requested.',
    });
  }
  return raw.id_token;
}

/** The claim the target app needs (e.g. `groups`) is in the verified ID token. */
export function checkExpectedClaim(claims: Record<string, unknown>, name: string): void {
  if (!(name in claims)) {
    throw new Stop({
      stage: 'claims',
      reason: 'groups-missing',
      detail: `The ID token has no ${name} claim.`,
    });
  }
}

/** Whether the issuer is an org authorization server (no `/oauth2/` in it). */
function isOrgIssuer(issuer: string): boolean {
  return !new URL(issuer).pathname.includes('/oauth2/');
}

/** The access token decoded when its server's tokens are JWTs meant to be read, else why not. */
export function accessTokenView(issuer: string, accessToken: string): AccessTokenView {
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
