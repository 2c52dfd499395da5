import type { SandboxAuthServer } from '../sandbox-org.ts';
import type { OidcCall, OidcContext, OidcEndpoint } from './context.ts';
import { sendJson } from './http-answers.ts';
import { verifiedAccessToken } from './jwt-access-tokens.ts';
import { claimsForScopes, userClaims } from './okta-claims.ts';

/**
 * `/userinfo` on a custom server. Its access tokens are JWTs that `oidc-provider` issues for
 * resources and does not keep, so the sandbox verifies the bearer itself and answers with
 * Okta's challenges; the org server's userinfo (opaque tokens) stays with the provider.
 */

const INVALID_TOKEN = 'The access token is invalid.';
const INSUFFICIENT_SCOPE =
  'The access token must provide access to at least one of these scopes - profile, email, address or phone';

/** The CORS headers for a trusted origin: a browser app reads userinfo across origins. */
function corsHeaders(context: OidcContext, origin: string | undefined): Record<string, string> {
  return origin !== undefined && context.isTrustedCorsOrigin(origin)
    ? {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Expose-Headers': 'WWW-Authenticate',
        Vary: 'Origin',
      }
    : {};
}

async function customUserinfo(context: OidcContext, call: OidcCall, server: SandboxAuthServer) {
  const { org } = context;
  const { request, response } = call;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  // Errors carry CORS too, so the app can read the challenge.
  const cors = corsHeaders(context, request.headers.origin);
  const base = `${context.orgUrl()}/oauth2/${server.id}`;
  const refuse = (status: number, error: string, description: string) => {
    response.writeHead(status, {
      ...cors,
      'WWW-Authenticate': `Bearer authorization_uri="${base}/v1/authorize", realm="${base}", scope="openid", error="${error}", error_description="${description}", resource="/oauth2/${server.id}/v1/userinfo"`,
    });
    response.end();
  };
  if (bearer === undefined) {
    refuse(401, 'invalid_request', 'The access token is missing.');
    return;
  }
  const payload = await verifiedAccessToken(context, server, bearer);
  if (payload === undefined || context.revokedJwtIds.has(String(payload.jti))) {
    refuse(401, 'invalid_token', INVALID_TOKEN);
    return;
  }
  const scopes = Array.isArray(payload.scp) ? payload.scp.map(String) : [];
  if (!scopes.includes('openid')) {
    refuse(403, 'insufficient_scope', INSUFFICIENT_SCOPE);
    return;
  }
  const user = org.users.get(String(payload.uid));
  if (user?.status !== 'ACTIVE') {
    refuse(401, 'invalid_token', INVALID_TOKEN);
    return;
  }
  const answer = claimsForScopes(
    userClaims({ org, server, user, use: 'userinfo', scopes }),
    scopes,
  );
  sendJson(response, 200, answer, cors);
}

/** Any request but a CORS preflight (the provider answers those) to a custom server's userinfo. */
export const userinfoEndpoint: OidcEndpoint = {
  matches: (call) =>
    call.endpoint === '/v1/userinfo' &&
    call.server !== undefined &&
    call.request.method !== 'OPTIONS',
  async handle(context, call) {
    if (call.server !== undefined) {
      await customUserinfo(context, call, call.server);
    }
  },
};
