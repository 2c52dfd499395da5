import type { ServerResponse } from 'node:http';

import type { SandboxAuthServer } from '../sandbox-org.ts';
import {
  activeClientOrRefuse,
  authenticateClient,
  clientCredentials,
  refuseMultipleCredentials,
} from './client-auth.ts';
import type { OidcCall, OidcContext, OidcEndpoint } from './context.ts';
import { forwardToProvider } from './forwarding.ts';
import { sendJson } from './http-answers.ts';
import { verifiedAccessToken } from './jwt-access-tokens.ts';

/**
 * `/introspect` and `/revoke` on a custom server, for its JWT access tokens, which
 * `oidc-provider` does not store and so cannot look up; opaque tokens (refresh tokens) and the
 * org server's tokens stay with the provider.
 */

/** Revokes the token if the authenticated client is the one it was issued to; always 200. */
function revoke(
  context: OidcContext,
  payload: Record<string, unknown> | undefined,
  clientId: string,
  response: ServerResponse,
) {
  if (payload?.cid === clientId) {
    context.revokedJwtIds.add(String(payload.jti));
  }
  response.writeHead(200, { 'Cache-Control': 'no-store' });
  response.end();
}

/** Okta's introspection answer: `active: false` for a token not issued to this client. */
function introspect(
  context: OidcContext,
  payload: Record<string, unknown> | undefined,
  clientId: string,
  response: ServerResponse,
) {
  if (payload?.cid !== clientId || context.revokedJwtIds.has(String(payload.jti))) {
    sendJson(response, 200, { active: false });
    return;
  }
  sendJson(response, 200, {
    active: true,
    scope: Array.isArray(payload.scp) ? payload.scp.join(' ') : '',
    username: payload.sub,
    exp: payload.exp,
    iat: payload.iat,
    sub: payload.sub,
    aud: payload.aud,
    iss: payload.iss,
    jti: payload.jti,
    token_type: 'Bearer',
    client_id: payload.cid,
    uid: payload.uid,
  });
}

/**
 * Introspection or revocation of a JWT access token, after the same client authentication as
 * `/token`; `false` when the token is not a JWT (the provider answers).
 */
async function answerForJwt(
  context: OidcContext,
  call: OidcCall,
  server: SandboxAuthServer,
  form: URLSearchParams,
): Promise<boolean> {
  const { request, response } = call;
  const token = form.get('token') ?? '';
  if (token.split('.').length !== 3) {
    return false;
  }
  const credentials = clientCredentials(request, form);
  if (refuseMultipleCredentials(credentials, response)) {
    return true;
  }
  const client = activeClientOrRefuse(context.org, credentials.clientId ?? '', response);
  if (client === undefined || authenticateClient(client, credentials, response) === undefined) {
    return true;
  }
  const payload = await verifiedAccessToken(context, server, token);
  const answer = call.endpoint === '/v1/revoke' ? revoke : introspect;
  answer(context, payload, client.clientId, response);
  return true;
}

/** A POST to a custom server's `/introspect` or `/revoke`. */
export const introspectRevokeEndpoint: OidcEndpoint = {
  matches: (call) =>
    call.server !== undefined &&
    (call.endpoint === '/v1/introspect' || call.endpoint === '/v1/revoke') &&
    call.form !== undefined,
  async handle(context, call) {
    const { server, form } = call;
    if (
      server !== undefined &&
      form !== undefined &&
      (await answerForJwt(context, call, server, form.params))
    ) {
      return;
    }
    await forwardToProvider(call);
  },
};
