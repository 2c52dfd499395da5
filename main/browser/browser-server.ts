import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { EventName, EventPayload } from '../../shared/ipc/contract.ts';
import type { Dispatch } from '../ipc/dispatcher.ts';
import type { Logger } from '../services/logging/logger.ts';
import { buildCsp } from '../windows/csp.ts';
import { readAsset, resolveAsset, securityHeaders } from '../windows/static-assets.ts';

/** The cookie that carries the per-launch token after the first visit. */
export const SESSION_COOKIE = 'sso_console_session';
/** The header that may carry the per-launch token instead (scripts, tests). */
export const TOKEN_HEADER = 'x-sso-console-token';
/** The path prefix of contract calls: `POST /api/call/<channel>`. */
export const CALL_PATH = '/api/call/';
/** The path of the event stream (server-sent events). */
export const EVENTS_PATH = '/api/events';
const MAX_BODY_BYTES = 1_000_000;

/** A running browser-mode server. */
export interface BrowserServer {
  /** The origin, e.g. `http://127.0.0.1:45123`. */
  origin: string;
  /** The URL to open: the origin plus the per-launch token, which the server trades for a cookie. */
  entryUrl: string;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) {
      return rest.join('=');
    }
  }
  return undefined;
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(`${message}\n`);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new RangeError('body too large');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves the renderer and the IPC contract over loopback HTTP: the console without Electron.
 *
 * @remarks
 * The same `dispatch` as the Electron router, so the contract, validation and errors are the
 * same. A local web server is reachable by every page in every browser on the machine, so each
 * request must pass three checks:
 * - `Host` must be exactly the loopback address and port it listens on, which defeats DNS
 *   rebinding (a foreign name resolving to 127.0.0.1 still sends its own `Host`);
 * - `Origin`, when present, must be that same origin, and contract calls must have it, so another
 *   site's page cannot call the API even with the cookie;
 * - the per-launch token (random, 256 bits) must come as the session cookie (`HttpOnly`,
 *   `SameSite=Strict`) or the token header. The entry URL carries it once; the server trades it
 *   for the cookie and redirects so it leaves the address bar.
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

  function hasToken(request: IncomingMessage): boolean {
    const header = request.headers[TOKEN_HEADER];
    const presented =
      (typeof header === 'string' ? header : undefined) ??
      readCookie(request.headers.cookie, SESSION_COOKIE);
    return presented !== undefined && sameSecret(presented, token);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    if (request.headers.host !== expectedHost) {
      options.logger.log('warn', 'Refused a request with a foreign Host header', {
        host: request.headers.host,
      });
      refuse(response, 403, `Refused: this console answers only to Host ${expectedHost}.`);
      return;
    }
    const requestOrigin = request.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      options.logger.log('warn', 'Refused a request from a foreign Origin', {
        origin: requestOrigin,
      });
      refuse(response, 403, 'Refused: requests from other sites may not use this console.');
      return;
    }
    const url = new URL(request.url ?? '/', origin);

    // The entry link: trade the token in the query for the session cookie.
    const entryToken = url.searchParams.get('token');
    if (method === 'GET' && url.pathname === '/' && entryToken !== null) {
      if (!sameSecret(entryToken, token)) {
        refuse(
          response,
          401,
          'Refused: this link is not valid for the running console. Use the URL it printed at start.',
        );
        return;
      }
      response.writeHead(303, {
        Location: '/',
        'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      response.end();
      return;
    }
    if (!hasToken(request)) {
      refuse(
        response,
        401,
        'Refused: open the console with the URL it printed at start (it carries this session’s token).',
      );
      return;
    }

    if (url.pathname.startsWith(CALL_PATH)) {
      if (method !== 'POST') {
        refuse(response, 405, 'Contract calls use POST.');
        return;
      }
      if (requestOrigin === undefined) {
        refuse(response, 403, 'Refused: contract calls must come from the console page.');
        return;
      }
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
        refuse(response, 415, 'Contract calls send application/json.');
        return;
      }
      let body: unknown;
      try {
        const text = await readBody(request);
        body = text === '' ? {} : (JSON.parse(text) as unknown);
      } catch {
        refuse(response, 400, 'The request body is not JSON, or larger than 1 MB.');
        return;
      }
      const channel = decodeURIComponent(url.pathname.slice(CALL_PATH.length));
      const result = await options.dispatch(channel, body);
      response.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      response.end(JSON.stringify(result));
      return;
    }

    if (url.pathname === EVENTS_PATH && method === 'GET') {
      response.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Content-Type-Options': 'nosniff',
      });
      response.write(': connected\n\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }

    if (method !== 'GET' && method !== 'HEAD') {
      refuse(response, 405, 'Method not allowed.');
      return;
    }
    const lookup = resolveAsset(url.pathname, options.rendererDir);
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
        error: error instanceof Error ? error.message : String(error),
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
    entryUrl: `${origin}/?token=${token}`,
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
