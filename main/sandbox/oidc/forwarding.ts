import { IncomingMessage, type ServerResponse } from 'node:http';

import { type OidcRequestContext, oidcRequestContext } from './authorization-server-provider.ts';
import type { OidcCall } from './context.ts';

/**
 * Handing a request on to `oidc-provider` once Okta's own checks have passed, mounted where Okta
 * puts that server, with the body the router already read put back.
 */

/**
 * A copy of a request whose body was already read, readable again, so `oidc-provider` parses it
 * as if it came straight from the socket.
 */
function replayable(request: IncomingMessage, body: string): IncomingMessage {
  const copy = new IncomingMessage(request.socket);
  copy.method = request.method;
  copy.url = request.url;
  copy.headers = { ...request.headers, 'content-length': String(Buffer.byteLength(body)) };
  copy.httpVersion = request.httpVersion;
  copy.httpVersionMajor = request.httpVersionMajor;
  copy.httpVersionMinor = request.httpVersionMinor;
  copy.push(Buffer.from(body));
  copy.push(null);
  // Marks the message whole, so ending it never tears down the shared socket.
  copy.complete = true;
  return copy;
}

/**
 * Lets the call's provider answer it; `requestContext` tells the provider what the sandbox
 * already decided (at `/token`: how the client authenticated).
 */
export async function forwardToProvider(
  call: OidcCall,
  requestContext: OidcRequestContext = {},
): Promise<void> {
  const request = call.form === undefined ? call.request : replayable(call.request, call.form.text);
  const { response } = call;
  const original = request.url ?? '/';
  const query = original.includes('?') ? original.slice(original.indexOf('?')) : '';
  // Okta serves both discovery documents with the same content.
  const path = call.providerPath.replace(
    '/.well-known/oauth-authorization-server',
    '/.well-known/openid-configuration',
  );
  (request as IncomingMessage & { originalUrl?: string }).originalUrl = original;
  request.url = `${path}${query}`;
  const callback = call.provider.callback() as (
    req: IncomingMessage,
    res: ServerResponse,
  ) => Promise<void> | void;
  await oidcRequestContext.run(requestContext, async () => {
    await new Promise<void>((resolve) => {
      response.once('finish', resolve);
      response.once('close', resolve);
      void callback(request, response);
    });
  });
}
