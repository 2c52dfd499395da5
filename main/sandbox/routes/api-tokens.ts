import { OKTA_ERRORS } from '../okta-errors.ts';
import type { SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import { adminChange, apiTokenId } from '../system-log.ts';
import type { Route, RouteResult } from './route.ts';

/** What `okta.apiTokens.manage` needs: only a super admin sees and revokes others' tokens. */
const TOKEN_ADMINS = ['SUPER_ADMIN'] as const;

/** An API token's metadata as Okta lists it (the token itself is never shown again). */
function tokenMetadata(orgUrl: string, token: string, user: SandboxUser) {
  const id = apiTokenId(token);
  return {
    id,
    name: `${user.profile.login}'s API token`,
    userId: user.id,
    clientName: 'Okta API',
    created: user.created,
    lastUpdated: user.created,
    // Okta sends `tokenWindow: "P30D"`, but management.yaml's pattern for it (`^P(?:$)…`)
    // matches only "P": left out, so the answer conforms to the spec the console is checked by.
    network: { connection: 'ANYWHERE' },
    _link: { self: { href: `${orgUrl}/api/v1/api-tokens/${id}` } },
  };
}

/** The token with this id, and its owner; `undefined` when none is active. */
function tokenById(org: SandboxOrg, id: string): { token: string; userId: string } | undefined {
  for (const [token, userId] of org.tokens) {
    if (apiTokenId(token) === id) {
      return { token, userId };
    }
  }
  return undefined;
}

function revoke(org: SandboxOrg, token: string, owner: SandboxUser | undefined): RouteResult {
  org.tokens.delete(token);
  return {
    status: 204,
    body: undefined,
    events:
      owner === undefined
        ? []
        : [
            adminChange('system.api_token.revoke', {
              id: apiTokenId(token),
              type: 'Token',
              alternateId: 'unknown',
              displayName: owner.profile.login,
            }),
          ],
  };
}

/**
 * The API token metadata routes: `listApiTokens`, `getApiToken`, `revokeApiToken`,
 * `revokeCurrentApiToken`. A revoked token answers E0000011 from its next request on, as Okta's
 * does — what an admin who revokes a token mid-apply causes.
 */
export const API_TOKEN_ROUTES: readonly Route[] = [
  {
    operationId: 'listApiTokens',
    queryParameters: [],
    method: 'GET',
    pattern: /^\/api\/v1\/api-tokens$/,
    allowedRoles: TOKEN_ADMINS,
    handle({ org, orgUrl }) {
      return {
        status: 200,
        body: [...org.tokens].flatMap(([token, userId]) => {
          const user = org.users.get(userId);
          return user === undefined ? [] : [tokenMetadata(orgUrl, token, user)];
        }),
      };
    },
  },
  {
    operationId: 'revokeCurrentApiToken',
    queryParameters: [],
    method: 'DELETE',
    pattern: /^\/api\/v1\/api-tokens\/current$/,
    allowedRoles: 'any',
    handle({ org, caller, callerToken }) {
      return callerToken === undefined
        ? OKTA_ERRORS.invalidToken()
        : revoke(org, callerToken, caller);
    },
  },
  {
    operationId: 'getApiToken',
    queryParameters: [],
    method: 'GET',
    pattern: /^\/api\/v1\/api-tokens\/(?<apiTokenId>[^/]+)$/,
    allowedRoles: TOKEN_ADMINS,
    handle({ org, orgUrl, params }) {
      const id = params.apiTokenId ?? '';
      const found = tokenById(org, id);
      const user = found === undefined ? undefined : org.users.get(found.userId);
      if (found === undefined || user === undefined) {
        return OKTA_ERRORS.notFound(id, 'ApiToken');
      }
      return { status: 200, body: tokenMetadata(orgUrl, found.token, user) };
    },
  },
  {
    operationId: 'revokeApiToken',
    queryParameters: [],
    method: 'DELETE',
    pattern: /^\/api\/v1\/api-tokens\/(?<apiTokenId>[^/]+)$/,
    allowedRoles: TOKEN_ADMINS,
    handle({ org, params }) {
      const id = params.apiTokenId ?? '';
      const found = tokenById(org, id);
      if (found === undefined) {
        return OKTA_ERRORS.notFound(id, 'ApiToken');
      }
      return revoke(org, found.token, org.users.get(found.userId));
    },
  },
];
