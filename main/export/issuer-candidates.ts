import { GROUP_FILTER_TYPES, type GroupsClaim } from '../../shared/setup/setup-document.ts';
import { collect } from '../okta/collections.ts';
import { issuerUrl } from '../okta/issuer.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { readOktaAuthServer, readOktaPolicy, readOktaPolicyRule } from '../okta/okta-json.ts';
import { asObject, stringOf, textOf } from '../platform/json.ts';
import { serverIdOfIssuer } from './issuer-choice.ts';

/**
 * What the org says about which authorization server an app's setup chose, for an export that
 * has the app but not its setup document (`sso-console export --app`, `rotate-secret --target`).
 *
 * @remarks
 * Okta keeps no link from an app to "its" server: any server whose access policy admits the
 * client will issue it tokens. What a setup leaves behind is an access policy naming the client
 * (`conditions.clients.include`), which the apply creates on the chosen server unless a policy
 * there already admits the client. A policy for `ALL_CLIENTS` (the `default` server's "Default
 * Policy") admits every app of the org, so it is read and reported, but it does not say which
 * server a setup chose; `issuer-choice.ts` decides what each finding means.
 */

/** An active custom authorization server and how its active access policies admit the client. */
export interface ServerCandidate {
  authServerId: string;
  name: string;
  /** The issuer an apply on this server reports: `{org}/oauth2/{id}`. */
  issuer: string;
  /** Names of the active policies whose `conditions.clients.include` holds the client id. */
  namingPolicies: string[];
  /** Names of the active policies for `ALL_CLIENTS`, which admit every app of the org. */
  allClientsPolicies: string[];
}

/**
 * Every active custom authorization server of the org, with the policies that admit `clientId`.
 *
 * @remarks
 * One listing of the servers and one of each active server's policies: the reads the export
 * already made to find the server (least-privilege.ts, task `export`).
 */
export async function readServerCandidates(
  client: OktaClient,
  orgUrl: string,
  clientId: string,
): Promise<ServerCandidate[]> {
  const api = client.authorizationServerApi;
  const servers = (await collect(await api.listAuthorizationServers({}))).map(readOktaAuthServer);
  const candidates: ServerCandidate[] = [];
  for (const server of servers) {
    if (server.id === undefined || server.status !== 'ACTIVE') {
      continue;
    }
    const policies = (
      await collect(await api.listAuthorizationServerPolicies({ authServerId: server.id }))
    )
      .map(readOktaPolicy)
      .filter((policy) => policy.status === 'ACTIVE');
    candidates.push({
      authServerId: server.id,
      name: server.name ?? server.id,
      issuer: issuerUrl(orgUrl, server.id),
      namingPolicies: policies
        .filter((policy) => policy.includedClients.includes(clientId))
        .map((policy) => policy.name),
      allClientsPolicies: policies
        .filter((policy) => policy.includedClients.includes('ALL_CLIENTS'))
        .map((policy) => policy.name),
    });
  }
  return candidates;
}

/** The scopes and the groups claim a custom server grants the client, as its setup left them. */
export interface ServerGrants {
  /**
   * The scopes of the active rules in the active policies naming the client, `openid` first;
   * `undefined` when no such rule lists scopes (no policy names the client, or only `*`).
   */
  scopes: string[] | undefined;
  /** The server's groups claim in the ID token, if it has one. */
  groupsClaim: GroupsClaim | undefined;
}

/** Okta Expression Language's group functions: an `EXPRESSION` claim using one lists groups. */
const GROUP_EXPRESSION = /\b(?:Groups\.|getFilteredGroups\s*\(|user\.getGroups\s*\()/;

/**
 * Reads a claim of a custom server as a document's groups claim, or `undefined` if it is not
 * one: an active ID-token claim whose value is groups (a filter), or an expression over groups.
 * The apply creates exactly such a claim for a setup's `groupsClaim` (okta-writes.ts, `claim`).
 */
export function readServerGroupsClaim(value: unknown): GroupsClaim | undefined {
  const json = asObject(value);
  const name = stringOf(json.name);
  if (name === undefined || name === '' || textOf(json.status) !== 'ACTIVE') {
    return undefined;
  }
  if (textOf(json.claimType) !== 'IDENTITY') {
    return undefined;
  }
  const claimValue = textOf(json.value);
  if (textOf(json.valueType) === 'GROUPS') {
    const filterType = GROUP_FILTER_TYPES.find((type) => type === json.group_filter_type);
    return { type: 'FILTER', name, filterType: filterType ?? 'REGEX', value: claimValue };
  }
  if (textOf(json.valueType) === 'EXPRESSION' && GROUP_EXPRESSION.test(claimValue)) {
    return { type: 'EXPRESSION', name, value: claimValue };
  }
  return undefined;
}

/** The scopes of `rules`, without `*`, in their order and once each, `openid` first. */
export function scopesOfRules(
  rules: readonly { status: string; scopes: readonly string[] }[],
): string[] | undefined {
  const scopes = [
    ...new Set(rules.filter((rule) => rule.status === 'ACTIVE').flatMap((rule) => rule.scopes)),
  ].filter((scope) => scope !== '*');
  if (scopes.length === 0) {
    return undefined;
  }
  return scopes.includes('openid')
    ? ['openid', ...scopes.filter((scope) => scope !== 'openid')]
    : ['openid', ...scopes];
}

/**
 * The scopes and groups claim `authServerId` grants `clientId`.
 *
 * @remarks
 * The scopes come from the rules of the policies that name the client, which the apply writes
 * with the setup's scopes; a policy for all clients (rule scopes `*`) says nothing about them. A
 * claim named `groups` is preferred when the server has more than one groups claim, since that
 * is the name targets read by default.
 */
export async function readServerGrants(
  client: OktaClient,
  authServerId: string,
  clientId: string,
): Promise<ServerGrants> {
  const api = client.authorizationServerApi;
  const policies = (await collect(await api.listAuthorizationServerPolicies({ authServerId })))
    .map(readOktaPolicy)
    .filter((policy) => policy.status === 'ACTIVE' && policy.includedClients.includes(clientId));
  const rules = [];
  for (const policy of policies) {
    rules.push(
      ...(
        await collect(
          await api.listAuthorizationServerPolicyRules({ authServerId, policyId: policy.id ?? '' }),
        )
      ).map(readOktaPolicyRule),
    );
  }
  const claims = (await collect(await api.listOAuth2Claims({ authServerId })))
    .map(readServerGroupsClaim)
    .filter((claim) => claim !== undefined);
  return {
    scopes: scopesOfRules(rules),
    groupsClaim: claims.find((claim) => claim.name === 'groups') ?? claims[0],
  };
}

/**
 * The scope names a custom server of this org defines, published in discovery or not; `undefined`
 * for the org server, an issuer of another org, or a server that cannot be read.
 *
 * @remarks
 * For the export's verification: discovery lists only the scopes published to all clients, and
 * the setup makes its own unpublished, which Okta grants all the same.
 */
export async function scopesOfServer(
  client: OktaClient,
  orgUrl: string,
  issuer: string,
): Promise<string[] | undefined> {
  const authServerId = serverIdOfIssuer(orgUrl, issuer);
  if (authServerId === null || authServerId === undefined) {
    return undefined;
  }
  try {
    const scopes = await collect(
      await client.authorizationServerApi.listOAuth2Scopes({ authServerId }),
    );
    return scopes
      .map((scope) => stringOf(asObject(scope).name))
      .filter((name) => name !== undefined);
  } catch {
    return undefined;
  }
}
