import type { IncomingMessage, ServerResponse } from 'node:http';

import { readRequestBody } from '../../platform/http/read-body.ts';
import { oktaError } from '../okta-errors.ts';
import type { SandboxAuthServer } from '../sandbox-org.ts';
import { authorizeEndpoint } from './authorize.ts';
import { clientCredentials } from './client-auth.ts';
import type { IssuerHost, OidcCall, OidcContext, OidcEndpoint, PostedForm } from './context.ts';
import { discoveryEndpoint } from './discovery.ts';
import { forwardToProvider } from './forwarding.ts';
import { sendJson } from './http-answers.ts';
import { introspectRevokeEndpoint } from './introspect-revoke.ts';
import { logoutEndpoint } from './logout.ts';
import { findClient, type OAuthClientView } from './okta-oauth-rules.ts';
import { handleSignIn } from './sign-in.ts';
import { tokenEndpoint } from './token.ts';
import { userinfoEndpoint } from './userinfo.ts';

/**
 * The OIDC layer's router: finds the authorization server a path addresses, reads the body of
 * the endpoints whose client picks the issuer, and hands the call to the first endpoint that
 * takes it — or to the provider, for everything Okta answers no differently (keys, the
 * discovery documents, the org server's userinfo, the provider's own checks).
 */

/** The endpoints that answer before (or instead of) the provider; their conditions never overlap. */
const ENDPOINTS: readonly OidcEndpoint[] = [
  discoveryEndpoint,
  authorizeEndpoint,
  logoutEndpoint,
  userinfoEndpoint,
  tokenEndpoint,
  introspectRevokeEndpoint,
];

/** The endpoints whose POSTed form is read up front: it may carry the client id. */
const FORM_ENDPOINTS = new Set(['/v1/token', '/v1/introspect', '/v1/revoke']);

/** The most a form body may hold; a bigger one fails the read instead of filling memory. */
const FORM_LIMIT_BYTES = 56 * 1024;

type ServerSelection =
  | { kind: 'org'; rest: string }
  | { kind: 'custom'; server: SandboxAuthServer; rest: string }
  | { kind: 'missing'; id: string };

function selectServer(context: OidcContext, pathname: string): ServerSelection {
  if (pathname.startsWith('/.well-known/') || pathname.startsWith('/oauth2/v1/')) {
    return { kind: 'org', rest: pathname };
  }
  const match = /^\/oauth2\/([^/]+)(\/.*)?$/.exec(pathname);
  const id = decodeURIComponent(match?.[1] ?? '');
  const server = context.org.authServers.get(id);
  if (server?.record.status !== 'ACTIVE') {
    return { kind: 'missing', id };
  }
  return { kind: 'custom', server, rest: match?.[2] ?? '/' };
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

/** The client a request names, in its query or its form's credentials. */
function requestClient(
  context: OidcContext,
  request: IncomingMessage,
  url: URL,
  form: PostedForm | undefined,
): OAuthClientView | undefined {
  const credentials = form === undefined ? undefined : clientCredentials(request, form.params);
  const clientId =
    url.searchParams.get('client_id') ??
    (credentials?.ok === true ? credentials.clientId : undefined);
  return clientId === undefined ? undefined : findClient(context.org, clientId);
}

/** Routes one OIDC request (the caller has checked that the path is an OIDC path). */
export async function routeOidcRequest(
  context: OidcContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  if (url.pathname.startsWith('/signin/')) {
    await handleSignIn(context, request, response, url);
    return;
  }
  const selection = selectServer(context, url.pathname);
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
  const endpoint = selection.rest.replace(/^\/oauth2/, '');
  let form: PostedForm | undefined;
  if (request.method === 'POST' && FORM_ENDPOINTS.has(endpoint)) {
    const text = await readRequestBody(request, FORM_LIMIT_BYTES);
    form = { text, params: new URLSearchParams(text) };
  }
  const client = requestClient(context, request, url, form);
  const call: OidcCall = {
    request,
    response,
    url,
    server,
    providerPath: selection.rest,
    endpoint,
    form,
    provider: context.providerFor(server, issuerHostFor(server, client, request)),
  };
  const target = ENDPOINTS.find((candidate) => candidate.matches(call));
  await (target === undefined ? forwardToProvider(call) : target.handle(context, call));
}
