import { createHash } from 'node:crypto';

import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import type { OidcRequestContext } from './authorization-server-provider.ts';
import {
  activeClientOrRefuse,
  authenticateClient,
  clientCredentials,
  refuseMultipleCredentials,
} from './client-auth.ts';
import type { OidcCall, OidcContext, OidcEndpoint } from './context.ts';
import { forwardToProvider } from './forwarding.ts';
import { oauthError } from './http-answers.ts';

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

/** Okta's client authentication and code checks at `/token`; a context when they pass. */
function checkTokenRequest(
  context: OidcContext,
  call: OidcCall,
  form: URLSearchParams,
): OidcRequestContext | undefined {
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
  if (grantType === 'client_credentials' && (form.get('scope') ?? '') === '') {
    oauthError(response, 400, 'invalid_scope', OKTA_OAUTH_TEXTS.noScopes);
    return undefined;
  }
  return requestContext;
}

/** A POST to `/token` on any server (a GET goes to the provider, which refuses it). */
export const tokenEndpoint: OidcEndpoint = {
  matches: (call) => call.endpoint === '/v1/token' && call.form !== undefined,
  async handle(context, call) {
    const requestContext =
      call.form === undefined ? undefined : checkTokenRequest(context, call, call.form.params);
    if (requestContext !== undefined) {
      await forwardToProvider(call, requestContext);
    }
  },
};
