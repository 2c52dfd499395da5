import { findTrustedOrigin } from '../../../shared/okta/trusted-origin-match.ts';
import { withoutTrailingSlashes } from '../../../shared/text.ts';
import { collect } from '../../okta/collections.ts';
import type { OktaClient } from '../../okta/okta-client.ts';
import { allOf, filterEquals } from '../../okta/okta-filter.ts';
import {
  type OktaAuthServer,
  type OktaPeopleCondition,
  type OktaPolicy,
  type OktaPolicyRule,
  readOktaApp,
  readOktaAppUser,
  readOktaAuthServer,
  readOktaClaim,
  readOktaDiscovery,
  readOktaGroup,
  readOktaPolicy,
  readOktaPolicyRule,
  readOktaScope,
  readOktaTrustedOrigin,
  readOktaUser,
} from '../../okta/okta-json.ts';
import { oktaPathSegment, requestOktaJson } from '../../okta/okta-request.ts';
import { asObject } from '../../platform/json.ts';

/**
 * What the diagnosis knows about the org when a preview fails: read once, only what the failed
 * request touched, so `diagnose` can stay a pure function of the failure and these facts.
 */
export interface OrgFacts {
  /** The org's URL (the org authorization server's issuer when `issuer_mode` is `ORG_URL`). */
  orgUrl: string;
  /** The request the preview made, as the diagnosis names it back to the admin. */
  request: {
    appId: string;
    redirectUri: string;
    requestedScopes: string[];
    origin: string | undefined;
  };
  /** The app, or `null` when the org has no app with this id (an unknown client). */
  app: AppFacts | null;
  /** The test user and whether they may use the app; `null` when no login was named. */
  user: UserFacts | null;
  /** The custom authorization server; `null` for the org authorization server. */
  authServer: AuthServerFacts | null;
  /** The trusted origin for `request.origin`; `null` when no origin was named. */
  trustedOrigin: { origin: string; exists: boolean; cors: boolean; redirect: boolean } | null;
  /** The issuer's discovery document, when it was read. */
  discovery: { url: string; status: number | null; issuer: string | null } | null;
  /** System Log events of the failed attempt, newest first; `null` when the token may not read them. */
  systemLog: SystemLogFact[] | null;
}

/** The app's OAuth settings as Okta holds them. */
export interface AppFacts {
  id: string;
  clientId: string;
  label: string;
  status: string;
  applicationType: string;
  redirectUris: string[];
  grantTypes: string[];
  pkceRequired: boolean;
  tokenEndpointAuthMethod: string;
  issuerMode: string;
  implicitAssignment: boolean;
}

/** The test user, looked up by login. */
export interface UserFacts {
  login: string;
  /** `null`: no user has this login. */
  id: string | null;
  status: string | null;
  /** How the user is assigned: directly (`USER`), through a group (`GROUP`), or not at all. */
  assignment: 'USER' | 'GROUP' | 'IMPLICIT' | null;
  /** Ids of the user's groups (Everyone included), for the access policy's people condition. */
  groupIds: string[];
}

/** A custom authorization server and how its access policy treats this request. */
export interface AuthServerFacts {
  id: string;
  /** `false`: the org has no server with this id (or no API Access Management). */
  exists: boolean;
  status: string | null;
  issuer: string | null;
  issuerMode: string | null;
  scopeNames: string[];
  /** Requested scopes the server does not define, in request order. */
  missingScopes: string[];
  claims: { name: string; claimType: string; valueType: string; status: string }[];
  /** Each policy that might cover the client, with each rule's verdict on this request. */
  policies: PolicyFact[];
  /** The rule that admits the request (client, `authorization_code`, scopes, user), if any. */
  admittedBy: { policy: string; rule: string } | null;
}

/** One access policy, as evaluated for the request. */
export interface PolicyFact {
  id: string;
  name: string;
  status: string;
  /** Whether `conditions.clients.include` names the client or `ALL_CLIENTS`. */
  coversClient: boolean;
  rules: {
    id: string;
    name: string;
    status: string;
    grantTypes: string[];
    /** Requested scopes the rule does not include (`*` includes all). */
    scopesNotIncluded: string[];
    /** `null` when no user is known. */
    coversUser: boolean | null;
  }[];
}

/** One System Log event, as the diagnosis shows it. */
export interface SystemLogFact {
  published: string;
  eventType: string;
  outcome: string;
  reason: string | null;
}

/** `undefined` for a 404, the value otherwise; other errors propagate. */
async function unless404<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      return undefined;
    }
    throw error;
  }
}

function appFactsOf(app: unknown): AppFacts {
  const {
    id = '',
    label,
    status,
    oauthClient,
    clientCredentials,
    implicitAssignment,
  } = readOktaApp(app);
  return {
    id,
    clientId: clientCredentials.clientId ?? id,
    label,
    status,
    applicationType: oauthClient.applicationType,
    redirectUris: oauthClient.redirectUris,
    grantTypes: oauthClient.grantTypes,
    pkceRequired: clientCredentials.pkceRequired,
    tokenEndpointAuthMethod: clientCredentials.tokenEndpointAuthMethod,
    issuerMode: oauthClient.issuerMode,
    implicitAssignment,
  };
}

/** What {@link gatherOrgFacts} reads. */
export interface OrgFactsRequest {
  appId: string;
  userLogin?: string;
  /** The custom server the request went to; `null` for the org authorization server. */
  authServerId: string | null;
  requestedScopes: readonly string[];
  redirectUri: string;
  /** A browser app's origin, to check for a trusted origin with CORS. */
  origin?: string;
  /** Where the failed attempt starts, for the System Log (default: 15 minutes ago). */
  since?: Date;
  /** To read the issuer's discovery document (omit to skip it). */
  fetch?: typeof fetch;
  clock?: () => Date;
}

/**
 * Reads, concurrently, what the diagnosis of a failed preview needs — and only that.
 *
 * @remarks
 * Every read is one the admin's token may already make for the setup (apps, users, servers,
 * trusted origins), except the System Log, which needs `okta.logs.read`: a 403 there means "no
 * events", never a failed diagnosis. A 404 is a fact too (an unknown client, a missing
 * server), so it is recorded, not thrown. The policy walk repeats Okta's evaluation — first
 * ACTIVE policy naming the client, then its ACTIVE rule covering grant, user and scopes — so the
 * diagnosis can name the policy and rule that fall short, not just say "policy".
 */
export async function gatherOrgFacts(
  client: OktaClient,
  request: OrgFactsRequest,
): Promise<OrgFacts> {
  const now = (request.clock ?? (() => new Date()))();
  const orgUrl = withoutTrailingSlashes(client.baseUrl);
  const scopes = [...request.requestedScopes];
  const [app, user, server, trustedOrigin, systemLog] = await Promise.all([
    unless404(() => client.applicationApi.getApplication({ appId: request.appId })),
    request.userLogin === undefined
      ? Promise.resolve(null)
      : readUser(client, request.appId, request.userLogin),
    request.authServerId === null
      ? Promise.resolve(null)
      : readServer(client, request.authServerId, scopes),
    request.origin === undefined
      ? Promise.resolve(null)
      : readTrustedOrigin(client, request.origin),
    readSystemLog(client, request, now),
  ]);
  const appFacts = app === undefined ? null : appFactsOf(app);
  if (user !== null && appFacts?.implicitAssignment === true && user.id !== null) {
    user.assignment = 'IMPLICIT';
  }
  const authServer =
    server === null
      ? null
      : evaluatePolicies(server, appFacts?.clientId ?? request.appId, scopes, user);
  const issuer =
    request.authServerId === null ? orgUrl : `${orgUrl}/oauth2/${request.authServerId}`;
  return {
    orgUrl,
    request: {
      appId: request.appId,
      redirectUri: request.redirectUri,
      requestedScopes: scopes,
      origin: request.origin,
    },
    app: appFacts,
    user,
    authServer,
    trustedOrigin,
    discovery:
      request.fetch === undefined
        ? null
        : await readDiscovery(request.fetch, issuer, appFacts?.clientId ?? request.appId),
    systemLog,
  };
}

async function readUser(client: OktaClient, appId: string, login: string): Promise<UserFacts> {
  const [found] = await collect(
    await client.userApi.listUsers({
      search: filterEquals('profile.login', login),
    }),
  );
  const user = found === undefined ? undefined : readOktaUser(found);
  if (user?.id === undefined) {
    return { login, id: null, status: null, assignment: null, groupIds: [] };
  }
  const userId = user.id;
  const [appUser, groups] = await Promise.all([
    unless404(() => client.applicationApi.getApplicationUser({ appId, userId })),
    collect(await client.userApi.listUserGroups({ userId })),
  ]);
  const scope = appUser === undefined ? undefined : readOktaAppUser(appUser).scope;
  return {
    login,
    id: userId,
    status: user.status ?? null,
    assignment: scope === 'USER' || scope === 'GROUP' ? scope : null,
    groupIds: groups.map(readOktaGroup).flatMap((group) => group.id ?? []),
  };
}

interface RawServer {
  id: string;
  server: OktaAuthServer | undefined;
  scopeNames: string[];
  missingScopes: string[];
  claims: AuthServerFacts['claims'];
  policies: { policy: OktaPolicy; rules: OktaPolicyRule[] }[];
}

async function readServer(
  client: OktaClient,
  authServerId: string,
  requestedScopes: string[],
): Promise<RawServer> {
  const api = client.authorizationServerApi;
  const found = await unless404(() => api.getAuthorizationServer({ authServerId }));
  if (found === undefined) {
    return {
      id: authServerId,
      server: undefined,
      scopeNames: [],
      missingScopes: [],
      claims: [],
      policies: [],
    };
  }
  const [scopes, claims, policies] = await Promise.all([
    collect(await api.listOAuth2Scopes({ authServerId })),
    collect(await api.listOAuth2Claims({ authServerId })),
    collect(await api.listAuthorizationServerPolicies({ authServerId })),
  ]);
  const withRules = await Promise.all(
    policies.map(readOktaPolicy).map(async (policy) => ({
      policy,
      rules: (
        await collect(
          await api.listAuthorizationServerPolicyRules({ authServerId, policyId: policy.id ?? '' }),
        )
      ).map(readOktaPolicyRule),
    })),
  );
  const scopeNames = scopes.map((scope) => readOktaScope(scope).name);
  return {
    id: authServerId,
    server: readOktaAuthServer(found),
    scopeNames,
    missingScopes: requestedScopes.filter((scope) => !scopeNames.includes(scope)),
    claims: claims
      .map(readOktaClaim)
      .map(({ name, claimType, valueType, status }) => ({ name, claimType, valueType, status })),
    policies: withRules,
  };
}

/** Okta's access-policy evaluation for this client, grant, user and the requested scopes. */
function evaluatePolicies(
  server: RawServer,
  clientId: string,
  requestedScopes: readonly string[],
  user: UserFacts | null,
): AuthServerFacts {
  // Unknown scopes fail before the policy (`invalid_scope`), so rules are judged on the rest.
  const known = requestedScopes.filter((scope) => !server.missingScopes.includes(scope));
  const knownUser = user !== null && user.id !== null ? user : null;
  const byPriority = (a: { priority: number }, b: { priority: number }) => a.priority - b.priority;
  const policies: PolicyFact[] = [...server.policies]
    .sort((a, b) => byPriority(a.policy, b.policy))
    .map(({ policy, rules }) => {
      const clients = policy.includedClients;
      return {
        id: policy.id ?? '',
        name: policy.name,
        status: policy.status,
        coversClient: clients.includes('ALL_CLIENTS') || clients.includes(clientId),
        rules: [...rules].sort(byPriority).map((rule) => ({
          id: rule.id ?? '',
          name: rule.name,
          status: rule.status,
          grantTypes: rule.grantTypes,
          scopesNotIncluded: rule.scopes.includes('*')
            ? []
            : known.filter((scope) => !rule.scopes.includes(scope)),
          coversUser: knownUser === null ? null : peopleCover(rule.people, knownUser),
        })),
      };
    });
  let admittedBy: AuthServerFacts['admittedBy'] = null;
  for (const policy of policies) {
    if (policy.status !== 'ACTIVE' || !policy.coversClient) {
      continue;
    }
    const rule = policy.rules.find(
      (candidate) =>
        candidate.status === 'ACTIVE' &&
        candidate.grantTypes.includes('authorization_code') &&
        candidate.scopesNotIncluded.length === 0 &&
        candidate.coversUser !== false,
    );
    if (rule !== undefined) {
      admittedBy = { policy: policy.name, rule: rule.name };
      break;
    }
  }
  const found = server.server;
  return {
    id: server.id,
    exists: found !== undefined,
    status: found === undefined ? null : found.status,
    issuer: found === undefined ? null : found.issuer || null,
    issuerMode: found === undefined ? null : found.issuerMode || null,
    scopeNames: server.scopeNames,
    missingScopes: server.missingScopes,
    claims: server.claims,
    policies,
    admittedBy,
  };
}

/** Okta's people condition: users and groups included/excluded, no condition = everyone. */
function peopleCover({ users, groups }: OktaPeopleCondition, user: UserFacts): boolean {
  const userId = user.id ?? '';
  if (users.exclude.includes(userId)) {
    return false;
  }
  if (users.include.includes(userId)) {
    return true;
  }
  if (groups.exclude.some((id) => user.groupIds.includes(id))) {
    return false;
  }
  const included = groups.include;
  if (included.length === 0 && users.include.length === 0) {
    return true;
  }
  return included.some((id) => id === 'EVERYONE' || user.groupIds.includes(id));
}

/** Whether `origin` is a trusted origin of the org, and with which scopes. */
export async function readTrustedOrigin(
  client: OktaClient,
  origin: string,
): Promise<NonNullable<OrgFacts['trustedOrigin']>> {
  const origins = await collect(await client.trustedOriginApi.listTrustedOrigins({}));
  // Matched as an origin: Okta keeps `https://a.example/` as it was sent.
  const found = findTrustedOrigin(origins.map(readOktaTrustedOrigin), origin);
  const types = found?.scopeTypes ?? [];
  return {
    origin,
    exists: found !== undefined,
    cors: types.includes('CORS'),
    redirect: types.includes('REDIRECT'),
  };
}

/**
 * The Okta status of the user with `login` (`ACTIVE`, `SUSPENDED`, …), or `null` when no user has
 * that login or it could not be read: read before a preview's sign-in, so one Okta would refuse
 * is said at once.
 *
 * @remarks
 * A user read by login is read from the primary, unlike a search, so an admin who has just
 * unsuspended the user is not stopped again by a replica that has not caught up. A user on the
 * way to ACTIVE (`transitioningToStatus`) counts as ACTIVE. Any failure to read (a token without
 * `okta.users.read`, a 429) answers `null`: the preview then goes on and finds out by signing in.
 */
export async function readUserStatus(client: OktaClient, login: string): Promise<string | null> {
  if (['', '.', '..'].includes(login.trim())) {
    // `/api/v1/users/`, `…/users/.` and `…/users/..` would list the directory, or worse.
    return null;
  }
  try {
    // Read as JSON: only two fields are needed, and `getUser` would first build the whole User
    // model, which costs more CPU than the request on a fast org, while the preview waits for
    // it (issue 16, P5). The login keeps its `@`, which a service app's DPoP proof needs.
    const url = new URL(`/api/v1/users/${oktaPathSegment(login)}`, client.baseUrl);
    const json = asObject((await requestOktaJson(client, 'GET', url.toString())).body);
    if (json.transitioningToStatus === 'ACTIVE') {
      return 'ACTIVE';
    }
    return typeof json.status === 'string' ? json.status : null;
  } catch {
    return null;
  }
}

/** Events about the app since the attempt began; `null` when the token may not read the log. */
async function readSystemLog(
  client: OktaClient,
  request: OrgFactsRequest,
  now: Date,
): Promise<SystemLogFact[] | null> {
  const since = request.since ?? new Date(now.getTime() - 15 * 60_000);
  try {
    const events = await collect(
      await client.systemLogApi.listLogEvents({
        since: since.toISOString(),
        // A bounded query: without `until` the log is a poll that never ends.
        until: new Date(now.getTime() + 60_000).toISOString(),
        filter: allOf(
          filterEquals('target.id', request.appId),
          filterEquals('outcome.result', 'FAILURE'),
        ),
        sortOrder: 'DESCENDING',
        limit: 20,
      }),
      20,
    );
    return events.map((event) => ({
      published: publishedOf(event.published as unknown),
      eventType: event.eventType ?? '',
      outcome: event.outcome?.result ?? '',
      reason: event.outcome?.reason ?? null,
    }));
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 403 || status === 401) {
      return null;
    }
    throw error;
  }
}

/** The SDK types `published` as a string but may hand over a `Date`. */
function publishedOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : '';
}

async function readDiscovery(
  fetcher: typeof fetch,
  issuer: string,
  clientId: string,
): Promise<NonNullable<OrgFacts['discovery']>> {
  const url = `${issuer}/.well-known/openid-configuration?client_id=${encodeURIComponent(clientId)}`;
  try {
    const response = await fetcher(url, { redirect: 'manual' });
    const { issuer } = readOktaDiscovery(response.ok ? await response.json() : {});
    return { url, status: response.status, issuer: issuer || null };
  } catch {
    return { url, status: null, issuer: null };
  }
}
