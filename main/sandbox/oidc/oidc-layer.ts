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
}

const OIDC_PATH =
  /^\/(?:\.well-known\/(?:openid-configuration|oauth-authorization-server)$|oauth2\/|signin\/)/;

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
    handles: (pathname) => OIDC_PATH.test(pathname),
    handle: (request, response, url) =>
      withSandboxTime(options.org.clock().getTime() - realTimeMs(), () =>
        routeOidcRequest(context, request, response, url),
      ),
  };
}
