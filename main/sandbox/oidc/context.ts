import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type Provider from 'oidc-provider';

import { trustedOriginMatches } from '../routes/trusted-origins.ts';
import type { SandboxAuthServer, SandboxOrg } from '../sandbox-org.ts';
import type { OAuthServerRef } from '../system-log.ts';
import { onUserSessionsRevoked } from '../user-sessions.ts';
import { createAuthorizationServerProvider } from './authorization-server-provider.ts';
import { misbehavingResponses } from './misbehaving-responses.ts';
import { OidcArtifactStore } from './oidc-storage.ts';
import { orgGroupsClaimNames } from './okta-claims.ts';
import type { RelyingPartyFaultStore } from './relying-party-faults.ts';

/**
 * What the sandbox's OIDC endpoints share, passed to each explicitly instead of living in one
 * closure: the org, its URLs, the `oidc-provider` instances and their artifact stores, and the
 * revoked JWT ids. The clock is the org's (`org.clock`), the System Log is written through the
 * org too, so an endpoint needs nothing beyond this object and its call.
 */

/** The name a request reached the org by: its URL, or the (sandbox) custom domain. */
export type IssuerHost = 'org' | 'custom-domain';

/** The state and services every OIDC endpoint of the sandbox org may use. */
export interface OidcContext {
  readonly org: SandboxOrg;
  /** The org's URL; a function because it is known only once the server listens. */
  orgUrl(): string;
  /** The sandbox's stand-in for a custom domain: the same server, reached as `localhost`. */
  customDomainUrl(): string;
  /**
   * The provider of one authorization server (`undefined`: the org server) under one issuer
   * name, rebuilt when the server's signing key, claims or audiences changed.
   */
  providerFor(server: SandboxAuthServer | undefined, host: IssuerHost): Provider;
  /** The artifact store of a server (`'org'` or its id), shared by its providers. */
  storeFor(serverKey: string): OidcArtifactStore;
  /**
   * Whether an origin is an ACTIVE trusted origin with the CORS scope (kept as sent, so
   * `https://app.example/` serves the origin `https://app.example`).
   */
  isTrustedCorsOrigin(origin: string): boolean;
  /** The authorization server as the System Log names it. */
  serverRef(server: SandboxAuthServer | undefined): OAuthServerRef;
  /**
   * The `jti`s of custom servers' JWT access tokens revoked at `/revoke`: `oidc-provider` keeps
   * no record of JWT access tokens, so the sandbox remembers their revocation itself.
   */
  readonly revokedJwtIds: Set<string>;
  /**
   * Revokes everything issued under one grant on a server (`'org'` or its id): the stored
   * tokens, codes and grant, and the JWT access tokens, which are not stored. Okta's answer to a
   * replayed refresh token (refresh-token-rotation.ts).
   */
  revokeGrant(serverKey: string, grantId: string): void;
  /** Interaction uid → the expired-password sign-in waiting on it (sign-in.ts). */
  readonly pendingPasswordChanges: Map<string, PendingPasswordChange>;
}

/**
 * A sign-in waiting for its user to replace an expired password: the user whose password was
 * right, for the interaction (by uid, which the browser's interaction cookie names) it belongs
 * to.
 */
export interface PendingPasswordChange {
  userId: string;
  /** Sandbox time after which the user must sign in again. */
  expiresAtMs: number;
}

/** A form body the router read before routing (it names the client, which picks the issuer). */
export interface PostedForm {
  text: string;
  params: URLSearchParams;
}

/** One OIDC request after routing: everything an endpoint is handed besides the context. */
export interface OidcCall {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  /** The authorization server addressed; `undefined` for the org server. */
  server: SandboxAuthServer | undefined;
  /** The path as the provider is mounted to see it (`/oauth2/v1/…` or `/v1/…`, discovery). */
  providerPath: string;
  /** The endpoint, the same for every server: `/v1/token`, `/.well-known/openid-configuration`… */
  endpoint: string;
  /** The body of a POST to `/token`, `/introspect` or `/revoke`, already read. */
  form: PostedForm | undefined;
  /** The provider that serves this request's server under its issuer name. */
  provider: Provider;
}

/** One endpoint (or endpoint family): which calls it takes, and how it answers them. */
export interface OidcEndpoint {
  /** Whether this endpoint answers the call; the first that does gets it. */
  matches(call: OidcCall): boolean;
  handle(context: OidcContext, call: OidcCall): Promise<void>;
}

/**
 * Builds the shared context of the OIDC layer.
 *
 * @remarks
 * One provider per authorization server and issuer name: the org server at `/oauth2/v1/*` and
 * each custom server at `/oauth2/{id}/v1/*`. Providers are rebuilt when a server's signing key or
 * claims change, and share their artifact store across rebuilds, so a login in flight survives
 * an admin's edit. Each provider's answers pass through the relying-party faults, which leave
 * them untouched while none is armed.
 */
export function createOidcContext(options: {
  org: SandboxOrg;
  orgUrl: () => string;
  /** The relying-party faults (`/__sandbox/oidc-faults`) every provider's answers pass through. */
  relyingPartyFaults: RelyingPartyFaultStore;
}): OidcContext {
  const { org, orgUrl } = options;
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const stores = new Map<string, OidcArtifactStore>();
  const providers = new Map<string, { signature: string; provider: Provider }>();

  const jwtIdsByUser = new Map<string, Set<string>>();
  const jwtIdsByGrant = new Map<string, Set<string>>();
  const revokedJwtIds = new Set<string>();
  // `DELETE /api/v1/users/{id}/sessions` ends the user's sessions (and tokens) on every server.
  onUserSessionsRevoked(org, ({ userId, oauthTokens }) => {
    for (const store of stores.values()) {
      store.revokeAccount(userId, oauthTokens);
    }
    if (oauthTokens) {
      for (const id of jwtIdsByUser.get(userId) ?? []) {
        revokedJwtIds.add(id);
      }
      jwtIdsByUser.delete(userId);
    }
  });

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
        trustedOriginMatches(trusted.origin, origin) &&
        trusted.scopes.some((scope) => scope.type === 'CORS'),
    );
  }

  function customDomainUrl(): string {
    const url = new URL(orgUrl());
    url.hostname = 'localhost';
    return url.origin;
  }

  function issuerBase(host: IssuerHost): string {
    return host === 'org' ? orgUrl() : customDomainUrl();
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
        ? JSON.stringify(orgGroupsClaimNames(org))
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
    provider.use(
      misbehavingResponses({ faults: options.relyingPartyFaults, serverKey, signingKey }),
    );
    // A custom server's JWT access tokens are not stored; their ids are kept per user, so ending
    // a user's sessions with `oauthTokens` can revoke them too.
    provider.on(
      'access_token.issued',
      (token: { accountId?: string; grantId?: string; jti: string }) => {
        if (token.accountId !== undefined) {
          const ids = jwtIdsByUser.get(token.accountId) ?? new Set<string>();
          ids.add(token.jti);
          jwtIdsByUser.set(token.accountId, ids);
        }
        // And per grant, so a replayed refresh token can revoke them with its grant.
        if (token.grantId !== undefined) {
          const ids = jwtIdsByGrant.get(token.grantId) ?? new Set<string>();
          ids.add(token.jti);
          jwtIdsByGrant.set(token.grantId, ids);
        }
      },
    );
    providers.set(key, { signature, provider });
    return provider;
  }

  function serverRef(server: SandboxAuthServer | undefined): OAuthServerRef {
    return server === undefined
      ? { kind: 'org', issuer: orgUrl() }
      : { kind: 'custom', server, issuer: `${orgUrl()}/oauth2/${server.id}` };
  }

  function revokeGrant(serverKey: string, grantId: string): void {
    storeFor(serverKey).revokeGrant(grantId);
    for (const id of jwtIdsByGrant.get(grantId) ?? []) {
      revokedJwtIds.add(id);
    }
    jwtIdsByGrant.delete(grantId);
  }

  return {
    org,
    orgUrl,
    customDomainUrl,
    providerFor,
    storeFor,
    isTrustedCorsOrigin,
    serverRef,
    revokedJwtIds,
    revokeGrant,
    pendingPasswordChanges: new Map(),
  };
}
