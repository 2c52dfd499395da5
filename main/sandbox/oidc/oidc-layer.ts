import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { IncomingMessage, type ServerResponse } from 'node:http';

import { decodeJwt, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';

import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';
import { readRequestBody } from '../../platform/http/read-body.ts';
import { logClientOf } from '../http-exchange.ts';
import { oktaError } from '../okta-errors.ts';
import { requestId } from '../okta-ids.ts';
import { verifyPassword } from '../passwords.ts';
import type { SandboxAuthServer, SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import {
  type LogClientInfo,
  type OAuthServerRef,
  recordOAuthAuthorize,
  recordSignInAttempt,
  type SignInFailureReason,
} from '../system-log.ts';
import { usersWithLogin } from '../user-directory.ts';
import {
  createAuthorizationServerProvider,
  errorPage,
  type OidcRequestContext,
  oidcRequestContext,
} from './authorization-server-provider.ts';
import { OidcArtifactStore } from './oidc-storage.ts';
import { claimsForScopes, userClaims } from './okta-claims.ts';
import {
  findClient,
  needsOpenidScope,
  type OAuthClientView,
  unknownScopes,
} from './okta-oauth-rules.ts';
import { realTimeMs, withSandboxTime } from './sandbox-time.ts';
import { renderSignInPage, SIGN_IN_FAILED_TEXT } from './sign-in-page.ts';

/** The OIDC side of the sandbox org: Okta's OAuth 2.0 / OIDC endpoints and its sign-in page. */
export interface OidcLayer {
  /** Whether a path belongs to OIDC (discovery, `/oauth2/…`, the sign-in page). */
  handles(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

/** The name a request reached the org by: its URL, or the (sandbox) custom domain. */
type IssuerHost = 'org' | 'custom-domain';

type ServerSelection =
  | { kind: 'org'; rest: string }
  | { kind: 'custom'; server: SandboxAuthServer; rest: string }
  | { kind: 'missing'; id: string };

const OIDC_PATH =
  /^\/(?:\.well-known\/(?:openid-configuration|oauth-authorization-server)$|oauth2\/|signin\/)/;

const SUPPORTED_RESPONSE_MODES = new Set(['query', 'fragment', 'form_post', 'okta_post_message']);
const SUPPORTED_GRANTS = new Set([
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'implicit',
  'password',
]);

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(JSON.stringify(body));
}

function sendHtml(response: ServerResponse, status: number, html: string) {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    // No form-action: the sign-in form's answer redirects on to the app's own origin, and
    // form-action would block that redirect.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  response.end(html);
}

function oauthError(
  response: ServerResponse,
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
) {
  sendJson(response, status, { error, error_description: description }, headers);
}

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

/** The client credentials a token-endpoint request carries, however it sent them. */
function clientCredentials(
  request: IncomingMessage,
  form: URLSearchParams,
):
  | {
      ok: true;
      clientId: string | undefined;
      secret: string | undefined;
      via: 'basic' | 'post' | 'none';
    }
  | { ok: false; multiple: true } {
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

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/**
 * Creates Okta's OIDC endpoints for the sandbox org on top of `oidc-provider`.
 *
 * @remarks
 * One provider per authorization server: the org server at `/oauth2/v1/*` and each custom server
 * at `/oauth2/{id}/v1/*`. In front of them, this layer answers what Okta answers before any
 * protocol work, with Okta's words: unknown or inactive clients and unregistered redirect URIs
 * as HTML 400 pages; PKCE, scope and `openid` rules as redirects; client authentication and code
 * checks at `/token`. Providers are rebuilt when a server's signing key or claims change, and
 * share their artifact store across rebuilds, so a login in flight survives an admin's edit.
 */
export function createOidcLayer(options: { org: SandboxOrg; orgUrl: () => string }): OidcLayer {
  const { org } = options;
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const stores = new Map<string, OidcArtifactStore>();
  const providers = new Map<string, { signature: string; provider: Provider }>();
  const revokedJwtIds = new Set<string>();

  function storeFor(key: string): OidcArtifactStore {
    let store = stores.get(key);
    if (store === undefined) {
      store = new OidcArtifactStore();
      stores.set(key, store);
    }
    return store;
  }

  function isTrustedCorsOrigin(origin: string): boolean {
    return [...org.trustedOrigins.values()].some(
      (trusted) =>
        trusted.status === 'ACTIVE' &&
        trusted.origin === origin &&
        trusted.scopes.some((scope) => scope.type === 'CORS'),
    );
  }

  /** The sandbox's stand-in for a custom domain: the same server, reached as `localhost`. */
  function customDomainUrl(): string {
    const url = new URL(options.orgUrl());
    url.hostname = 'localhost';
    return url.origin;
  }

  /** Which name the request used for the org: its URL, or the custom domain. */
  function hostOf(request: IncomingMessage): IssuerHost {
    const host = request.headers.host ?? '';
    return host === 'localhost' || host.startsWith('localhost:') ? 'custom-domain' : 'org';
  }

  /**
   * The issuer a request gets, per Okta's `issuer_mode` (okta-behaviours.md §2): `ORG_URL` the
   * org URL, `CUSTOM_URL` the custom domain, `DYNAMIC` whichever name the request used. The
   * app's mode counts on the org server; a custom server has its own `issuerMode`.
   */
  function issuerHostFor(
    server: SandboxAuthServer | undefined,
    client: OAuthClientView | undefined,
    request: IncomingMessage,
  ): IssuerHost {
    const mode =
      server === undefined
        ? (client?.issuerMode ?? 'DYNAMIC')
        : typeof server.record.issuerMode === 'string'
          ? server.record.issuerMode
          : 'ORG_URL';
    if (mode === 'ORG_URL') {
      return 'org';
    }
    return mode === 'CUSTOM_URL' ? 'custom-domain' : hostOf(request);
  }

  function issuerBase(host: IssuerHost): string {
    return host === 'org' ? options.orgUrl() : customDomainUrl();
  }

  function providerFor(server: SandboxAuthServer | undefined, host: IssuerHost): Provider {
    const serverKey = server?.id ?? 'org';
    const key = host === 'org' ? serverKey : `${serverKey}.cd`;
    const signingKey =
      server === undefined
        ? org.orgSigningKey
        : { kid: server.signingKey.kid, privateKeyPem: server.signingKey.privateKeyPem };
    const claimsSignature =
      server === undefined
        ? ''
        : JSON.stringify(
            [...server.claims.values()].map((claim) => [claim.name, claim.valueType]),
          ) + JSON.stringify(server.record.audiences);
    const signature = `${issuerBase(host)}|${signingKey.kid}|${claimsSignature}`;
    const cached = providers.get(key);
    if (cached?.signature === signature) {
      return cached.provider;
    }
    const provider = createAuthorizationServerProvider({
      org,
      placement: { orgUrl: issuerBase(host), server, key, sessionKey: serverKey },
      signingKey,
      // Both names share one store: a token issued under one is still that server's token.
      store: storeFor(serverKey),
      cookieKeys,
      isTrustedCorsOrigin,
    });
    providers.set(key, { signature, provider });
    return provider;
  }

  function selectServer(pathname: string): ServerSelection {
    if (pathname.startsWith('/.well-known/') || pathname.startsWith('/oauth2/v1/')) {
      return { kind: 'org', rest: pathname };
    }
    const match = /^\/oauth2\/([^/]+)(\/.*)?$/.exec(pathname);
    const id = decodeURIComponent(match?.[1] ?? '');
    const server = org.authServers.get(id);
    if (server?.record.status !== 'ACTIVE') {
      return { kind: 'missing', id };
    }
    return { kind: 'custom', server, rest: match?.[2] ?? '/' };
  }

  /** Hands a request to a provider, mounted where Okta puts that server. */
  async function forward(
    provider: Provider,
    selection: Extract<ServerSelection, { kind: 'org' | 'custom' }>,
    request: IncomingMessage,
    response: ServerResponse,
    context: OidcRequestContext = {},
  ) {
    const original = request.url ?? '/';
    const query = original.includes('?') ? original.slice(original.indexOf('?')) : '';
    let rest = selection.rest;
    // Okta serves both discovery documents with the same content.
    rest = rest.replace(
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    );
    (request as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    request.url = `${rest}${query}`;
    const callback = provider.callback() as (
      req: IncomingMessage,
      res: ServerResponse,
    ) => Promise<void> | void;
    await oidcRequestContext.run(context, async () => {
      await new Promise<void>((resolve) => {
        response.once('finish', resolve);
        response.once('close', resolve);
        void callback(request, response);
      });
    });
  }

  /** Who called, for the System Log (the request id is the one on the answer's headers). */
  function logClient(request: IncomingMessage, response: ServerResponse): LogClientInfo {
    const id = response.getHeader('X-Okta-Request-Id');
    return logClientOf(request, typeof id === 'string' ? id : requestId());
  }

  function serverRef(server: SandboxAuthServer | undefined): OAuthServerRef {
    return server === undefined
      ? { kind: 'org', issuer: options.orgUrl() }
      : { kind: 'custom', server, issuer: `${options.orgUrl()}/oauth2/${server.id}` };
  }

  /**
   * Okta's check at `/logout`: a `post_logout_redirect_uri` must be one of the app's sign-out
   * redirect URIs (the app is the ID token's audience, or `client_id`); `true` when refused.
   */
  function refuseLogout(params: URLSearchParams, response: ServerResponse): boolean {
    const target = params.get('post_logout_redirect_uri');
    if (target === null) {
      return false;
    }
    let clientId = params.get('client_id') ?? undefined;
    const hint = params.get('id_token_hint');
    if (clientId === undefined && hint !== null) {
      try {
        const audience = decodeJwt(hint).aud;
        clientId = Array.isArray(audience) ? audience[0] : audience;
      } catch {
        clientId = undefined;
      }
    }
    const client = clientId === undefined ? undefined : findClient(org, clientId);
    if (client?.postLogoutRedirectUris.includes(target) === true) {
      return false;
    }
    sendHtml(
      response,
      400,
      errorPage('400 Bad Request', OKTA_OAUTH_TEXTS.postLogoutUriNotRegistered),
    );
    return true;
  }

  /** Okta's pre-checks at `/authorize`; `true` when it has answered. */
  function refuseAuthorize(
    server: SandboxAuthServer | undefined,
    params: URLSearchParams,
    request: IncomingMessage,
    response: ServerResponse,
  ): boolean {
    const clientId = params.get('client_id') ?? undefined;
    const client = clientId === undefined ? undefined : findClient(org, clientId);
    const logRefusal = (reason: string) => {
      recordOAuthAuthorize(org, {
        authServer: serverRef(server),
        ...(client === undefined ? {} : { app: client.app }),
        clientId: clientId ?? '',
        outcome: 'FAILURE',
        reason,
        debugData: { redirectUri: params.get('redirect_uri') ?? '' },
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
      logRefusal(error);
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

  /** Okta's client authentication and code checks at `/token`; a context when they pass. */
  function checkTokenRequest(
    key: string,
    request: IncomingMessage,
    form: URLSearchParams,
    response: ServerResponse,
  ): OidcRequestContext | undefined {
    const credentials = clientCredentials(request, form);
    if (!credentials.ok) {
      oauthError(response, 400, 'invalid_request', OKTA_OAUTH_TEXTS.multipleCredentials);
      return undefined;
    }
    if (credentials.clientId === undefined || credentials.clientId === '') {
      oauthError(response, 401, 'invalid_client', OKTA_OAUTH_TEXTS.noCredentials);
      return undefined;
    }
    const client = findClient(org, credentials.clientId);
    if (!client?.active) {
      const { body } = oktaError(401, 'invalid_client', OKTA_OAUTH_TEXTS.unknownClientId);
      sendJson(response, 401, body);
      return undefined;
    }
    const context = authenticateClient(client, credentials, response);
    if (context === undefined) {
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
    if (grantType === 'authorization_code') {
      const code = storeFor(key).peek('AuthorizationCode', form.get('code') ?? '');
      if (code === undefined || code.consumed !== undefined) {
        oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.codeInvalid);
        return undefined;
      }
      if (code.clientId !== client.clientId) {
        oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.codeOtherClient);
        return undefined;
      }
      if (code.redirectUri !== form.get('redirect_uri')) {
        oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.redirectUriMismatch);
        return undefined;
      }
      const verifier = form.get('code_verifier');
      if (
        typeof code.codeChallenge === 'string' &&
        (verifier === null || s256(verifier) !== code.codeChallenge)
      ) {
        oauthError(response, 400, 'invalid_grant', OKTA_OAUTH_TEXTS.pkceVerificationFailed);
        return undefined;
      }
    }
    if (grantType === 'client_credentials' && (form.get('scope') ?? '') === '') {
      oauthError(response, 400, 'invalid_scope', OKTA_OAUTH_TEXTS.noScopes);
      return undefined;
    }
    return context;
  }

  function authenticateClient(
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

  /**
   * The claims of a custom server's JWT access token when its signature, issuer and lifetime
   * hold. `oidc-provider` does not store JWT access tokens, so the sandbox checks them the way a
   * resource server would, plus its own list of revoked ids.
   */
  async function verifiedAccessToken(
    server: SandboxAuthServer,
    token: string,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const key = createPublicKey({ key: server.signingKey.privateKeyPem, format: 'pem' });
      const { payload } = await jwtVerify(token, key, {
        issuer: [options.orgUrl(), customDomainUrl()].map((base) => `${base}/oauth2/${server.id}`),
        currentDate: org.clock(),
      });
      return payload;
    } catch {
      return undefined;
    }
  }

  /**
   * Introspection and revocation of a custom server's JWT access tokens, after the same client
   * authentication as `/token`; `false` when the token is not one of them (the provider answers).
   */
  async function handleJwtTokenEndpoint(
    server: SandboxAuthServer,
    endpoint: '/v1/introspect' | '/v1/revoke',
    request: IncomingMessage,
    form: URLSearchParams,
    response: ServerResponse,
  ): Promise<boolean> {
    const token = form.get('token') ?? '';
    if (token.split('.').length !== 3) {
      return false;
    }
    const credentials = clientCredentials(request, form);
    if (!credentials.ok) {
      oauthError(response, 400, 'invalid_request', OKTA_OAUTH_TEXTS.multipleCredentials);
      return true;
    }
    const client = findClient(org, credentials.clientId ?? '');
    if (!client?.active) {
      const { body } = oktaError(401, 'invalid_client', OKTA_OAUTH_TEXTS.unknownClientId);
      sendJson(response, 401, body);
      return true;
    }
    if (authenticateClient(client, credentials, response) === undefined) {
      return true;
    }
    const payload = await verifiedAccessToken(server, token);
    if (endpoint === '/v1/revoke') {
      if (payload?.cid === client.clientId) {
        revokedJwtIds.add(String(payload.jti));
      }
      response.writeHead(200, { 'Cache-Control': 'no-store' });
      response.end();
      return true;
    }
    if (payload?.cid !== client.clientId || revokedJwtIds.has(String(payload.jti))) {
      sendJson(response, 200, { active: false });
      return true;
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
    return true;
  }

  /** Userinfo on a custom server, whose JWT access tokens `oidc-provider` keeps for resources. */
  async function customUserinfo(
    server: SandboxAuthServer,
    request: IncomingMessage,
    response: ServerResponse,
  ) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    // A browser app reads userinfo across origins: answer with CORS for trusted origins, errors too.
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin !== undefined && isTrustedCorsOrigin(origin)
        ? {
            'Access-Control-Allow-Origin': origin,
            'Access-Control-Expose-Headers': 'WWW-Authenticate',
            Vary: 'Origin',
          }
        : {};
    const challenge = (error: string, description: string) => ({
      ...cors,
      'WWW-Authenticate': `Bearer authorization_uri="${options.orgUrl()}/oauth2/${server.id}/v1/authorize", realm="${options.orgUrl()}/oauth2/${server.id}", scope="openid", error="${error}", error_description="${description}", resource="/oauth2/${server.id}/v1/userinfo"`,
    });
    if (bearer === undefined) {
      response.writeHead(401, challenge('invalid_request', 'The access token is missing.'));
      response.end();
      return;
    }
    const payload = await verifiedAccessToken(server, bearer);
    if (payload === undefined) {
      response.writeHead(401, challenge('invalid_token', 'The access token is invalid.'));
      response.end();
      return;
    }
    if (revokedJwtIds.has(String(payload.jti))) {
      response.writeHead(401, challenge('invalid_token', 'The access token is invalid.'));
      response.end();
      return;
    }
    const scopes = Array.isArray(payload.scp) ? payload.scp.map(String) : [];
    if (!scopes.includes('openid')) {
      response.writeHead(
        403,
        challenge(
          'insufficient_scope',
          'The access token must provide access to at least one of these scopes - profile, email, address or phone',
        ),
      );
      response.end();
      return;
    }
    const user = org.users.get(String(payload.uid));
    if (user?.status !== 'ACTIVE') {
      response.writeHead(401, challenge('invalid_token', 'The access token is invalid.'));
      response.end();
      return;
    }
    const answer = claimsForScopes(
      userClaims({ org, server, user, use: 'userinfo', scopes }),
      scopes,
    );
    sendJson(response, 200, answer, cors);
  }

  async function handleSignIn(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<void> {
    const match = /^\/signin\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const key = match?.[1] ?? '';
    const host: IssuerHost = key.endsWith('.cd') ? 'custom-domain' : 'org';
    const serverKey = key.replace(/\.cd$/, '');
    const server = serverKey === 'org' ? undefined : org.authServers.get(serverKey);
    if (match === null || (serverKey !== 'org' && server === undefined)) {
      sendHtml(response, 404, errorPage('404 Not Found', 'This sign-in link is not valid.'));
      return;
    }
    const provider = providerFor(server, host);
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(request, response);
    } catch {
      sendHtml(
        response,
        400,
        errorPage(
          'Your sign-in session has expired',
          'Go back to the application and start signing in again.',
        ),
      );
      return;
    }
    const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : '';
    const appLabel = findClient(org, clientId)?.label ?? 'the application';
    const loginHint =
      typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
    if (request.method !== 'POST') {
      sendHtml(
        response,
        200,
        renderSignInPage({ action: url.pathname, appLabel, username: loginHint }),
      );
      return;
    }
    const form = new URLSearchParams(await readRequestBody(request, 16_384));
    const login = (form.get('username') ?? '').trim();
    const password = form.get('password') ?? '';
    // The directory's login index: a sign-in must not scan 100,000 users.
    const user = usersWithLogin(org, login)[0];
    const failure = signInFailure(user, password);
    if (failure !== undefined || user === undefined) {
      recordSignInAttempt(org, {
        login,
        ...(user === undefined ? {} : { user }),
        outcome: 'FAILURE',
        reason: failure ?? 'VERIFICATION_ERROR',
        client: logClient(request, response),
      });
      sendHtml(
        response,
        401,
        renderSignInPage({
          action: url.pathname,
          appLabel,
          username: login,
          error: SIGN_IN_FAILED_TEXT,
        }),
      );
      return;
    }
    const signedIn = user;
    signedIn.lastLogin = org.clock().toISOString();
    const app = findClient(org, clientId)?.app;
    recordSignInAttempt(org, {
      login,
      user: signedIn,
      outcome: 'SUCCESS',
      ...(app === undefined ? {} : { app }),
      client: logClient(request, response),
    });
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: signedIn.id, amr: ['pwd'] } },
      { mergeWithLastSubmission: false },
    );
  }

  /** Everything one OIDC request does, on the sandbox's clock (see {@link withSandboxTime}). */
  async function handleOnSandboxTime(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
  ): Promise<void> {
    await withSandboxTime(org.clock().getTime() - realTimeMs(), () =>
      handleRequest(request, response, url),
    );
  }

  return {
    handles: (pathname) => OIDC_PATH.test(pathname),
    handle: handleOnSandboxTime,
  };

  async function handleRequest(request: IncomingMessage, response: ServerResponse, url: URL) {
    if (url.pathname.startsWith('/signin/')) {
      await handleSignIn(request, response, url);
      return;
    }
    const selection = selectServer(url.pathname);
    if (selection.kind === 'missing') {
      const { status, body } = oktaError(
        404,
        'E0000007',
        `Not found: Resource not found: ${selection.id} (AuthorizationServer)`,
      );
      sendJson(response, status, body);
      return;
    }
    const server = selection.kind === 'custom' ? selection.server : undefined;
    const key = server?.id ?? 'org';
    const endpoint = selection.rest.replace(/^\/oauth2/, '');
    let form: { text: string; params: URLSearchParams } | undefined;
    if (
      request.method === 'POST' &&
      ['/v1/token', '/v1/introspect', '/v1/revoke'].includes(endpoint)
    ) {
      const text = await readRequestBody(request, 56 * 1024);
      form = { text, params: new URLSearchParams(text) };
    }
    const credentials = form === undefined ? undefined : clientCredentials(request, form.params);
    const requestClientId =
      url.searchParams.get('client_id') ??
      (credentials?.ok === true ? credentials.clientId : undefined);
    const requestClient =
      requestClientId === undefined ? undefined : findClient(org, requestClientId);
    const provider = providerFor(server, issuerHostFor(server, requestClient, request));

    if (endpoint.startsWith('/.well-known/') && url.searchParams.has('client_id')) {
      const client = findClient(org, url.searchParams.get('client_id') ?? '');
      if (client === undefined) {
        const { body } = oktaError(
          400,
          'invalid_client',
          "Invalid value for 'client_id' parameter",
        );
        sendJson(response, 400, body);
        return;
      }
    }
    if (endpoint === '/v1/authorize' && request.method === 'GET') {
      if (refuseAuthorize(server, url.searchParams, request, response)) {
        return;
      }
    }
    if (endpoint === '/v1/logout' && request.method === 'GET') {
      if (refuseLogout(url.searchParams, response)) {
        return;
      }
    }
    if (endpoint === '/v1/userinfo' && server !== undefined && request.method !== 'OPTIONS') {
      await customUserinfo(server, request, response);
      return;
    }
    if (endpoint === '/v1/token' && form !== undefined) {
      const context = checkTokenRequest(key, request, form.params, response);
      if (context === undefined) {
        return;
      }
      await forward(provider, selection, replayable(request, form.text), response, context);
      return;
    }
    if (
      server !== undefined &&
      (endpoint === '/v1/introspect' || endpoint === '/v1/revoke') &&
      form !== undefined
    ) {
      if (await handleJwtTokenEndpoint(server, endpoint, request, form.params, response)) {
        return;
      }
    }
    await forward(
      provider,
      selection,
      form === undefined ? request : replayable(request, form.text),
      response,
    );
  }
}

function signInFailure(
  user: SandboxUser | undefined,
  password: string,
): SignInFailureReason | undefined {
  if (user === undefined) {
    return 'VERIFICATION_ERROR';
  }
  if (user.passwordHash === null || !verifyPassword(password, user.passwordHash)) {
    return 'INVALID_CREDENTIALS';
  }
  if (user.status === 'SUSPENDED') {
    return 'LOCKED_OUT';
  }
  if (user.status !== 'ACTIVE') {
    return 'USER_NOT_ACTIVE';
  }
  return undefined;
}
