import { findTrustedOrigin } from '../../shared/okta/trusted-origin-match.ts';
import type { GroupsClaim, SetupDocument } from '../../shared/setup/setup-document.ts';
import { getAppGroupsClaim } from './app-groups-claim.ts';
import { collect } from './collections.ts';
import type { OktaClient } from './okta-client.ts';
import { anyEquals } from './okta-filter.ts';
import {
  type OktaApp,
  readOktaApp,
  readOktaAuthServer,
  readOktaClaim,
  readOktaGroup,
  readOktaPolicy,
  readOktaPolicyRule,
  readOktaScope,
  readOktaTrustedOrigin,
  readOktaUser,
} from './okta-json.ts';

// Kept here too: the console's bodies and exports import the mark from the snapshot it is read by.
export { SETUP_MARK_KEY } from './okta-json.ts';

/**
 * What the org holds today for one setup document — only the objects the document names.
 *
 * @remarks
 * Read by {@link readOrgSnapshot} through the SDK, and faked freely in unit tests: planning is a pure
 * function of the document and this snapshot, so every plan can be tested without an org.
 */
export interface OrgSnapshot {
  /** The document's app: the one it names, or the one carrying its mark; `undefined` if none. */
  app:
    | {
        id: string;
        /** Its OAuth client id (Okta's default is the app id). */
        clientId?: string | undefined;
        fields: AppFields;
        status: string;
        /** Okta's timestamps: when it was made, and its version for the stale-plan check. */
        created?: string | undefined;
        lastUpdated?: string | undefined;
      }
    | undefined;
  /** User id by login, for the logins the document names (absent: no such user). */
  usersByLogin: Map<string, { id: string }>;
  /** Group id by name, for the names the document names. */
  groupsByName: Map<string, { id: string }>;
  /** The app's direct user assignments and group assignments (ids). */
  appUserIds: Set<string>;
  appGroupIds: Set<string>;
  /**
   * Trusted origins by the document's origin URL (the org's may be spelled another way, e.g.
   * with a trailing `/`: matched as origins, see `trusted-origin-match.ts`).
   */
  trustedOrigins: Map<string, { id: string; scopes: string[]; lastUpdated?: string | undefined }>;
  /**
   * The app's groups claim on the org authorization server (its Sign On tab), read only when the
   * document asks for one there and the app exists; `undefined` otherwise or when none is set.
   */
  appGroupsClaim?: GroupsClaim | undefined;
  /** The custom authorization server, when the document uses one and it exists. */
  authServer:
    | {
        id: string;
        lastUpdated?: string | undefined;
        scopeNames: Set<string>;
        claims: { name: string; valueType: string; claimType: string }[];
        /** Whether an ACTIVE policy and rule already admit the client for its grant types. */
        admitsClient: boolean;
      }
    | undefined;
}

/** The app fields the console manages, in the document's terms, compared field by field. */
export interface AppFields {
  label: string;
  applicationType: string;
  grantTypes: string[];
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  initiateLoginUri: string | undefined;
  pkceRequired: boolean;
  tokenEndpointAuthMethod: string;
  consentMethod: string;
  issuerMode: string;
  implicitAssignment: boolean;
}

/** The setup id an app carries in its profile, if the console created it. */
export function setupMarkOf(app: unknown): string | undefined {
  return readOktaApp(app).setupId;
}

/** An Okta app as the console's compared fields. */
export function appFieldsOf(app: unknown): AppFields {
  const { label, oauthClient, clientCredentials, implicitAssignment } = readOktaApp(app);
  return {
    label,
    applicationType: oauthClient.applicationType,
    grantTypes: oauthClient.grantTypes,
    redirectUris: oauthClient.redirectUris,
    postLogoutRedirectUris: oauthClient.postLogoutRedirectUris,
    initiateLoginUri: oauthClient.initiateLoginUri,
    pkceRequired: clientCredentials.pkceRequired,
    tokenEndpointAuthMethod: clientCredentials.tokenEndpointAuthMethod,
    consentMethod: oauthClient.consentMethod,
    issuerMode: oauthClient.issuerMode,
    implicitAssignment,
  };
}

/**
 * Finds the document's app: the one it names (`existingAppId`), else the one carrying its mark.
 *
 * @remarks
 * Okta labels are not unique, so a label never identifies an app the console made, and the
 * admin may have renamed it since: the mark, in the app's profile, does. Okta cannot filter on a
 * profile, so the OIDC apps are listed (`filter=name eq "oidc_client"`: the console makes no
 * other kind) and the mark looked for. One request in an org of up to 200 OIDC apps; a `q` on the
 * label first would save nothing on a fresh apply, where it never finds the app, and cost a
 * round trip before the listing.
 */
export async function findSetupApp(
  client: OktaClient,
  document: SetupDocument,
): Promise<OktaApp | undefined> {
  if (document.app.existingAppId !== undefined) {
    try {
      return readOktaApp(
        await client.applicationApi.getApplication({ appId: document.app.existingAppId }),
      );
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        return undefined;
      }
      throw error;
    }
  }
  const apps = await collect(
    await client.applicationApi.listApplications({ filter: 'name eq "oidc_client"', limit: 200 }),
  );
  return apps.map(readOktaApp).find((app) => app.setupId === document.id);
}

/**
 * Reads what the org holds for a setup document, and only that: its app and the app's
 * assignments, the users and groups it names, its trusted origins and its custom server.
 *
 * @remarks
 * Reads never change the org, so the apply engine may repeat them freely after a failure —
 * unlike writes, which it never repeats blind. Users are looked up by login, twenty to a
 * request ({@link findUsersByLogin}), and groups by name (Okta's `q`), never by listing a
 * directory that may hold 100,000.
 */
export async function readOrgSnapshot(
  client: OktaClient,
  document: SetupDocument,
): Promise<OrgSnapshot> {
  // Independent reads run together: over the internet each one is a round trip. The org's
  // request scheduler, beneath every client, bounds how many are in flight and paces them.
  const logins = [
    ...document.assignments.users.map((user) => user.login),
    ...(document.assignments.testUser === undefined ? [] : [document.assignments.testUser.email]),
  ];
  const [app, users, groups, origins] = await Promise.all([
    findSetupApp(client, document),
    findUsersByLogin(client, logins),
    Promise.all(
      document.assignments.groups.map(async ({ name }) => {
        const found = await collect(await client.groupApi.listGroups({ q: name, limit: 200 }));
        return [name, found.map(readOktaGroup).find((group) => group.name === name)?.id] as const;
      }),
    ),
    document.trustedOrigins.length === 0
      ? Promise.resolve([])
      : (await collect(await client.trustedOriginApi.listTrustedOrigins({}))).map(
          readOktaTrustedOrigin,
        ),
  ]);
  const appId = app?.id;
  const usersByLogin = users;
  const groupsByName = new Map<string, { id: string }>();
  for (const [name, id] of groups) {
    if (id !== undefined) {
      groupsByName.set(name, { id });
    }
  }
  // Keyed by the document's origins: Okta keeps each as it was sent (`https://a.example/` is the
  // document's `https://a.example`), so the org's are matched to them as origins, not as text.
  const trustedOrigins: OrgSnapshot['trustedOrigins'] = new Map();
  for (const { origin: wanted } of document.trustedOrigins) {
    const origin = findTrustedOrigin(
      origins.filter((candidate) => candidate.id !== undefined),
      wanted,
    );
    if (origin?.id !== undefined) {
      trustedOrigins.set(wanted, {
        id: origin.id,
        scopes: origin.scopeTypes,
        lastUpdated: origin.lastUpdated,
      });
    }
  }

  const readsAppGroupsClaim =
    appId !== undefined &&
    document.issuer.kind === 'org' &&
    document.issuer.groupsClaim !== undefined;
  const [appUsers, appGroups, authServer, appGroupsClaim] = await Promise.all([
    appId === undefined
      ? Promise.resolve([])
      : collect(await client.applicationApi.listApplicationUsers({ appId })),
    appId === undefined
      ? Promise.resolve([])
      : collect(await client.applicationApi.listApplicationGroupAssignments({ appId })),
    readAuthServer(client, document, appId),
    readsAppGroupsClaim ? getAppGroupsClaim(client, appId) : Promise.resolve(undefined),
  ]);
  const appUserIds = new Set(
    appUsers.filter((user) => user.scope === 'USER').flatMap((user) => user.id ?? []),
  );
  const appGroupIds = new Set(appGroups.flatMap((assignment) => assignment.id ?? []));

  return {
    app:
      app === undefined || appId === undefined
        ? undefined
        : {
            id: appId,
            clientId: app.clientCredentials.clientId,
            fields: appFieldsOf(app.json),
            status: app.status,
            created: app.created,
            lastUpdated: app.lastUpdated,
          },
    usersByLogin,
    groupsByName,
    appUserIds,
    appGroupIds,
    trustedOrigins,
    ...(appGroupsClaim === undefined ? {} : { appGroupsClaim }),
    authServer,
  };
}

/** How many logins one user lookup asks for: a URL of a few kilobytes at most. */
const LOGINS_PER_LOOKUP = 20;

/**
 * Finds users by login, a batch of logins per request (`profile.login eq "a" or …`).
 *
 * @remarks
 * A setup may name hundreds of users, and one request per login would spend the `users`
 * bucket's minute on lookups alone. `filter`, not `search`: Okta's search is eventually
 * consistent (okta-behaviours.md §6), so a test user created a moment ago could be missing
 * from it. Logins are unique regardless of case, so the answer is matched the same way.
 */
export async function findUsersByLogin(
  client: OktaClient,
  logins: readonly string[],
): Promise<Map<string, { id: string }>> {
  const wanted = [...new Set(logins)];
  const batches: string[][] = [];
  for (let start = 0; start < wanted.length; start += LOGINS_PER_LOOKUP) {
    batches.push(wanted.slice(start, start + LOGINS_PER_LOOKUP));
  }
  const found = (
    await Promise.all(
      batches.map(async (batch) =>
        (
          await collect(
            await client.userApi.listUsers({ filter: anyEquals('profile.login', batch) }),
          )
        ).map(readOktaUser),
      ),
    )
  ).flat();
  const idByLogin = new Map<string, string>();
  for (const user of found) {
    if (user.id !== undefined) {
      idByLogin.set(user.login.toLowerCase(), user.id);
    }
  }
  const usersByLogin = new Map<string, { id: string }>();
  for (const login of wanted) {
    const id = idByLogin.get(login.toLowerCase());
    if (id !== undefined) {
      usersByLogin.set(login, { id });
    }
  }
  return usersByLogin;
}

/** The custom server of a document, with what the planner compares. */
async function readAuthServer(
  client: OktaClient,
  document: SetupDocument,
  appId: string | undefined,
): Promise<OrgSnapshot['authServer']> {
  const { issuer } = document;
  if (issuer.kind !== 'custom') {
    return undefined;
  }
  let serverId: string | undefined;
  if (issuer.server.kind === 'existing') {
    serverId = issuer.server.id;
  } else {
    const { name } = issuer.server;
    const servers = (
      await collect(await client.authorizationServerApi.listAuthorizationServers({ q: name }))
    ).map(readOktaAuthServer);
    serverId = servers.find((server) => server.name === name)?.id;
  }
  if (serverId === undefined) {
    return undefined;
  }
  const authServerId = serverId;
  let lastUpdated: string | undefined;
  try {
    lastUpdated = readOktaAuthServer(
      await client.authorizationServerApi.getAuthorizationServer({ authServerId }),
    ).lastUpdated;
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      return undefined;
    }
    throw error;
  }
  const scopes = (
    await collect(await client.authorizationServerApi.listOAuth2Scopes({ authServerId }))
  ).map(readOktaScope);
  const claims = (
    await collect(await client.authorizationServerApi.listOAuth2Claims({ authServerId }))
  ).map(readOktaClaim);
  // A policy admits the app when it names it or ALL_CLIENTS (the default server's Default
  // Policy does), with an ACTIVE rule covering its grant types and scopes.
  let admitsClient = false;
  {
    const policies = (
      await collect(
        await client.authorizationServerApi.listAuthorizationServerPolicies({ authServerId }),
      )
    ).map(readOktaPolicy);
    for (const policy of policies) {
      const clients = policy.includedClients;
      const namesApp = appId !== undefined && clients.includes(appId);
      if (policy.status !== 'ACTIVE' || !(namesApp || clients.includes('ALL_CLIENTS'))) {
        continue;
      }
      const rules = (
        await collect(
          await client.authorizationServerApi.listAuthorizationServerPolicyRules({
            authServerId,
            policyId: policy.id ?? '',
          }),
        )
      ).map(readOktaPolicyRule);
      admitsClient ||= rules.some(
        (rule) =>
          rule.status === 'ACTIVE' &&
          document.app.grantTypes.every((grant) => rule.grantTypes.includes(grant)) &&
          (rule.scopes.includes('*') ||
            issuer.scopes.every((scope) => rule.scopes.includes(scope))),
      );
    }
  }
  return {
    id: authServerId,
    lastUpdated,
    scopeNames: new Set(scopes.map((scope) => scope.name)),
    claims: claims.map(({ name, valueType, claimType }) => ({ name, valueType, claimType })),
    admitsClient,
  };
}
