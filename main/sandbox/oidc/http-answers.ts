import type { IncomingMessage, ServerResponse } from 'node:http';

import { logClientOf } from '../http-exchange.ts';
import { requestId } from '../okta-ids.ts';
import type { LogClientInfo } from '../system-log.ts';

/**
 * The ways the OIDC layer answers before (or instead of) `oidc-provider`, with the headers Okta
 * puts on them: no answer is ever cached, and HTML pages may not be framed.
 */

/** A JSON answer; `headers` adds to (or overrides) the defaults, e.g. CORS. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(JSON.stringify(body));
}

/** An HTML page (Okta's error pages, the sign-in page), locked down by its CSP. */
export function sendHtml(response: ServerResponse, status: number, html: string) {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    // No form-action: the sign-in form's answer redirects on to the app's own origin, and
    // form-action would block that redirect.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  response.end(html);
}

/** An OAuth 2.0 error body (`error`, `error_description`), the shape `/token` and friends use. */
export function oauthError(
  response: ServerResponse,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
) {
  sendJson(response, status, { error, error_description: description }, headers);
}

/** Who called, for the System Log (the request id is the one on the answer's headers). */
export function logClient(request: IncomingMessage, response: ServerResponse): LogClientInfo {
  const id = response.getHeader('X-Okta-Request-Id');
  return logClientOf(request, typeof id === 'string' ? id : requestId());
}
