import { decodeJwt } from 'jose';

import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import { errorPage } from './authorization-server-provider.ts';
import type { OidcEndpoint } from './context.ts';
import { forwardToProvider } from './forwarding.ts';
import { sendHtml } from './http-answers.ts';
import { findClient } from './okta-oauth-rules.ts';

/**
 * `/logout`: Okta's check of the `post_logout_redirect_uri` (it must be one of the app's
 * sign-out redirect URIs, an HTML 400 page otherwise), then the provider ends the session.
 */

/**
 * The app a logout names: `client_id`, else the ID token hint's audience (decoded, not verified:
 * it only names the app whose sign-out redirect URIs are checked).
 */
function logoutClientId(params: URLSearchParams): string | undefined {
  const clientId = params.get('client_id') ?? undefined;
  const hint = params.get('id_token_hint');
  if (clientId !== undefined || hint === null) {
    return clientId;
  }
  try {
    const audience = decodeJwt(hint).aud;
    return Array.isArray(audience) ? audience[0] : audience;
  } catch {
    return undefined;
  }
}

/** A GET to `/logout` on any server. */
export const logoutEndpoint: OidcEndpoint = {
  matches: (call) => call.endpoint === '/v1/logout' && call.request.method === 'GET',
  async handle(context, call) {
    const params = call.url.searchParams;
    const target = params.get('post_logout_redirect_uri');
    if (target !== null) {
      const clientId = logoutClientId(params);
      const client = clientId === undefined ? undefined : findClient(context.org, clientId);
      if (client?.postLogoutRedirectUris.includes(target) !== true) {
        sendHtml(
          call.response,
          400,
          errorPage('400 Bad Request', OKTA_OAUTH_TEXTS.postLogoutUriNotRegistered),
        );
        return;
      }
    }
    await forwardToProvider(call);
  },
};
