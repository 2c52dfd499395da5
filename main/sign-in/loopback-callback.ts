import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { sameSecret } from '../platform/same-secret.ts';

/** Why a callback listener could not start; the caller keys on the code, never on the text. */
export type CallbackListenerErrorCode = 'PORT_IN_USE' | 'NOT_LOOPBACK' | 'INVALID_REDIRECT_URI';

/** A callback listener that could not start, with a code the strategy choice acts on. */
export class CallbackListenerError extends Error {
  readonly code: CallbackListenerErrorCode;

  constructor(code: CallbackListenerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CallbackListenerError';
    this.code = code;
  }
}

/** A listener waiting for the one redirect back from Okta. */
export interface CallbackListener {
  /** The redirect URI to send to Okta, with the real port when the requested one was 0. */
  redirectUri: string;
  /**
   * The full URL of the one request on the callback path that carries `expectedState` — the
   * `state` the sign-in sent. Call it before the browser opens: until then no request can be the
   * sign-in's, and each is turned away. Calling it again with another state is a mistake in the
   * caller and throws, since one listener serves one sign-in.
   */
  callbackFor(expectedState: string): Promise<URL>;
  /** Stops listening (also when no callback came); safe to call more than once. */
  close(): Promise<void>;
}

/** The path of a temporary redirect URI the console adds to an app for one preview. */
export const TEMPORARY_CALLBACK_PATH = '/sso-console/preview/callback';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * What every page of the listener is sent with: never cached, no `Referer` to anyone (RFC 9700
 * §4.2: the URL holds the code), nothing loaded, nothing run.
 */
/**
 * The pages' one style sheet: the system's light or dark theme (`color-scheme`, system colours),
 * like the console's window. Allowed by its hash, so the policy still lets nothing else in.
 */
const PAGE_STYLE = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; display: grid; place-items: center; min-height: 100vh; background: Canvas; color: CanvasText; }
main { width: min(30rem, 90vw); padding: 2rem; border: 1px solid GrayText; border-radius: 8px; }
h1 { font-size: 1.4rem; margin-top: 0; }
.done h1::before { content: "✓ "; color: #2e7d32; }
.refused { border-left: 4px solid #c62828; }
.muted { font-size: 0.9rem; }`;

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`,
} as const;

/** A page of the listener: its title, and a main whose class says how it went. */
function listenerPage(options: { title: string; kind: 'done' | 'refused'; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title} — SSO Setup Console</title>
<style>${PAGE_STYLE}</style></head>
<body><main class="${options.kind}">
${options.body}
</main></body>
</html>
`;
}

/** The page the browser shows once the callback arrived: nothing in it but where to go next. */
const DONE_PAGE = listenerPage({
  title: 'Sign-in received',
  kind: 'done',
  body: `<h1>Sign-in received</h1>
<p>You can close this tab and return to SSO Setup Console: it is checking the sign-in now.</p>`,
});

/**
 * The page for a request on the callback path that is not this sign-in's: a `state` missing or
 * not the one sent (an old tab, a forged link — RFC 9700 §4.7). It repeats nothing the request
 * carried, and says the console is still waiting for the real sign-in.
 */
const NOT_THIS_SIGN_IN_PAGE = listenerPage({
  title: 'Not this sign-in',
  kind: 'refused',
  body: `<h1>This is not the sign-in the console started</h1>
<p>This address did not come back from the sign-in SSO Setup Console started (it may be from an earlier attempt or from another site), so the console ignored it.</p>
<p class="muted">The console is still waiting: finish the sign-in it opened, or start it again from the console.</p>`,
});

function sendPage(response: ServerResponse, status: 200 | 400, page: string, then?: () => void) {
  response.writeHead(status, { ...PAGE_HEADERS, Connection: 'close' });
  response.end(page, then);
}

/**
 * Listens on a loopback redirect URI for exactly one redirect back from Okta.
 *
 * @remarks
 * RFC 8252 §7.3 and security.md O5/O10: only `http` on a loopback host is accepted (anything
 * else would send the code over the network or to someone else's server). The first request on
 * the exact path whose `state` is the sign-in's (compared in constant time) resolves
 * {@link CallbackListener.callbackFor} and the server closes at once, so a second redirect (a
 * replay, or a second tab) finds nothing listening. A request on the path with no `state` or
 * another one gets a 400 page and does not count: anyone may send a request to a loopback port,
 * and if the first one won, a forged or stale redirect would take the sign-in's place and the
 * real one would find nothing listening (RFC 9700 §4.7). The flow checks `state` again
 * (`checkCallback`), for the callbacks that do not come through here. Other paths get a 404. The
 * pages say only to return to the console — never the code or state — and never redirect.
 * Port 0 asks for an ephemeral port, for a temporary redirect URI. A port already taken is a
 * {@link CallbackListenerError} `PORT_IN_USE`, so the caller can pick the next strategy.
 */
export async function listenForCallback(options: {
  redirectUri: string;
}): Promise<CallbackListener> {
  let uri: URL;
  try {
    uri = new URL(options.redirectUri);
  } catch (error) {
    throw new CallbackListenerError(
      'INVALID_REDIRECT_URI',
      `The redirect URI ${options.redirectUri} is not a URL.`,
      { cause: error },
    );
  }
  if (uri.protocol !== 'http:' || !LOOPBACK_HOSTS.has(uri.hostname)) {
    throw new CallbackListenerError(
      'NOT_LOOPBACK',
      `The console can only receive the sign-in on an http loopback address (127.0.0.1, localhost or [::1]), not on ${uri.origin}. Use a temporary loopback redirect URI or paste the final URL instead.`,
    );
  }
  const host = uri.hostname === '[::1]' ? '::1' : uri.hostname;
  const path = uri.pathname;
  let settle: { resolve: (url: URL) => void; reject: (error: Error) => void } | undefined;
  const callback = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A listener closed before any callback rejects it; nobody may be waiting, so keep it quiet.
  callback.catch(() => undefined);
  let expectedState: string | undefined;
  let received = false;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', uri.origin);
    if (received || request.method !== 'GET' || url.pathname !== path) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Not found');
      return;
    }
    const state = url.searchParams.get('state') ?? '';
    // An empty state on either side could only match another empty one: never this sign-in.
    if (expectedState === undefined || state === '' || !sameSecret(state, expectedState)) {
      sendPage(response, 400, NOT_THIS_SIGN_IN_PAGE);
      return;
    }
    received = true;
    sendPage(response, 200, DONE_PAGE, () => {
      void close();
    });
    settle?.resolve(url);
  });
  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeIdleConnections();
      settle?.reject(new Error('The callback listener was closed before the sign-in came back.'));
    });
    return closing;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new CallbackListenerError(
              'PORT_IN_USE',
              `Port ${uri.port} on ${uri.hostname} is already in use, so the console cannot receive the sign-in there.`,
              { cause: error },
            )
          : error,
      );
    });
    server.listen(Number(uri.port === '' ? 80 : uri.port), host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  uri.port = String(port);
  return {
    redirectUri: uri.toString(),
    callbackFor(state) {
      if (expectedState !== undefined && expectedState !== state) {
        throw new Error(
          'A callback listener serves one sign-in: it already waits for another state.',
        );
      }
      expectedState = state;
      return callback;
    },
    close,
  };
}
