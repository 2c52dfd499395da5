import type { IncomingMessage, ServerResponse } from 'node:http';

import { readRequestBody } from '../platform/http/read-body.ts';
import type { LogClientInfo } from './system-log.ts';

/** The largest request body the sandbox reads (Okta's own limit is of the same order). */
const MAX_BODY_BYTES = 1_000_000;

/** Reads a JSON request body; `{}` when empty. Throws `SyntaxError` for malformed JSON. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readRequestBody(request, MAX_BODY_BYTES);
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

/** Writes a JSON answer (or none, for `undefined`). */
export type SendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers?: Record<string, string | string[]>,
) => void;

/**
 * Sends JSON answers with the headers Okta puts on every response: `Date` from the sandbox
 * clock and an `X-Okta-Request-Id` (the caller's, when it passes one in `headers`).
 */
export function createJsonSender(clock: () => Date, newRequestId: () => string): SendJson {
  return (response, status, body, headers = {}) => {
    response.writeHead(status, {
      'Content-Type': 'application/json',
      Date: clock().toUTCString(),
      'X-Okta-Request-Id': newRequestId(),
      ...headers,
    });
    response.end(body === undefined ? '' : JSON.stringify(body));
  };
}

/** The request as a System Log event's `client` describes it. */
export function logClientOf(request: IncomingMessage, requestId: string): LogClientInfo {
  const ipAddress = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    ipAddress,
    ...(request.headers['user-agent'] === undefined
      ? {}
      : { userAgent: request.headers['user-agent'] }),
    requestId,
    requestUri: request.url ?? '/',
  };
}
