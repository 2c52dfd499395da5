import { AppError } from '../../shared/errors.ts';
import {
  GRANT_SCOPES_PATH,
  isOperationId,
  MANAGEMENT_OPERATIONS,
  type OperationId,
  operationsAtPath,
} from '../../shared/okta/management-scopes.ts';
import { redactText } from '../platform/logging/redact.ts';

/**
 * The org authorization server refused a service app's access token request (client
 * credentials with `private_key_jwt`): Okta's OAuth error, as its token endpoint said it.
 *
 * @remarks
 * Carries `httpStatus`, not `status`: the SDK retries a call once after any 401 with a fresh token,
 * which for a refused token request would only ask again.
 */
export class ServiceAppTokenError extends Error {
  readonly httpStatus: number;
  readonly url: string;
  /** `invalid_scope`, `invalid_client`, `invalid_dpop_proof`… (or Okta's `errorCode`). */
  readonly error: string | undefined;
  readonly description: string | undefined;

  constructor(answer: {
    httpStatus: number;
    url: string;
    error: string | undefined;
    description: string | undefined;
  }) {
    super(
      `Okta's token endpoint answered HTTP ${String(answer.httpStatus)} ${answer.error ?? ''}: ${answer.description ?? ''}`,
    );
    this.name = 'ServiceAppTokenError';
    this.httpStatus = answer.httpStatus;
    this.url = answer.url;
    this.error = answer.error;
    this.description = answer.description;
  }
}

/** The scopes Okta's `invalid_scope` answer names ("The following scopes are not allowed: …"). */
export function scopesNotAllowed(description: string | undefined): string[] {
  return (description ?? '').match(/\bokta\.[\w.]+/g) ?? [];
}

/** A refused token request, said as what to fix on the service app. */
function serviceAppTokenAppError(
  error: ServiceAppTokenError,
  context: { action: string; clientId?: string | undefined },
  clean: (text: string) => string,
): AppError {
  const app =
    context.clientId === undefined ? 'the service app' : `the service app ${context.clientId}`;
  const said = clean(error.description ?? '');
  const answer = `HTTP ${String(error.httpStatus)} ${error.error ?? 'without an OAuth error'}${said === '' ? '' : `: “${said}”`}`;
  const notAllowed = scopesNotAllowed(error.description);
  if (error.error === 'invalid_scope' && notAllowed.length > 0) {
    return new AppError({
      code: 'PERMISSION_DENIED',
      message: `Okta would not give ${app} an access token while ${context.action}: ${notAllowed.length === 1 ? 'the scope' : 'the scopes'} ${notAllowed.join(', ')} ${notAllowed.length === 1 ? 'is' : 'are'} not granted to it (${answer}).`,
      hint: `Grant ${notAllowed.join(' and ')} (${GRANT_SCOPES_PATH}), then connect again; or connect with fewer scopes, and the work that needs ${notAllowed.length === 1 ? 'it' : 'them'} will be refused. \`sso-console scopes\` tells what each scope is for.`,
      field: 'clientId',
    });
  }
  if (error.error === 'invalid_client') {
    return new AppError({
      code: 'TOKEN_INVALID',
      message: `Okta did not accept ${app}'s sign-in while ${context.action} (${answer}).`,
      hint: 'Check the Client ID (the app’s General tab), that the app is an API Services app set to “Public key / Private key” client authentication, and that the public key the console showed is registered there and Active. A key made on another computer, or deleted from this keychain, cannot sign: make a new one.',
      field: 'clientId',
    });
  }
  if (error.error === 'unauthorized_client' || error.error === 'unsupported_grant_type') {
    return new AppError({
      code: 'TOKEN_INVALID',
      message: `Okta does not let ${app} use client credentials (${answer}).`,
      hint: 'Connect with an API Services app (Applications › Create App Integration › API Services): only such an app has the Client Credentials grant the console signs in with.',
      field: 'clientId',
    });
  }
  if (error.error === 'invalid_dpop_proof' || error.error === 'use_dpop_nonce') {
    return new AppError({
      code: 'TOKEN_INVALID',
      message: `Okta refused ${app}'s DPoP proof while ${context.action} (${answer}).`,
      hint: 'The app requires DPoP-bound tokens (“Require Demonstrating Proof of Possession (DPoP) header in token requests”). The console sends a proof with every request; if this persists, check the machine’s clock, or turn the setting off on the app.',
      field: 'clientId',
    });
  }
  return new AppError({
    code: error.httpStatus >= 500 ? 'OKTA_ERROR' : 'TOKEN_INVALID',
    message: `Okta refused ${app}'s access token request while ${context.action} (${answer}).`,
    hint: 'Check the service app in the Admin Console (its client authentication, public key, granted scopes and status), then connect again.',
    field: 'clientId',
  });
}

/** The fields of the SDK's `OktaApiError` the console reads. */
interface OktaApiErrorLike {
  status: number;
  errorCode: string;
  errorSummary?: string;
  errorId?: string;
  url?: string;
  headers?: { get(name: string): string | null };
}

/** An error answered with an Okta error object (an `errorCode` such as `E0000011`). */
function isOktaApiError(error: unknown): error is OktaApiErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number' &&
    'errorCode' in error &&
    typeof error.errorCode === 'string' &&
    /^E\d{7}$/.test(error.errorCode)
  );
}

/** An HTTP error whose body was not an Okta error object (an HTML page, another API's JSON). */
function httpStatusOf(error: unknown): number | undefined {
  if (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof error.status === 'number'
  ) {
    const name = (error as { name?: unknown }).name;
    return name === 'HttpError' || name === 'OktaApiError' ? error.status : undefined;
  }
  return undefined;
}

/** When Okta allows the next call, from `X-Rate-Limit-Reset` (epoch seconds), as a clock time. */
function rateLimitResetTime(error: OktaApiErrorLike): string | undefined {
  const reset = Number(error.headers?.get('x-rate-limit-reset'));
  return Number.isFinite(reset) && reset > 0
    ? new Date(reset * 1000).toISOString().slice(11, 19)
    : undefined;
}

/**
 * The auth-params of a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3), by name.
 *
 * @remarks
 * Okta answers a call whose access token lacks the operation's scope with 403, `E0000006` in
 * the body and a challenge that names the scope, e.g.
 *
 * ```
 * Bearer authorization_uri="…", realm="…", scope="okta.users.read", error="insufficient_scope",
 *   error_description="The access token provided does not contain the required scopes.", resource="/api/v1/users"
 * ```
 *
 * Quoted values may hold commas, so this reads one param at a time from the start rather than
 * splitting.
 */
export function parseBearerChallenge(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  const match = /^\s*Bearer\b/i.exec(header);
  if (match === null) {
    return params;
  }
  const param = /^[\s,]*([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/;
  let rest = header.slice(match[0].length);
  for (let found = param.exec(rest); found !== null; found = param.exec(rest)) {
    const name = (found[1] ?? '').toLowerCase();
    params[name] = found[2] === undefined ? (found[3] ?? '') : found[2].replaceAll(/\\(.)/g, '$1');
    rest = rest.slice(found[0].length);
  }
  return params;
}

/**
 * The scopes that would have let a refused call through, and the operation it was.
 *
 * @remarks
 * The operation comes from the caller when it knows it, else from the request's path (the SDK's
 * error holds the URL, not the method, so a path may name several operations). Okta's own
 * `scope` in the challenge is preferred when it names one: it is what Okta checked.
 */
function scopesToGrant(
  error: OktaApiErrorLike,
  challenge: Record<string, string>,
  operationId: OperationId | undefined,
): { scopes: string[]; operations: OperationId[] } {
  let operations: OperationId[] = [];
  if (operationId !== undefined) {
    operations = [operationId];
  } else if (error.url !== undefined && URL.canParse(error.url)) {
    operations = operationsAtPath(new URL(error.url).pathname);
  }
  const named = (challenge.scope ?? '')
    .split(/\s+/)
    .filter((scope) => /^okta\.[\w.]+$/.test(scope));
  const fromCatalogue = [
    ...new Set(operations.flatMap((id) => [...MANAGEMENT_OPERATIONS[id].scopes])),
  ];
  return { scopes: named.length > 0 ? named : fromCatalogue, operations };
}

/** A 403 for a scope the access token lacks, naming the scope to grant and where. */
function insufficientScopeError(
  error: OktaApiErrorLike,
  challenge: Record<string, string>,
  context: { action: string; operationId?: string },
  clean: (text: string) => string,
): AppError {
  const { scopes, operations } = scopesToGrant(
    error,
    challenge,
    context.operationId !== undefined && isOperationId(context.operationId)
      ? context.operationId
      : undefined,
  );
  const reference = error.errorId === undefined ? '' : ` (Okta error id ${error.errorId})`;
  const said = clean(challenge.error_description ?? error.errorSummary ?? '');
  const call = operations.length === 0 ? 'this call' : operations.join(' or ');
  const scopeText =
    scopes.length === 0
      ? 'a scope the console does not know for this call'
      : scopes.length === 1
        ? `the scope ${scopes[0] ?? ''}`
        : `one of the scopes ${scopes.join(', ')}`;
  return new AppError({
    code: 'PERMISSION_DENIED',
    message: `Okta refused ${context.action}: the service app’s access token lacks ${scopeText}, which ${call} needs — ${said} (HTTP ${String(error.status)} ${error.errorCode}, insufficient_scope)${reference}.`,
    hint:
      scopes.length === 0
        ? `Grant the scope the operation lists in Okta’s API reference (${GRANT_SCOPES_PATH}), then connect again.`
        : `Grant ${scopes.join(' or ')} (${GRANT_SCOPES_PATH} next to ${scopes[0] ?? ''}), then connect again so the console’s next access token carries it. \`sso-console scopes\` lists every scope the planned work needs.`,
  });
}

/** Network error codes (Node and node-fetch) that mean the org could not be reached. */
const UNREACHABLE_HINTS: Record<string, string> = {
  ENOTFOUND:
    'The host name does not resolve. Check the spelling of the org URL and your DNS or VPN.',
  EAI_AGAIN: 'The host name could not be resolved right now. Check your network, DNS or VPN.',
  ECONNREFUSED:
    'Nothing is listening at that address. Check the port, or start the org (for the sandbox: `npm run sandbox`).',
  ECONNRESET:
    'The connection was cut. A proxy or firewall may be interfering; try again or check the proxy settings.',
  ETIMEDOUT: 'The org did not answer in time. Check your network, proxy or firewall.',
  EHOSTUNREACH: 'The host cannot be reached from this machine. Check your network or VPN.',
  ENETUNREACH: 'This machine has no route to that network. Check your network connection.',
  CERT_HAS_EXPIRED:
    'The server’s TLS certificate has expired. Check that the URL is your Okta org.',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'The server presents a self-signed certificate, which Okta never does. Check the URL, or a TLS-inspecting proxy.',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'The server’s TLS certificate cannot be verified. A TLS-inspecting proxy may need its CA in NODE_EXTRA_CA_CERTS.',
  ERR_TLS_CERT_ALTNAME_INVALID:
    'The TLS certificate does not match the host name. Check the org URL.',
};

/** Other system error codes that mean the connection itself failed. */
const OTHER_NETWORK_CODES = new Set([
  'EPROTO',
  'EPIPE',
  'ECONNABORTED',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/**
 * The network failure behind an error, as a system code, or `undefined` if it is not one.
 *
 * @remarks
 * Only known network codes count: an unrelated `code` such as `ERR_INVALID_ARG_TYPE` is a bug,
 * not an unreachable org. node-fetch reports its own timeouts as a `FetchError` of type
 * `request-timeout` or `body-timeout`, without a code.
 */
function findNetworkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const { type, code, errno } = current as Record<string, unknown>;
    if (type === 'request-timeout' || type === 'body-timeout') {
      return 'ETIMEDOUT';
    }
    for (const value of [code, errno]) {
      if (
        typeof value === 'string' &&
        (value in UNREACHABLE_HINTS || OTHER_NETWORK_CODES.has(value))
      ) {
        return value;
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps anything a management call threw to an {@link AppError} with a hint.
 *
 * @remarks
 * Decides on Okta's `errorCode`, never on its text (okta-behaviours.md §10). The SDK's messages
 * hold no token, but every text is redacted anyway, with the token itself as a known secret.
 */
export function toOktaAppError(
  error: unknown,
  context: {
    orgUrl: string;
    token?: string;
    action: string;
    /** The management.yaml operation that failed, when the caller knows it. */
    operationId?: string;
    /** The service app the console signed in as, when it did. */
    clientId?: string | undefined;
  },
): AppError {
  if (error instanceof AppError) {
    return error;
  }
  const secrets = context.token === undefined ? [] : [context.token];
  const clean = (text: string) => redactText(text, secrets);
  if (error instanceof ServiceAppTokenError) {
    return serviceAppTokenAppError(error, context, clean);
  }
  if (isOktaApiError(error)) {
    const summary = clean(error.errorSummary ?? '');
    const reference = error.errorId === undefined ? '' : ` (Okta error id ${error.errorId})`;
    switch (error.errorCode) {
      case 'E0000011':
        return new AppError({
          code: 'TOKEN_INVALID',
          message: `Okta refused the API token while ${context.action}: ${summary || 'Invalid token provided'} (E0000011).`,
          hint: 'Check that you copied the whole token, for this org. Tokens are revoked when deactivated and expire after 30 days unused: create a new one under Security › API › Tokens.',
          field: 'apiToken',
        });
      case 'E0000006':
      case 'E0000015': {
        const challenge = parseBearerChallenge(error.headers?.get('www-authenticate') ?? '');
        if (challenge.error === 'insufficient_scope') {
          return insufficientScopeError(error, challenge, context, clean);
        }
        return new AppError({
          code: 'PERMISSION_DENIED',
          message: `The token is valid, but its owner may not do this: ${context.action} was refused — ${summary} (${error.errorCode})${reference}.`,
          hint: 'Use a token created by an admin who can manage applications and read the org (Super Administrator, or Org Administrator with Application Administrator), or ask a Super Administrator to grant that role.',
          field: 'apiToken',
        });
      }
      case 'E0000047': {
        const resetAt = rateLimitResetTime(error);
        return new AppError({
          code: 'RATE_LIMITED',
          message: `Okta rate-limited the console while ${context.action}: ${summary} (E0000047).${resetAt === undefined ? '' : ` Okta allows the next call at ${resetAt} UTC.`}`,
          hint: 'Wait a minute and try again. If it keeps happening, other tools may be sharing this token’s rate limit; see Reports › Rate Limits in the Admin Console.',
        });
      }
      default:
        return new AppError({
          code: 'OKTA_ERROR',
          message: `Okta answered HTTP ${String(error.status)} ${error.errorCode} while ${context.action}: ${summary}${reference}.`,
          hint: 'Check the message above; the Okta error id lets Okta support find the request.',
        });
    }
  }
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 500) {
    return new AppError({
      code: 'OKTA_ERROR',
      message: `${context.orgUrl} answered HTTP ${String(status)} while ${context.action}: the org, or a proxy in front of it, is failing right now.`,
      hint: 'Try again in a few minutes. If it persists, check status.okta.com and any proxy between this machine and Okta.',
    });
  }
  if (status !== undefined) {
    return new AppError({
      code: 'ORG_NOT_OKTA',
      message: `${context.orgUrl} answered HTTP ${String(status)} without an Okta error while ${context.action}, so it does not look like an Okta org.`,
      hint: 'Check the org URL: it is the address of your Okta org (https://<your-org>.okta.com or its custom domain), not an app or a proxy.',
      field: 'orgUrl',
    });
  }
  const networkCode = findNetworkCode(error);
  if (networkCode !== undefined) {
    return new AppError(
      {
        code: 'ORG_UNREACHABLE',
        message: `Could not reach ${context.orgUrl} while ${context.action} (${networkCode}).`,
        hint:
          UNREACHABLE_HINTS[networkCode] ??
          'Check the org URL and your network connection, proxy or VPN, then try again.',
        field: 'orgUrl',
      },
      { cause: error },
    );
  }
  if (error instanceof SyntaxError) {
    return new AppError({
      code: 'ORG_NOT_OKTA',
      message: `${context.orgUrl} answered with something other than Okta's JSON while ${context.action}.`,
      hint: 'Check the org URL: it is the address of your Okta org, not an app or a proxy page.',
      field: 'orgUrl',
    });
  }
  const detail = error instanceof Error ? clean(error.message) : 'unknown error';
  return new AppError({
    code: 'INTERNAL',
    message: `Unexpected failure while ${context.action}: ${detail}`,
    hint: 'Try again. If it persists, report it with the console log.',
  });
}

/**
 * A failure in a few words for a journal: its HTTP status and Okta's error code, never a body
 * (which may echo what was sent). The apply's and the teardown's journals both note failures so.
 */
export function describeFailure(error: unknown): string {
  const { status, errorCode, code, name } = error as Record<string, unknown>;
  return [status, errorCode ?? code ?? name]
    .filter((part) => typeof part === 'string' || typeof part === 'number')
    .map(String)
    .join(' ');
}
