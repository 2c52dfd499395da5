import { ORG_AS_SCOPES } from '../../../shared/okta/oauth-texts.ts';
import { asObject, type JsonObject, stringOf, stringsOf, textOf } from '../../platform/json.ts';
import type { SandboxApp, SandboxAuthServer, SandboxOrg, SandboxUser } from '../sandbox-org.ts';

/** The OIDC scopes that need `openid` alongside (okta-behaviours.md §11). */
const OPENID_DEPENDENT_SCOPES = new Set(['profile', 'email', 'address', 'phone', 'groups']);

/** The OAuth view of an OIDC app: what the authorize and token endpoints need. */
export interface OAuthClientView {
  app: SandboxApp;
  clientId: string;
  active: boolean;
  applicationType: 'web' | 'browser' | 'native' | 'service';
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  responseTypes: string[];
  authMethod: string;
  pkceRequired: boolean;
  issuerMode: 'ORG_URL' | 'CUSTOM_URL' | 'DYNAMIC';
  label: string;
  /** Secrets that authenticate the client now (Okta allows two ACTIVE ones, for rotation). */
  activeSecrets: string[];
  /** The public keys of a `private_key_jwt` client (`settings.oauthClient.jwks.keys`). */
  jwks: JsonObject[];
  /** Whether Okta requires DPoP-bound access tokens (`dpop_bound_access_tokens`). */
  dpopBound: boolean;
}

/** Reads an app as an OAuth client; `undefined` for apps that are not OIDC (bookmarks). */
export function oauthClientView(app: SandboxApp): OAuthClientView | undefined {
  if (app.record.signOnMode !== 'OPENID_CONNECT') {
    return undefined;
  }
  const settings = asObject(asObject(app.record.settings).oauthClient);
  const credentials = asObject(asObject(app.record.credentials).oauthClient);
  const applicationType = settings.application_type;
  const issuerMode = settings.issuer_mode;
  return {
    app,
    clientId: stringOf(credentials.client_id) ?? app.id,
    active: app.record.status === 'ACTIVE',
    applicationType:
      applicationType === 'browser' || applicationType === 'native' || applicationType === 'service'
        ? applicationType
        : 'web',
    redirectUris: stringsOf(settings.redirect_uris),
    postLogoutRedirectUris: stringsOf(settings.post_logout_redirect_uris),
    grantTypes: stringsOf(settings.grant_types),
    responseTypes: stringsOf(settings.response_types),
    authMethod: stringOf(credentials.token_endpoint_auth_method) ?? 'client_secret_basic',
    pkceRequired: credentials.pkce_required === true,
    issuerMode: issuerMode === 'ORG_URL' || issuerMode === 'CUSTOM_URL' ? issuerMode : 'DYNAMIC',
    label: stringOf(app.record.label) ?? app.id,
    activeSecrets: app.secrets.filter((s) => s.status === 'ACTIVE').map((s) => s.secret),
    jwks: publicKeysOf(asObject(settings.jwks).keys),
    dpopBound: settings.dpop_bound_access_tokens === true,
  };
}

/**
 * The public JWKs of a key list, with any private member dropped: an admin may paste a whole
 * key pair, and only the public half may ever verify (or be rendered).
 */
function publicKeysOf(keys: unknown): JsonObject[] {
  const privateMembers = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
  return (Array.isArray(keys) ? keys : [])
    .map((key) => asObject(key))
    .map((key) =>
      Object.fromEntries(Object.entries(key).filter(([name]) => !privateMembers.has(name))),
    );
}

/** Finds the OIDC app whose `client_id` this is (it is the app id unless the admin chose one). */
export function findClient(org: SandboxOrg, clientId: string): OAuthClientView | undefined {
  const byId = org.apps.get(clientId);
  const direct = byId === undefined ? undefined : oauthClientView(byId);
  if (direct?.clientId === clientId) {
    return direct;
  }
  for (const app of org.apps.values()) {
    const view = oauthClientView(app);
    if (view?.clientId === clientId) {
      return view;
    }
  }
  return undefined;
}

/** Ids of the groups a user is in, including the built-in Everyone group. */
export function groupIdsOf(org: SandboxOrg, userId: string): Set<string> {
  const ids = new Set<string>();
  for (const [groupId, group] of org.groups) {
    if (group.type === 'BUILT_IN' && group.profile.name === 'Everyone') {
      ids.add(groupId);
    } else if (org.groupMembers.get(groupId)?.has(userId) === true) {
      ids.add(groupId);
    }
  }
  return ids;
}

/**
 * Whether the user may use the app: assigned directly, through one of their groups (Everyone
 * included), or the app is in Federation Broker Mode (`implicitAssignment`), which skips
 * assignments altogether.
 */
export function isAssigned(org: SandboxOrg, app: SandboxApp, userId: string): boolean {
  if (asObject(app.record.settings).implicitAssignment === true) {
    return true;
  }
  if (app.users.has(userId)) {
    return true;
  }
  const groups = groupIdsOf(org, userId);
  return [...app.groups.keys()].some((groupId) => groups.has(groupId));
}

/** Scopes in a request that the server does not know, in request order. */
export function unknownScopes(
  server: SandboxAuthServer | undefined,
  scopes: readonly string[],
): string[] {
  if (server === undefined) {
    return scopes.filter((scope) => !ORG_AS_SCOPES.has(scope) && !scope.startsWith('okta.'));
  }
  const known = new Set([...server.scopes.values()].map((scope) => scope.name));
  return scopes.filter((scope) => !known.has(scope));
}

/** Whether OIDC scopes were asked for without `openid` (Okta refuses those). */
export function needsOpenidScope(scopes: readonly string[]): boolean {
  return !scopes.includes('openid') && scopes.some((scope) => OPENID_DEPENDENT_SCOPES.has(scope));
}

function includes(condition: unknown, value: string, wildcard: string): boolean {
  const include = stringsOf(asObject(condition).include);
  return include.includes(wildcard) || include.includes(value);
}

function peopleMatch(condition: unknown, user: SandboxUser, groupIds: Set<string>): boolean {
  const people = asObject(condition);
  const users = asObject(people.users);
  if (stringsOf(users.exclude).includes(user.id)) {
    return false;
  }
  if (stringsOf(users.include).includes(user.id)) {
    return true;
  }
  const groups = asObject(people.groups);
  if (stringsOf(groups.exclude).some((id) => groupIds.has(id))) {
    return false;
  }
  const includedGroups = stringsOf(groups.include);
  if (includedGroups.length === 0 && stringsOf(users.include).length === 0) {
    return true;
  }
  return includedGroups.some((id) => id === 'EVERYONE' || groupIds.has(id));
}

/** The rule of a custom server's access policy that grants a request, as Okta evaluates it. */
export interface PolicyDecision {
  policyId: string;
  ruleId: string;
  accessTokenLifetimeMinutes: number;
}

/**
 * Evaluates a custom authorization server's access policies: the first ACTIVE policy (by priority)
 * that covers the client, then its first ACTIVE rule that covers the grant type, the user (through
 * people/groups) and every requested scope (`*` covers all). `undefined` means Okta's "Policy
 * evaluation failed…".
 */
export function evaluateAccessPolicy(
  org: SandboxOrg,
  server: SandboxAuthServer,
  request: {
    clientId: string;
    grantType: string;
    scopes: readonly string[];
    user: SandboxUser | undefined;
  },
): PolicyDecision | undefined {
  const byPriority = (a: JsonObject, b: JsonObject) =>
    Number(a.priority ?? 0) - Number(b.priority ?? 0);
  const policies = [...server.policies.values()]
    .filter((policy) => policy.status === 'ACTIVE')
    .sort(byPriority);
  const groupIds =
    request.user === undefined ? new Set<string>() : groupIdsOf(org, request.user.id);
  for (const policy of policies) {
    const clients = asObject(asObject(policy.conditions).clients);
    if (!includes(clients, request.clientId, 'ALL_CLIENTS')) {
      continue;
    }
    const rules = [...(server.rules.get(String(policy.id))?.values() ?? [])]
      .filter((rule) => rule.status === 'ACTIVE')
      .sort(byPriority);
    for (const rule of rules) {
      const conditions = asObject(rule.conditions);
      if (!stringsOf(asObject(conditions.grantTypes).include).includes(request.grantType)) {
        continue;
      }
      if (request.user !== undefined && !peopleMatch(conditions.people, request.user, groupIds)) {
        continue;
      }
      const allowedScopes = stringsOf(asObject(conditions.scopes).include);
      if (
        !allowedScopes.includes('*') &&
        !request.scopes.every((scope) => allowedScopes.includes(scope))
      ) {
        continue;
      }
      const token = asObject(asObject(rule.actions).token);
      return {
        policyId: String(policy.id),
        ruleId: String(rule.id),
        accessTokenLifetimeMinutes:
          typeof token.accessTokenLifetimeMinutes === 'number'
            ? token.accessTokenLifetimeMinutes
            : 60,
      };
    }
  }
  return undefined;
}

/** The groups claim of a custom server that applies to a token kind and the requested scopes. */
export interface GroupsClaim {
  name: string;
  filterType: 'STARTS_WITH' | 'EQUALS' | 'CONTAINS' | 'REGEX';
  value: string;
}

/**
 * The ACTIVE GROUPS claims of a custom server for a token (`IDENTITY` = ID token, `RESOURCE` =
 * access token), limited to the requested scopes when the claim is tied to some.
 */
export function groupsClaimsFor(
  server: SandboxAuthServer,
  claimType: 'IDENTITY' | 'RESOURCE',
  scopes: readonly string[],
): GroupsClaim[] {
  const claims: GroupsClaim[] = [];
  for (const claim of server.claims.values()) {
    if (claim.status !== 'ACTIVE' || claim.valueType !== 'GROUPS') {
      continue;
    }
    if (claim.claimType !== claimType) {
      continue;
    }
    const tiedScopes = stringsOf(asObject(claim.conditions).scopes);
    if (
      claim.alwaysIncludeInToken !== true &&
      tiedScopes.length > 0 &&
      !tiedScopes.some((scope) => scopes.includes(scope))
    ) {
      continue;
    }
    const filterType = claim.group_filter_type;
    claims.push({
      name: String(claim.name),
      filterType:
        filterType === 'EQUALS' || filterType === 'CONTAINS' || filterType === 'REGEX'
          ? filterType
          : 'STARTS_WITH',
      value: textOf(claim.value),
    });
  }
  return claims;
}

/** The names of the user's groups that pass a groups claim's filter (Everyone included). */
export function groupNamesFor(org: SandboxOrg, user: SandboxUser, claim: GroupsClaim): string[] {
  const matches = (name: string): boolean => {
    switch (claim.filterType) {
      case 'EQUALS':
        return name === claim.value;
      case 'CONTAINS':
        return name.includes(claim.value);
      case 'REGEX':
        try {
          return new RegExp(`^(?:${claim.value})$`, 'u').test(name);
        } catch {
          return false;
        }
      default:
        return name.startsWith(claim.value);
    }
  };
  return [...groupIdsOf(org, user.id)]
    .map((id) => org.groups.get(id)?.profile.name)
    .filter((name): name is string => name !== undefined && matches(name))
    .sort();
}
