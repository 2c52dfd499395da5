import type { IncomingMessage, ServerResponse } from 'node:http';

import type { SandboxOrg } from '../sandbox-org.ts';
import { createOidcContext } from './context.ts';
import type { RelyingPartyFaultStore } from './relying-party-faults.ts';
import { routeOidcRequest } from './router.ts';
import { realTimeMs, withSandboxTime } from './sandbox-time.ts';

/** The OIDC side of the sandbox org: Okta's OAuth 2.0 / OIDC endpoints and its sign-in page. */
export interface OidcLayer {
  /** Whether a path belongs to OIDC (discovery, `/oauth2/…`, the sign-in page). */
  handles(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
  /**
   * The org authorization server's client-credentials access token with this value, while it
   * is valid (unexpired, unrevoked): what the management API accepts instead of an SSWS token.
   */
  clientAccessToken(value: string): ClientAccessToken | undefined;
}

/** A service app's access token from the org authorization server, as the management API sees it. */
export interface ClientAccessToken {
  clientId: string;
  scopes: ReadonlySet<string>;
  /** The JWK thumbprint of the DPoP key it is bound to (RFC 9449 §6), if it is. */
  jkt?: string;
}

const OIDC_PATH =
  /^\/(?:\.well-known\/(?:openid-configuration|oauth-authorization-server)$|oauth2\/|signin\/)/;

/**
 * Whether a path under `/oauth2/` is a management API path: the client role assignments,
 * `/oauth2/v1/clients/{clientId}/roles` (management.yaml), answered by the management routes.
 */
export function isManagementOnOAuthPath(pathname: string): boolean {
  return pathname.startsWith('/oauth2/v1/clients/');
}

/**
 * Creates Okta's OIDC endpoints for the sandbox org on top of `oidc-provider`.
 *
 * @remarks
 * The entry of the OIDC layer: it builds the shared context (`context.ts`: the org, its
 * providers and their stores) and lets the router (`router.ts`) hand each request to its
 * endpoint module, which answers what Okta answers before any protocol work, in Okta's words,
 * and leaves the rest to the provider. Every request runs on the sandbox's clock (see
 * {@link withSandboxTime}), so tokens, codes and sessions age with the org, not the machine.
 */
export function createOidcLayer(options: {
  org: SandboxOrg;
  orgUrl: () => string;
  relyingPartyFaults: RelyingPartyFaultStore;
}): OidcLayer {
  const context = createOidcContext(options);
  return {
    handles: (pathname) => OIDC_PATH.test(pathname) && !isManagementOnOAuthPath(pathname),
    handle: (request, response, url) =>
      withSandboxTime(options.org.clock().getTime() - realTimeMs(), () =>
        routeOidcRequest(context, request, response, url),
      ),
    clientAccessToken(value) {
      const token =
        value === '' ? undefined : context.storeFor('org').peek('ClientCredentials', value);
      // Expiry on the sandbox clock: the store ages its entries in real time, but a test that
      // moves the clock past `exp` must see the token expire.
      const expired =
        typeof token?.exp === 'number' && token.exp * 1000 <= options.org.clock().getTime();
      if (typeof token?.clientId !== 'string' || expired) {
        return undefined;
      }
      const scope = typeof token.scope === 'string' ? token.scope : '';
      return {
        clientId: token.clientId,
        scopes: new Set(scope.split(' ').filter(Boolean)),
        ...(typeof token.jkt === 'string' ? { jkt: token.jkt } : {}),
      };
    },
  };
}
