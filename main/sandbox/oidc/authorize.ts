import type { ServerResponse } from 'node:http';

import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import { recordOAuthAuthorize } from '../system-log.ts';
import { errorPage } from './authorization-server-provider.ts';
import type { OidcCall, OidcContext, OidcEndpoint } from './context.ts';
import { forwardToProvider } from './forwarding.ts';
import { logClient, sendHtml } from './http-answers.ts';
import { findClient, needsOpenidScope, unknownScopes } from './okta-oauth-rules.ts';

/**
 * `/authorize`: what Okta answers before any protocol work, in Okta's words — unknown or inactive
 * clients and unregistered redirect URIs as HTML 400 pages (no redirect can be trusted yet), and
 * response type, PKCE, scope and `openid` rules as redirects back to the app — each refusal in
 * the System Log. What passes, the provider serves.
 */

const SUPPORTED_RESPONSE_MODES = new Set(['query', 'fragment', 'form_post', 'okta_post_message']);

/** Redirects an `/authorize` error to the client, the way Okta does once the redirect URI is known. */
function redirectError(
  response: ServerResponse,
  redirectUri: string,
  params: URLSearchParams,
  error: string,
  description: string,
) {
  const target = new URL(redirectUri);
  const answer = new URLSearchParams({ error, error_description: description });
  const state = params.get('state');
  if (state !== null) {
    answer.set('state', state);
  }
  if (params.get('response_mode') === 'fragment') {
    target.hash = answer.toString();
  } else {
    for (const [key, value] of answer) {
      target.searchParams.set(key, value);
    }
  }
  response.writeHead(302, { Location: target.toString(), 'Cache-Control': 'no-store' });
  response.end();
}

/** Okta's pre-checks at `/authorize`; `true` when it has answered. */
function refuseAuthorize(context: OidcContext, call: OidcCall): boolean {
  const { org } = context;
  const { server, request, response } = call;
  const params = call.url.searchParams;
  const clientId = params.get('client_id') ?? undefined;
  const client = clientId === undefined ? undefined : findClient(org, clientId);
  const logRefusal = (reason: string, errorDescription?: string) => {
    recordOAuthAuthorize(org, {
      authServer: context.serverRef(server),
      ...(client === undefined ? {} : { app: client.app }),
      clientId: clientId ?? '',
      outcome: 'FAILURE',
      reason,
      debugData: {
        redirectUri: params.get('redirect_uri') ?? '',
        ...(errorDescription === undefined ? {} : { errorDescription }),
      },
      client: logClient(request, response),
    });
  };
  if (client === undefined) {
    logRefusal('invalid_client');
    sendHtml(response, 400, errorPage('400 Bad Request', OKTA_OAUTH_TEXTS.unknownClientId));
    return true;
  }
  if (!client.active) {
    logRefusal('app_inactive');
    sendHtml(response, 400, errorPage('400 Bad Request', undefined));
    return true;
  }
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === null || !client.redirectUris.includes(redirectUri)) {
    logRefusal('illegal_redirect_uri');
    sendHtml(
      response,
      400,
      errorPage('400 Bad Request', OKTA_OAUTH_TEXTS.redirectUriNotRegistered),
    );
    return true;
  }
  const refuse = (error: string, description: string) => {
    logRefusal(error, description);
    redirectError(response, redirectUri, params, error, description);
    return true;
  };
  const responseTypes = (params.get('response_type') ?? '').split(' ').filter(Boolean);
  const allowedResponse =
    responseTypes.length > 0 &&
    responseTypes.every(
      (type) =>
        (type === 'code' && client.grantTypes.includes('authorization_code')) ||
        ((type === 'id_token' || type === 'token') && client.grantTypes.includes('implicit')),
    );
  if (!allowedResponse) {
    return refuse('unsupported_response_type', OKTA_OAUTH_TEXTS.unsupportedResponseType);
  }
  const responseMode = params.get('response_mode');
  if (responseMode !== null && !SUPPORTED_RESPONSE_MODES.has(responseMode)) {
    return refuse('unsupported_response_mode', OKTA_OAUTH_TEXTS.unsupportedResponseMode);
  }
  if ((params.get('state') ?? '') === '') {
    return refuse('invalid_request', OKTA_OAUTH_TEXTS.stateRequired);
  }
  const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
  if (needsOpenidScope(scopes)) {
    return refuse('access_denied', OKTA_OAUTH_TEXTS.openidScopeRequired);
  }
  if (unknownScopes(server, scopes).length > 0) {
    return refuse('invalid_scope', OKTA_OAUTH_TEXTS.scopesNotConfigured);
  }
  if (responseTypes.includes('code')) {
    const challenge = params.get('code_challenge');
    if (challenge === null || challenge === '') {
      if (client.authMethod === 'none') {
        return refuse('invalid_request', OKTA_OAUTH_TEXTS.pkceRequiredForNone);
      }
      if (client.pkceRequired) {
        return refuse('invalid_request', OKTA_OAUTH_TEXTS.pkceRequiredByApp);
      }
    } else if (params.get('code_challenge_method') !== 'S256') {
      return refuse('invalid_request', OKTA_OAUTH_TEXTS.pkceMethodUnsupported);
    }
  }
  return false;
}

/**
 * Keeps `offline_access` on its way to the provider by adding `consent` to the request's
 * `prompt`.
 *
 * @remarks
 * Okta issues a refresh token for `offline_access` when the app has the `refresh_token` grant,
 * whatever the `prompt`; `oidc-provider` drops the scope unless `prompt` includes `consent`
 * (OIDC Core §11), and the sandbox's providers answer that prompt with no consent screen, as
 * Okta does for its TRUSTED apps (authorization-server-provider.ts). With `prompt=none`, which
 * admits no other value, the request is left as it is and gets no refresh token.
 */
function keepOfflineAccess(call: OidcCall): void {
  const { request } = call;
  const raw = request.url ?? '/';
  const at = raw.includes('?') ? raw.indexOf('?') : raw.length;
  const params = new URLSearchParams(raw.slice(at + 1));
  const scopes = (params.get('scope') ?? '').split(' ');
  const prompts = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (
    !scopes.includes('offline_access') ||
    prompts.includes('none') ||
    prompts.includes('consent')
  ) {
    return;
  }
  params.set('prompt', [...prompts, 'consent'].join(' '));
  request.url = `${raw.slice(0, at)}?${params.toString()}`;
}

/** A GET to `/authorize` on any server (a POST goes straight to the provider). */
export const authorizeEndpoint: OidcEndpoint = {
  matches: (call) => call.endpoint === '/v1/authorize' && call.request.method === 'GET',
  async handle(context, call) {
    if (!refuseAuthorize(context, call)) {
      keepOfflineAccess(call);
      await forwardToProvider(call);
    }
  },
};
