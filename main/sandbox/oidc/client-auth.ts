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
      /** `assertion`: a `client_assertion` in the form (`private_key_jwt`). */
      via: 'basic' | 'post' | 'none' | 'assertion';
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
  const assertion = form.get('client_assertion') ?? undefined;
  if (assertion !== undefined && postedSecret !== undefined) {
    return { ok: false, multiple: true };
  }
  if (assertion !== undefined) {
    // The SDK sends no `client_id` with an assertion: the client is the assertion's subject
    // (RFC 7523 §3). Its signature is checked by the provider, with the app's JWKS.
    return {
      ok: true,
      clientId: form.get('client_id') ?? assertionSubject(assertion),
      secret: undefined,
      via: 'assertion',
    };
  }
  const clientId = form.get('client_id') ?? undefined;
  return {
    ok: true,
    clientId,
    secret: postedSecret,
    via: postedSecret === undefined ? 'none' : 'post',
  };
}

/** The `sub` of a client assertion, read without verifying it (the provider verifies it). */
function assertionSubject(assertion: string): string | undefined {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    const sub = (payload as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** The `client_assertion_type` of a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

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
  credentials: { secret: string | undefined; via: 'basic' | 'post' | 'none' | 'assertion' },
  response: ServerResponse,
): OidcRequestContext | undefined {
  if (client.authMethod === 'private_key_jwt') {
    // Only a signed assertion authenticates such a client; the provider checks its signature
    // against the app's JWKS, its audience, expiry and `jti` (replay).
    if (credentials.via !== 'assertion') {
      oauthError(
        response,
        401,
        'invalid_client',
        credentials.secret === undefined
          ? OKTA_OAUTH_TEXTS.noCredentials
          : OKTA_OAUTH_TEXTS.wrongAuthMethod,
      );
      return undefined;
    }
    return { authMethodUsed: 'private_key_jwt' };
  }
  if (credentials.via === 'assertion') {
    // An assertion for a client registered with a secret (or none): not its method.
    oauthError(response, 401, 'invalid_client', OKTA_OAUTH_TEXTS.wrongAuthMethod);
    return undefined;
  }
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
