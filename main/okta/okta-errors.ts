import { AppError } from '../../shared/errors.ts';
import { redactText } from '../platform/logging/redact.ts';

/** The fields of the SDK's `OktaApiError` the console reads. */
interface OktaApiErrorLike {
  status: number;
  errorCode: string;
  errorSummary?: string;
  errorId?: string;
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
  context: { orgUrl: string; token?: string; action: string },
): AppError {
  if (error instanceof AppError) {
    return error;
  }
  const secrets = context.token === undefined ? [] : [context.token];
  const clean = (text: string) => redactText(text, secrets);
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
      case 'E0000015':
        return new AppError({
          code: 'PERMISSION_DENIED',
          message: `The token is valid, but its owner may not do this: ${context.action} was refused — ${summary} (${error.errorCode})${reference}.`,
          hint: 'Use a token created by an admin who can manage applications and read the org (Super Administrator, or Org Administrator with Application Administrator), or ask a Super Administrator to grant that role.',
          field: 'apiToken',
        });
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
