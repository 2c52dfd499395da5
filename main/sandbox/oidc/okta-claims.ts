import { randomBytes } from 'node:crypto';

import {
  groupsReleasedByExpression,
  readGroupsExpression,
} from '../../../shared/okta/groups-expression.ts';
import type { SandboxAuthServer, SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import { findClient, groupNamesFor, groupsClaimsFor } from './okta-oauth-rules.ts';

/** Okta's OIDC standard claims by scope (okta-behaviours.md §1 `claims_supported`). */
export const SCOPE_CLAIMS: Record<string, string[]> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** Claims Okta puts in every ID token besides `sub` (okta-behaviours.md §1, "Token contents"). */
export const ID_TOKEN_EXTRAS = ['ver', 'jti', 'amr', 'idp'];

/**
 * The claims Okta would release about a user: every standard claim the user has, the ID-token
 * extras (`ver`, `jti`, `amr`, `idp`) for ID tokens, and a custom server's IDENTITY groups claims
 * that apply to the requested scopes. Callers (the provider's claim mask, or the custom-server
 * userinfo) keep only what the scopes grant.
 */
export function userClaims(options: {
  org: SandboxOrg;
  server: SandboxAuthServer | undefined;
  user: SandboxUser;
  use: 'id_token' | 'userinfo';
  scopes: readonly string[];
  /** The client the claims are for: the org server's groups claim is a setting of its app. */
  clientId?: string | undefined;
}): Record<string, unknown> {
  const { org, server, user, use, scopes } = options;
  const profile = user.profile;
  const claims: Record<string, unknown> = {
    sub: user.id,
    name: [profile.firstName, profile.lastName].filter(Boolean).join(' '),
    given_name: profile.firstName,
    family_name: profile.lastName,
    preferred_username: profile.login,
    locale: typeof profile.locale === 'string' ? profile.locale : 'en_US',
    zoneinfo: typeof profile.timezone === 'string' ? profile.timezone : 'America/Los_Angeles',
    updated_at: Math.floor(Date.parse(user.lastUpdated) / 1000),
    email: profile.email,
    email_verified: true,
  };
  if (use === 'id_token') {
    Object.assign(claims, {
      ver: 1,
      jti: `ID.${randomBytes(32).toString('base64url')}`,
      amr: ['pwd'],
      idp: org.id,
    });
  }
  for (const claim of server === undefined ? [] : groupsClaimsFor(server, 'IDENTITY', scopes)) {
    claims[claim.name] = groupNamesFor(org, user, claim);
  }
  if (server === undefined && use === 'id_token' && scopes.includes('groups')) {
    const released = appGroupsClaimOf(org, user, options.clientId);
    if (released !== undefined) {
      claims[released.name] = released.groups;
    }
  }
  return claims;
}

/**
 * The org server's groups claim of the client's app (its Sign On tab) for a user: only in ID
 * tokens, only for the `groups` scope (Okta's guide "Add a groups claim for the org
 * authorization server": "you can only create an ID token with a groups claim"; "the scopes that
 * you need to include … are openid and groups").
 */
function appGroupsClaimOf(
  org: SandboxOrg,
  user: SandboxUser,
  clientId: string | undefined,
): { name: string; groups: string[] } | undefined {
  const claim =
    clientId === undefined ? undefined : findClient(org, clientId)?.app.idTokenGroupsClaim;
  if (claim === undefined) {
    return undefined;
  }
  if (claim.valueType === 'GROUPS') {
    return {
      name: claim.name,
      groups: groupNamesFor(org, user, {
        name: claim.name,
        filterType: claim.groupFilterType,
        value: claim.value,
      }),
    };
  }
  // Saved only when readable (`routes/app-groups-claim.ts`), so this always reads.
  const read = readGroupsExpression(claim.value);
  const everyGroup = groupNamesFor(org, user, {
    name: claim.name,
    filterType: 'REGEX',
    value: '.*',
  });
  return {
    name: claim.name,
    groups: read.ok ? groupsReleasedByExpression(read.expression, everyGroup) : [],
  };
}

/**
 * The names the org server's apps give their groups claims, sorted: the provider releases only
 * claims it was told of, under the `groups` scope, so it is rebuilt when this list changes.
 */
export function orgGroupsClaimNames(org: SandboxOrg): string[] {
  const names = new Set<string>();
  for (const app of org.apps.values()) {
    if (app.idTokenGroupsClaim !== undefined) {
      names.add(app.idTokenGroupsClaim.name);
    }
  }
  return [...names].sort();
}

/** Keeps the claims a set of scopes grants: `sub`, the scopes' standard claims, custom claims. */
export function claimsForScopes(
  claims: Record<string, unknown>,
  scopes: readonly string[],
): Record<string, unknown> {
  const standard = new Set(Object.values(SCOPE_CLAIMS).flat());
  const granted = new Set(scopes.flatMap((scope) => SCOPE_CLAIMS[scope] ?? []));
  return Object.fromEntries(
    Object.entries(claims).filter(
      ([name]) =>
        name === 'sub' ||
        granted.has(name) ||
        (!standard.has(name) && !ID_TOKEN_EXTRAS.includes(name)),
    ),
  );
}
