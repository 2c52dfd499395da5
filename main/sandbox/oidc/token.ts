import { createHash } from 'node:crypto';

import { OKTA_OAUTH_TEXTS, oktaScopesNotAllowed } from '../../../shared/okta/oauth-texts.ts';
import { OKTA_API_SCOPES } from '../operation-scopes.ts';
import { recordOAuthTokenGrant, recordRefreshTokenReuse } from '../system-log.ts';
import type { OidcRequestContext } from './authorization-server-provider.ts';
import {
  activeClientOrRefuse,
  authenticateClient,
  clientCredentials,
  refuseMultipleCredentials,
} from './client-auth.ts';
import type { OidcCall, OidcContext, OidcEndpoint } from './context.ts';
import { forwardToProvider } from './forwarding.ts';
import { logClient, oauthError } from './http-answers.ts';
import type { OAuthClientView } from './okta-oauth-rules.ts';
import {
  judgeRefreshTokenUse,
  REFRESH_TOKEN_INVALID,
  refreshTokenSettingsOf,
} from './refresh-token-rotation.ts';

/**
 * `/token`: Okta's client authentication, grant and code checks in Okta's words, then the
 * provider issues the tokens (told how the client authenticated).
 */

const SUPPORTED_GRANTS = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'implicit',
  'password',
]);

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Okta's checks of an authorization code's redemption; `false` once it refused. */
function checkCode(context: OidcContext, call: OidcCall, form: URLSearchParams, clientId: string) {
  const { response } = call;
  const code = context
    .storeFor(call.server?.id ?? 'org')
    .peek('AuthorizationCode', form.get('code') ?? '');
  if (code === undefined || code.consumed !== undefined) {
    oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.codeInvalid);
    return false;
  }
  if (code.clientId !== clientId) {
    oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.codeOtherClient);
    return false;
  }
  if (code.redirectUri !== form.get('redirect_uri')) {
    oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.redirectUriMismatch);
    return false;
  }
  const verifier = form.get('code_verifier');
  if (
    typeof code.codeChallenge === 'string' &&
    (verifier === null || s256(verifier) !== code.codeChallenge)
  ) {
    oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.pkceVerificationFailed);
    return false;
  }
  return true;
}

/**
 * Okta's refresh-token rules at `/token` (refresh-token-rotation.ts): `refused` once it
 * answered, `grace` for a used token the provider may redeem once more, else `use`.
 *
 * @remarks
 * `oidc-provider` knows no grace period: it revokes the grant the moment a used refresh token
 * comes back. So the token is judged here first, on the sandbox clock: unknown, expired or
 * another client's → Okta's `invalid_grant`; used and still within the app's leeway → let
 * through once more (the provider then rotates it again); used after the leeway → Okta's reuse
 * detection, which revokes the whole grant (every refresh and access token issued since the
 * sign-in) and answers `invalid_grant`. A request without a `refresh_token` is the provider's
 * to refuse.
 */
function checkRefreshToken(
  context: OidcContext,
  call: OidcCall,
  form: URLSearchParams,
  client: OAuthClientView,
): 'refused' | 'grace' | 'use' {
  const { org } = context;
  const { request, response } = call;
  const value = form.get('refresh_token') ?? '';
  if (value === '') {
    return 'use';
  }
  const serverKey = call.server?.id ?? 'org';
  const store = context.storeFor(serverKey);
  const token = store.peek('RefreshToken', value);
  const user = typeof token?.accountId === 'string' ? org.users.get(token.accountId) : undefined;
  const grant = {
    authServer: context.serverRef(call.server),
    app: client.app,
    clientId: client.clientId,
    ...(user === undefined ? {} : { user }),
    debugData: { grantType: 'refresh_token' },
    client: logClient(request, response),
  };
  const refuse = () => {
    oauthError(response, 400, REFRESH_TOKEN_INVALID.error, REFRESH_TOKEN_INVALID.description);
    return 'refused' as const;
  };
  if (token?.clientId !== client.clientId) {
    recordOAuthTokenGrant(org, {
      ...grant,
      outcome: 'FAILURE',
      reason: REFRESH_TOKEN_INVALID.logReason,
    });
    return refuse();
  }
  const use = judgeRefreshTokenUse(
    token,
    refreshTokenSettingsOf(client.app),
    org.clock().getTime(),
  );
  if (use === 'reuse') {
    if (typeof token.grantId === 'string') {
      context.revokeGrant(serverKey, token.grantId);
    }
    recordRefreshTokenReuse(org, grant);
    return refuse();
  }
  return use;
}

/**
 * The requested scopes the org authorization server may not issue to this client: on the org
 * server, client credentials carry only Okta API scopes (`okta.*`), and only those granted to
 * the app (`/api/v1/apps/{appId}/grants`).
 */
function scopesNotGranted(client: OAuthClientView, requested: readonly string[]): string[] {
  const granted = new Set([...(client.app.scopeGrants?.values() ?? [])].map((g) => g.scopeId));
  return requested.filter(
    (scope) => scope !== '' && (!OKTA_API_SCOPES.has(scope) || !granted.has(scope)),
  );
}

/** What the checks at `/token` let through to the provider. */
interface CheckedTokenRequest {
  requestContext: OidcRequestContext;
  /** A used refresh token within its grace period, to reopen for this one request. */
  graceRefreshToken?: string;
}

/** Okta's client authentication, code and refresh-token checks at `/token`; what passed. */
function checkTokenRequest(
  context: OidcContext,
  call: OidcCall,
  form: URLSearchParams,
): CheckedTokenRequest | undefined {
  const { request, response } = call;
  const credentials = clientCredentials(request, form);
  if (refuseMultipleCredentials(credentials, response)) {
    return undefined;
  }
  if (credentials.clientId === undefined || credentials.clientId === '') {
    oauthError(response, 401, 'invalid_client', OKTA_OAUTH_TEXTS.noCredentials);
    return undefined;
  }
  const client = activeClientOrRefuse(context.org, credentials.clientId, response);
  if (client === undefined) {
    return undefined;
  }
  const requestContext = authenticateClient(client, credentials, response);
  if (requestContext === undefined) {
    return undefined;
  }
  const grantType = form.get('grant_type') ?? '';
  if (!SUPPORTED_GRANTS.has(grantType)) {
    oauthError(response, 400, 'unsupported_grant_type', OKTA_OAUTH_TEXTS.unsupportedGrantType);
    return undefined;
  }
  if (!client.grantTypes.includes(grantType)) {
    oauthError(
      response,
      400,
      'unauthorized_client',
      `${OKTA_OAUTH_TEXTS.grantNotAllowed} Configured grant types: [${client.grantTypes.join(', ')}].`,
    );
    return undefined;
  }
  if (grantType === 'authorization_code' && !checkCode(context, call, form, client.clientId)) {
    return undefined;
  }
  const refresh =
    grantType === 'refresh_token' ? checkRefreshToken(context, call, form, client) : 'use';
  if (refresh === 'refused') {
    return undefined;
  }
  if (grantType === 'client_credentials' && (form.get('scope') ?? '') === '') {
    oauthError(response, 400, 'invalid_scope', OKTA_OAUTH_TEXTS.noScopes);
    return undefined;
  }
  if (grantType === 'client_credentials' && call.server === undefined) {
    const refused = scopesNotGranted(client, (form.get('scope') ?? '').split(' '));
    if (refused.length > 0) {
      oauthError(response, 400, 'invalid_scope', oktaScopesNotAllowed(refused));
      return undefined;
    }
  }
  if (client.dpopBound && typeof request.headers.dpop !== 'string') {
    // Okta's answer to a DPoP app's token request without a proof (unverified wording).
    oauthError(response, 400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
    return undefined;
  }
  if (!client.dpopBound) {
    // The SDK sends a DPoP proof with every token request; an app that does not require DPoP
    // gets a Bearer token, as from Okta, which ignores the proof for such an app.
    delete request.headers.dpop;
  }
  return refresh === 'grace'
    ? { requestContext, graceRefreshToken: form.get('refresh_token') ?? '' }
    : { requestContext };
}

/** A POST to `/token` on any server (a GET goes to the provider, which refuses it). */
export const tokenEndpoint: OidcEndpoint = {
  matches: (call) => call.endpoint === '/v1/token' && call.form !== undefined,
  async handle(context, call) {
    const checked =
      call.form === undefined ? undefined : checkTokenRequest(context, call, call.form.params);
    if (checked === undefined) {
      return;
    }
    // A grace-period reuse: the provider sees the token unused for this request only, and
    // marks it used again when it rotates it; if it refuses the request instead, the mark is
    // put back, so a failed request never turns a used token into a fresh one.
    const restore =
      checked.graceRefreshToken === undefined
        ? undefined
        : context.storeFor(call.server?.id ?? 'org').reopenRefreshToken(checked.graceRefreshToken);
    try {
      await forwardToProvider(call, checked.requestContext);
    } finally {
      restore?.();
    }
  },
};
