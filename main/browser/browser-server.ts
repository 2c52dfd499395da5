import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { EventName, EventPayload } from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';
import { type Dispatch, shortened } from '../composition/dispatcher.ts';
import { BodyTooLargeError, readRequestBody } from '../platform/http/read-body.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { sameSecret } from '../platform/same-secret.ts';
import { buildCsp } from '../windows/csp.ts';
import { readAsset, resolveAsset, securityHeaders } from '../windows/static-assets.ts';

/** Inside the session prefix: contract calls are `POST api/call/<channel>`. */
export const CALL_PATH = '/api/call/';
/** Inside the session prefix: the event stream (server-sent events). */
export const EVENTS_PATH = '/api/events';
/**
 * The largest body a contract call may send. The largest request is `export:render` with a file
 * to merge into (1,000,000 characters, which JSON may escape to several bytes each).
 */
const MAX_BODY_BYTES = 8_000_000;
/**
 * Event streams open at once: the console's page holds one, a reload briefly two. More are not a
 * console: each would hold a socket and receive every event.
 */
export const MAX_EVENT_STREAMS = 4;

/** Whether a `Content-Type` is JSON: exactly `application/json`, parameters (`charset`) allowed. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** A running browser-mode server. */
export interface BrowserServer {
  /** The origin, e.g. `http://127.0.0.1:45123`. */
  origin: string;
  /** The URL to open: `<origin>/s/<token>/`. */
  entryUrl: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  response.end(`${message}\n`);
}

/**
 * Refuses a contract call in the contract's own terms: a JSON `{ ok: false, error }` with a
 * stable code, under the HTTP status that says why.
 *
 * @remarks
 * Whatever reaches the call path is answered with a typed error, never a bare text line (the
 * contract fuzz test, test/integration/main/browser/contract-fuzz.test.ts, holds it to that).
 */
function refuseCall(
  response: ServerResponse,
  status: number,
  error: Pick<AppErrorValue, 'message'> & Partial<AppErrorValue>,
): void {
  const answer: Result<never> = {
    ok: false,
    error: {
      code: error.code ?? 'INVALID_REQUEST',
      message: error.message,
      hint: error.hint ?? 'This is a bug in the console’s page; reload it. Nothing was changed.',
    },
  };
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(JSON.stringify(answer));
}

/**
 * Serves the renderer and the IPC contract over loopback HTTP: the console without Electron.
 *
 * @remarks
 * The same `dispatch` as the Electron router, so the contract, validation and errors are the
 * same. A local web server is reachable by every page in every browser and every process on the
 * machine, so each request must pass three checks:
 * - the per-launch token (random, 256 bits) must be the first path segment: `/s/<token>/…`. The
 *   page and its assets use relative URLs, so they carry it without any cookie. A cookie would
 *   have been simpler but is not scoped by port: the browser would send it to every other
 *   server on 127.0.0.1, any of which could then replay it;
 * - `Host` must be exactly the loopback address and port it listens on, which defeats DNS
 *   rebinding (a foreign name resolving to 127.0.0.1 still sends its own `Host`);
 * - `Origin`, when present, must be this origin, and contract calls must have one, so a page of
 *   another site cannot call the API.
 */
export async function startBrowserServer(options: {
  dispatch: Dispatch;
  rendererDir: string;
  logger: Logger;
  port?: number;
  token?: string;
}): Promise<BrowserServer> {
  const host = '127.0.0.1';
  const token = options.token ?? randomBytes(32).toString('base64url');
  const streams = new Set<ServerResponse>();
  const csp = buildCsp('http');
  let origin = '';
  let expectedHost = '';

  async function handleCall(
    request: IncomingMessage,
    response: ServerResponse,
    channelPart: string,
  ): Promise<void> {
    if (request.method !== 'POST') {
      refuseCall(response, 405, { message: 'Contract calls use POST.' });
      return;
    }
    if (request.headers.origin === undefined) {
      refuseCall(response, 403, {
        code: 'UNTRUSTED_SENDER',
        message: 'Refused: contract calls must come from the console page.',
        hint: 'Only the console’s own page may call it. Nothing was changed.',
      });
      return;
    }
    if (!isJsonMediaType(request.headers['content-type'])) {
      refuseCall(response, 415, { message: 'Contract calls send application/json.' });
      return;
    }
    let channel: string;
    try {
      channel = decodeURIComponent(channelPart);
    } catch {
      refuseCall(response, 400, { message: 'The channel name is not valid percent-encoding.' });
      return;
    }
    let body: unknown;
    try {
      const text = await readRequestBody(request, MAX_BODY_BYTES);
      body = text === '' ? {} : (JSON.parse(text) as unknown);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        // The rest of the body is still on its way: answered with the connection closed, so
        // the client's next request opens a fresh one and is answered at once, instead of
        // the leftover bytes being read as that request.
        response.shouldKeepAlive = false;
        refuseCall(response, 413, {
          message: 'The body is over 8 MB: a contract call is never that large.',
        });
        return;
      }
      // The parser's message is not repeated: it quotes the body.
      refuseCall(response, 400, { message: 'The body is not JSON.' });
      return;
    }
    const result = await options.dispatch(channel, body);
    response.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(JSON.stringify(result));
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse): void {
    if (streams.size >= MAX_EVENT_STREAMS) {
      refuse(response, 429, 'Too many event streams are open for this console; close a tab.');
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    response.write(': connected\n\n');
    streams.add(response);
    request.on('close', () => streams.delete(response));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    if (request.headers.host !== expectedHost) {
      options.logger.log('warn', 'Refused a request with a foreign Host header', {
        // Cut short like a channel name: whoever sends it chooses its length.
        host: shortened(request.headers.host ?? ''),
      });
      refuse(response, 403, `Refused: this console answers only to Host ${expectedHost}.`);
      return;
    }
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      options.logger.log('warn', 'Refused a request from a foreign Origin', {
        origin: shortened(requestOrigin),
      });
      refuse(response, 403, 'Refused: requests from other sites may not use this console.');
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    const session = /^\/s\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (session?.[1] === undefined || !sameSecret(session[1], token)) {
      refuse(
        response,
        401,
        'Refused: open the console with the URL it printed at start (it carries this session’s token).',
      );
      return;
    }
    const innerPath = session[2];
    if (innerPath === undefined) {
      // `/s/<token>` without the slash: relative URLs need the folder form.
      response.writeHead(308, { Location: `${url.pathname}/`, 'Referrer-Policy': 'no-referrer' });
      response.end();
      return;
    }
    if (innerPath.startsWith(CALL_PATH)) {
      await handleCall(request, response, innerPath.slice(CALL_PATH.length));
      return;
    }
    if (innerPath === EVENTS_PATH && method === 'GET') {
      openEventStream(request, response);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      refuse(response, 405, 'Method not allowed.');
      return;
    }
    const lookup = resolveAsset(innerPath, options.rendererDir);
    const asset = lookup.ok ? await readAsset(lookup.filePath) : null;
    if (!lookup.ok || asset === null) {
      refuse(response, lookup.ok ? 404 : lookup.status, 'Not found.');
      return;
    }
    response.writeHead(200, { ...securityHeaders(csp), 'Content-Type': lookup.contentType });
    response.end(method === 'HEAD' ? undefined : asset);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger.log('error', 'Browser-mode request failed', {
        error,
      });
      if (!response.headersSent) {
        refuse(response, 500, 'Internal error.');
      } else {
        response.end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  expectedHost = `${host}:${String(port)}`;
  // Loopback only: TLS adds nothing on 127.0.0.1, and the token guards the session.
  // eslint-disable-next-line @microsoft/sdl/no-insecure-url -- loopback listener
  origin = `http://${expectedHost}`;
  return {
    origin,
    entryUrl: `${origin}/s/${token}/`,
    emit(event, payload) {
      const frame = `data: ${JSON.stringify({ event, payload })}\n\n`;
      for (const stream of streams) {
        stream.write(frame);
      }
    },
    close: () =>
      new Promise((resolve) => {
        for (const stream of streams) {
          stream.end();
        }
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
