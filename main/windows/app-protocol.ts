import { buildCsp } from './csp.ts';
import { readAsset, resolveAsset, securityHeaders } from './static-assets.ts';

/** The custom scheme the renderer is served from (Electron checklist #18: not `file://`). */
export const APP_SCHEME = 'app';
/** The single host under {@link APP_SCHEME}. */
export const APP_HOST = 'console';
/** The renderer's origin in the Electron app. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The URL the main window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The `protocol.handle` handler for `app://console/…`: the built renderer and nothing else.
 *
 * @remarks
 * Plain Fetch API `Request` → `Response`, so it is unit-tested in Node. Other hosts under the
 * scheme and non-GET methods are refused; every response carries the CSP and hardening headers.
 */
export function createAppProtocolHandler(
  rendererDir: string,
): (request: Request) => Promise<Response> {
  const headers = securityHeaders(buildCsp('ipc'));
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
      return new Response('Not found', { status: 404, headers });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers });
    }
    const lookup = resolveAsset(url.pathname, rendererDir);
    if (!lookup.ok) {
      return new Response('Not found', { status: lookup.status, headers });
    }
    const body = await readAsset(lookup.filePath);
    if (body === null) {
      return new Response('Not found', { status: 404, headers });
    }
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'Content-Type': lookup.contentType },
    });
  };
}
