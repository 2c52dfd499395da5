import type { IncomingMessage, ServerResponse } from 'node:http';

import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import { oktaError } from '../okta-errors.ts';
import type { SandboxOrg } from '../sandbox-org.ts';
import type { OidcRequestContext } from './authorization-server-provider.ts';
import { oauthError, sendJson } from './http-answers.ts';
import { findClient, type OAuthClientView } from './okta-oauth-rules.ts';

/**
 * Client authentication the way Okta does it at `/token`, `/introspect` and `/revoke`, with
 * Okta's words for each refusal — checked here, before `oidc-provider`, whose texts differ.
 */

/** The client credentials a token-endpoint request carries, however it sent them. */
export type ClientCredentials =
  | {
      ok: true;
      clientId: string | undefined;
      secret: string | undefined;
      via: 'basic' | 'post' | 'none';
    }
  | { ok: false; multiple: true };

/** Reads the credentials from the `Authorization: Basic` header or the form. */
export function clientCredentials(
  request: IncomingMessage,
  form: URLSearchParams,
): ClientCredentials {
  const header = request.headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  const postedSecret = form.get('client_secret') ?? undefined;
  if (basic?.[1] !== undefined) {
    if (postedSecret !== undefined || form.has('client_assertion')) {
      return { ok: false, multiple: true };
    }
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = decodeURIComponent(colon === -1 ? decoded : decoded.slice(0, colon));
    const secret = colon === -1 ? undefined : decodeURIComponent(decoded.slice(colon + 1));
    return { ok: true, clientId: id, secret, via: 'basic' };
  }
  const clientId = form.get('client_id') ?? undefined;
  return {
    ok: true,
    clientId,
    secret: postedSecret,
    via: postedSecret === undefined ? 'none' : 'post',
  };
}

/** Answers Okta's refusal when credentials came two ways at once; `true` when it answered. */
export function refuseMultipleCredentials(
  credentials: ClientCredentials,
  response: ServerResponse,
): credentials is Extract<ClientCredentials, { ok: false }> {
  if (credentials.ok) {
    return false;
  }
  oauthError(response, 400, 'invalid_request', OKTA_OAUTH_TEXTS.multipleCredentials);
  return true;
}

/** The ACTIVE OIDC client with this id, or `undefined` after answering Okta's 401. */
export function activeClientOrRefuse(
  org: SandboxOrg,
  clientId: string,
  response: ServerResponse,
): OAuthClientView | undefined {
  const client = findClient(org, clientId);
  if (!client?.active) {
    const { body } = oktaError(401, 'invalid_client', OKTA_OAUTH_TEXTS.unknownClientId);
    sendJson(response, 401, body);
    return undefined;
  }
  return client;
}

/**
 * Checks the presented secret against the client's authentication method; the provider's
 * request context when it holds, `undefined` after answering the refusal.
 */
export function authenticateClient(
  client: OAuthClientView,
  credentials: { secret: string | undefined; via: 'basic' | 'post' | 'none' },
  response: ServerResponse,
): OidcRequestContext | undefined {
  if (client.authMethod === 'none') {
    if (credentials.secret !== undefined) {
      oauthError(response, 401, 'invalid_client', OKTA_OAUTH_TEXTS.wrongAuthMethod);
      return undefined;
    }
    return { authMethodUsed: 'none' };
  }
  if (credentials.secret === undefined) {
    oauthError(response, 401, 'invalid_client', OKTA_OAUTH_TEXTS.noCredentials);
    return undefined;
  }
  if (!client.activeSecrets.includes(credentials.secret)) {
    oauthError(response, 401, 'invalid_client', OKTA_OAUTH_TEXTS.badSecret);
    return undefined;
  }
  // Okta accepts basic and post for a confidential web client (okta-behaviours.md §15).
  return {
    presentedSecret: credentials.secret,
    authMethodUsed: credentials.via === 'basic' ? 'client_secret_basic' : 'client_secret_post',
  };
}
