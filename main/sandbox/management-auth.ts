import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';

import type { ClientAccessToken } from './oidc/oidc-layer.ts';
import { findClient } from './oidc/okta-oauth-rules.ts';
import { OKTA_ERRORS, type OktaErrorResponse } from './okta-errors.ts';
import { scopesRequiredBy } from './operation-scopes.ts';
import type { SandboxApp, SandboxOrg, SandboxUser } from './sandbox-org.ts';

/**
 * Who calls the management API, and how: an admin's SSWS API token, or a service app's OAuth
 * 2.0 access token from the org authorization server (`Bearer`, or `DPoP` with a proof).
 *
 * @remarks
 * An SSWS token acts with all of its admin's roles and is never held to scopes, as on Okta. An
 * access token is held to both: the `okta.*` scopes the operation's `security` block in
 * management.yaml names (operation-scopes.ts), then the admin roles assigned to the app as a
 * client — scopes let the app reach an endpoint, roles decide what it may do there (Okta's
 * support article "E0000006 … despite having correct scopes").
 */
export type ManagementCaller =
  | { kind: 'ssws'; user: SandboxUser; token: string }
  | {
      kind: 'oauth';
      /**
       * The app as the routes' caller: its client id, label and the admin roles assigned to it,
       * in the shape the routes read of a caller (they record its id as `createdBy`).
       */
      user: SandboxUser;
      app: SandboxApp;
      clientId: string;
      scopes: ReadonlySet<string>;
      /** Whether the token is DPoP-bound (its refusals then challenge with `DPoP`). */
      dpop: boolean;
    };

/** A refusal to answer with, headers included. */
export interface AuthRefusal extends OktaErrorResponse {
  headers: Record<string, string>;
}

/** How long a DPoP proof stays acceptable after its `iat`, and how long its `jti` is kept. */
const PROOF_WINDOW_SECONDS = 300;

/** The algorithms Okta takes in a DPoP proof, as its `WWW-Authenticate: DPoP algs=…` lists them. */
const PROOF_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** Okta's words for a DPoP proof claim it refuses (okta/okta-sdk-nodejs#453, #521). */
function claimInvalid(claim: string): string {
  return `'${claim}' claim in the DPoP proof JWT is invalid.`;
}

/** Decodes a path's percent-escapes, or keeps it when they are malformed. */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** What {@link createManagementAuth} needs of the server. */
export interface ManagementAuthOptions {
  org: SandboxOrg;
  orgUrl: () => string;
  clientAccessToken: (value: string) => ClientAccessToken | undefined;
}

/** The management API's authentication and its per-operation scope check. */
export interface ManagementAuth {
  /** Who the request acts as, or Okta's 401. */
  authenticate(request: IncomingMessage, url: URL): Promise<ManagementCaller | AuthRefusal>;
  /**
   * Okta's 403 when an access token lacks a scope the operation needs; `undefined` when it may
   * go on (always for SSWS, which is bounded by its admin's roles alone).
   */
  refuseMissingScope(
    caller: ManagementCaller,
    operationId: string,
    url: URL,
  ): AuthRefusal | undefined;
}

/** Creates the management API's authentication for one org. */
export function createManagementAuth(options: ManagementAuthOptions): ManagementAuth {
  const { org } = options;
  /** `jti` → when it may be forgotten (ms): a proof is accepted once (RFC 9449 §11.1). */
  const seenProofs = new Map<string, number>();

  /**
   * Okta's `WWW-Authenticate` challenge: `Bearer …`, or for a DPoP token `DPoP algs="…", …`
   * (okta/okta-sdk-nodejs#453 shows one in full).
   */
  function challenge(
    scheme: 'Bearer' | 'DPoP',
    fields: { scope?: string; error: string; description: string; resource: string },
  ): Record<string, string> {
    const orgUrl = options.orgUrl();
    const parts = [
      ...(scheme === 'DPoP' ? [`DPoP algs="${PROOF_ALGORITHMS.join(' ')}"`] : []),
      `authorization_uri="${orgUrl}/oauth2/v1/authorize"`,
      `realm="${orgUrl}"`,
      ...(fields.scope === undefined ? [] : [`scope="${fields.scope}"`]),
      `error="${fields.error}"`,
      `error_description="${fields.description}"`,
      `resource="${fields.resource}"`,
    ];
    const value = parts.join(', ');
    return { 'WWW-Authenticate': scheme === 'DPoP' ? value : `Bearer ${value}` };
  }

  /** Okta's 401 for a token it does not accept. */
  function invalidToken(scheme: 'Bearer' | 'DPoP', description: string, url: URL): AuthRefusal {
    return {
      ...OKTA_ERRORS.invalidToken(),
      headers: challenge(scheme, {
        error: 'invalid_token',
        description,
        resource: url.pathname,
      }),
    };
  }

  /**
   * A DPoP proof refused: 401 with `error="invalid_dpop_proof"` in the DPoP challenge (RFC 9449
   * §7.1). Okta has been seen answering 400 instead (okta/okta-sdk-nodejs#521), a status
   * management.yaml declares for none of these operations; the sandbox keeps to the spec's 401
   * and Okta's challenge text, which is what a client reads.
   */
  function invalidProof(description: string, url: URL): AuthRefusal {
    return {
      ...OKTA_ERRORS.invalidToken(),
      headers: challenge('DPoP', {
        error: 'invalid_dpop_proof',
        description,
        resource: url.pathname,
      }),
    };
  }

  function sswsCaller(token: string): ManagementCaller | undefined {
    const userId = org.tokens.get(token);
    const user = userId === undefined ? undefined : org.users.get(userId);
    return user?.status === 'ACTIVE' ? { kind: 'ssws', user, token } : undefined;
  }

  /** Checks a DPoP proof for this request and token (RFC 9449 §4.3, §7.1); a problem or none. */
  async function proofProblem(
    proof: string,
    request: IncomingMessage,
    url: URL,
    token: string,
    jkt: string,
  ): Promise<string | undefined> {
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: PROOF_ALGORITHMS,
      });
      const now = org.clock().getTime();
      const iat = typeof payload.iat === 'number' ? payload.iat * 1000 : Number.NaN;
      if (!(Math.abs(now - iat) <= PROOF_WINDOW_SECONDS * 1000)) {
        return claimInvalid('iat');
      }
      if (payload.htm !== (request.method ?? 'GET')) {
        return claimInvalid('htm');
      }
      const htu = typeof payload.htu === 'string' ? URL.parse(payload.htu) : null;
      // The URL the client called: this path on the host it named (the org, or localhost).
      // Okta compares `htu` with the request path percent-decoded, so a proof whose `htu` keeps
      // an escape (`%40` in a login) is refused, as on Okta (okta/okta-sdk-nodejs#521).
      if (
        htu === null ||
        htu.host !== request.headers.host ||
        htu.pathname !== decodedPath(url.pathname)
      ) {
        return claimInvalid('htu');
      }
      if (payload.ath !== createHash('sha256').update(token).digest('base64url')) {
        return claimInvalid('ath');
      }
      if (protectedHeader.jwk === undefined) {
        return 'DPoP proof JWT cannot be parsed.';
      }
      if ((await calculateJwkThumbprint(protectedHeader.jwk)) !== jkt) {
        return claimInvalid('jwk');
      }
      const jti = typeof payload.jti === 'string' ? payload.jti : '';
      for (const [seen, until] of seenProofs) {
        if (until <= now) {
          seenProofs.delete(seen);
        }
      }
      if (jti === '' || seenProofs.has(jti)) {
        return claimInvalid('jti');
      }
      seenProofs.set(jti, now + PROOF_WINDOW_SECONDS * 2000);
      return undefined;
    } catch {
      return 'DPoP proof JWT cannot be parsed.';
    }
  }

  async function oauthCaller(
    scheme: 'Bearer' | 'DPoP',
    value: string,
    request: IncomingMessage,
    url: URL,
  ): Promise<ManagementCaller | AuthRefusal> {
    const token = options.clientAccessToken(value);
    const view = token === undefined ? undefined : findClient(org, token.clientId);
    if (token === undefined || view?.active !== true) {
      return invalidToken(scheme, 'The access token is invalid.', url);
    }
    if (token.jkt !== undefined) {
      // A DPoP-bound token is worthless without its key: as Bearer, or without a proof.
      const proof = request.headers.dpop;
      if (scheme !== 'DPoP' || typeof proof !== 'string') {
        return invalidToken('DPoP', 'The access token is bound to a DPoP key.', url);
      }
      const problem = await proofProblem(proof, request, url, value, token.jkt);
      if (problem !== undefined) {
        return invalidProof(problem, url);
      }
    } else if (scheme === 'DPoP') {
      return invalidToken('Bearer', 'The access token is not bound to a DPoP key.', url);
    }
    const { app } = view;
    const label = typeof app.record.label === 'string' ? app.record.label : token.clientId;
    const created = typeof app.record.created === 'string' ? app.record.created : '';
    return {
      kind: 'oauth',
      app,
      clientId: token.clientId,
      scopes: token.scopes,
      dpop: token.jkt !== undefined,
      user: {
        id: token.clientId,
        status: 'ACTIVE',
        created,
        activated: created,
        statusChanged: null,
        lastUpdated: created,
        passwordChanged: null,
        lastLogin: null,
        profile: { firstName: label, lastName: '', login: token.clientId, email: '' },
        passwordHash: null,
        adminRoles: app.adminRoles ?? [],
      },
    };
  }

  return {
    async authenticate(request, url) {
      const header = request.headers.authorization ?? '';
      const match = /^(SSWS|Bearer|DPoP)\s+(\S+)$/i.exec(header);
      const scheme = match?.[1]?.toLowerCase();
      const value = match?.[2] ?? '';
      if (scheme === 'ssws') {
        return sswsCaller(value) ?? { ...OKTA_ERRORS.invalidToken(), headers: {} };
      }
      if (scheme === 'bearer' || scheme === 'dpop') {
        return oauthCaller(scheme === 'dpop' ? 'DPoP' : 'Bearer', value, request, url);
      }
      return { ...OKTA_ERRORS.invalidToken(), headers: {} };
    },
    refuseMissingScope(caller, operationId, url) {
      if (caller.kind === 'ssws') {
        return undefined;
      }
      const required = scopesRequiredBy(operationId) ?? [];
      if (required.length === 0) {
        // No scope reaches this operation (only `apiToken` in its security block, or internal).
        const refusal: AuthRefusal = { ...OKTA_ERRORS.accessDenied(), headers: {} };
        return refusal;
      }
      const missing = required.filter((scope) => !satisfies(caller.scopes, scope));
      if (missing.length === 0) {
        return undefined;
      }
      return {
        ...OKTA_ERRORS.accessDenied(),
        headers: challenge(caller.dpop ? 'DPoP' : 'Bearer', {
          scope: missing.join(' '),
          error: 'insufficient_scope',
          description: 'The access token provided does not contain the required scopes.',
          resource: url.pathname,
        }),
      };
    },
  };
}

/**
 * Whether granted scopes cover a required one: itself, or for a `.read` scope its `.manage`
 * (Okta: "/api/v1/groups requires the `okta.groups.read` or `okta.groups.manage` scope").
 */
export function satisfies(granted: ReadonlySet<string>, required: string): boolean {
  return (
    granted.has(required) ||
    (required.endsWith('.read') && granted.has(`${required.slice(0, -'.read'.length)}.manage`))
  );
}

/** Whether a refusal or a caller came back from {@link ManagementAuth.authenticate}. */
export function isRefusal(value: ManagementCaller | AuthRefusal): value is AuthRefusal {
  return 'status' in value;
}
