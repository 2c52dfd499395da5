import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { OktaClient } from './okta-client.ts';

/** Where the console marks the apps it creates: a key of the app's free-form `profile`. */
export const SETUP_MARK_KEY = 'x-sso-console';

/**
 * What the org holds today for one setup document — only the objects the document names.
 *
 * @remarks
 * Read by {@link readOrgSnapshot} through the SDK, and faked freely in unit tests: planning is a pure
 * function of the document and this snapshot, so every plan can be tested without an org.
 */
export interface OrgSnapshot {
  /** The document's app: the one it names, or the one carrying its mark; `undefined` if none. */
  app: { id: string; fields: AppFields; status: string } | undefined;
  /** User id by login, for the logins the document names (absent: no such user). */
  usersByLogin: Map<string, { id: string }>;
  /** Group id by name, for the names the document names. */
  groupsByName: Map<string, { id: string }>;
  /** The app's direct user assignments and group assignments (ids). */
  appUserIds: Set<string>;
  appGroupIds: Set<string>;
  /** Trusted origins by origin URL. */
  trustedOrigins: Map<string, { id: string; scopes: string[] }>;
  /** The custom authorization server, when the document uses one and it exists. */
  authServer:
    | {
        id: string;
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

type Json = Record<string, unknown>;

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

async function collect<T>(collection: AsyncIterable<T | null>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection) {
    if (item !== null) {
      items.push(item);
    }
  }
  return items;
}

/** The setup id an app carries in its profile, if the console created it. */
export function setupMarkOf(app: unknown): string | undefined {
  const mark = asObject(asObject(asObject(app).profile)[SETUP_MARK_KEY]).setupId;
  return typeof mark === 'string' ? mark : undefined;
}

/** An Okta app as the console's compared fields. */
export function appFieldsOf(app: unknown): AppFields {
  const record = asObject(app);
  const settings = asObject(record.settings);
  const oauth = asObject(settings.oauthClient);
  const credentials = asObject(asObject(record.credentials).oauthClient);
  return {
    label: typeof record.label === 'string' ? record.label : '',
    applicationType: typeof oauth.application_type === 'string' ? oauth.application_type : '',
    grantTypes: strings(oauth.grant_types),
    redirectUris: strings(oauth.redirect_uris),
    postLogoutRedirectUris: strings(oauth.post_logout_redirect_uris),
    initiateLoginUri:
      typeof oauth.initiate_login_uri === 'string' ? oauth.initiate_login_uri : undefined,
    pkceRequired: credentials.pkce_required === true,
    tokenEndpointAuthMethod:
      typeof credentials.token_endpoint_auth_method === 'string'
        ? credentials.token_endpoint_auth_method
        : '',
    consentMethod: typeof oauth.consent_method === 'string' ? oauth.consent_method : '',
    issuerMode: typeof oauth.issuer_mode === 'string' ? oauth.issuer_mode : '',
    implicitAssignment: settings.implicitAssignment === true,
  };
}

/**
 * Finds the document's app: the one it names (`existingAppId`), else the one carrying its mark.
 *
 * @remarks
 * Okta labels are not unique, so a label never identifies an app the console made. Apps whose
 * label starts like the document's are checked first (Okta's `q`), then every app, because
 * the admin may have renamed it since.
 */
export async function findSetupApp(client: OktaClient, document: SetupDocument): Promise<unknown> {
  if (document.app.existingAppId !== undefined) {
    try {
      return await client.applicationApi.getApplication({ appId: document.app.existingAppId });
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        return undefined;
      }
      throw error;
    }
  }
  const byLabel = await collect(
    await client.applicationApi.listApplications({ q: document.app.label, limit: 200 }),
  );
  const marked = (apps: unknown[]) => apps.find((app) => setupMarkOf(app) === document.id);
  return (
    marked(byLabel) ??
    marked(await collect(await client.applicationApi.listApplications({ limit: 200 })))
  );
}

/**
 * Reads what the org holds for a setup document, and only that: its app and the app's
 * assignments, the users and groups it names, its trusted origins and its custom server.
 *
 * @remarks
 * Reads never change the org, so the apply engine may repeat them freely after a failure —
 * unlike writes, which it never repeats blind. Users and groups are looked up one by one by
 * login and name (Okta's `search` / `q`), never by listing a directory that may hold 100,000.
 */
export async function readOrgSnapshot(
  client: OktaClient,
  document: SetupDocument,
): Promise<OrgSnapshot> {
  // Independent reads run together: over the internet each one is a round trip.
  const logins = [
    ...document.assignments.users.map((user) => user.login),
    ...(document.assignments.testUser === undefined ? [] : [document.assignments.testUser.email]),
  ];
  const [app, users, groups, origins] = await Promise.all([
    findSetupApp(client, document) as Promise<Json | undefined>,
    Promise.all(
      logins.map(async (login) => {
        const found = await collect(
          await client.userApi.listUsers({
            search: `profile.login eq "${login.replaceAll('"', '\\"')}"`,
          }),
        );
        return [login, found[0]?.id] as const;
      }),
    ),
    Promise.all(
      document.assignments.groups.map(async ({ name }) => {
        const found = await collect(await client.groupApi.listGroups({ q: name, limit: 200 }));
        return [name, found.find((group) => group.profile?.name === name)?.id] as const;
      }),
    ),
    document.trustedOrigins.length === 0
      ? Promise.resolve([])
      : collect(await client.trustedOriginApi.listTrustedOrigins({})),
  ]);
  const appId = typeof app?.id === 'string' ? app.id : undefined;
  const usersByLogin = new Map<string, { id: string }>();
  for (const [login, id] of users) {
    if (id !== undefined) {
      usersByLogin.set(login, { id });
    }
  }
  const groupsByName = new Map<string, { id: string }>();
  for (const [name, id] of groups) {
    if (id !== undefined) {
      groupsByName.set(name, { id });
    }
  }
  const trustedOrigins = new Map<string, { id: string; scopes: string[] }>();
  for (const origin of origins) {
    if (origin.origin !== undefined && origin.id !== undefined) {
      trustedOrigins.set(origin.origin, {
        id: origin.id,
        scopes: ((origin.scopes ?? []) as { type?: unknown }[]).map((scope) => String(scope.type)),
      });
    }
  }

  const [appUsers, appGroups, authServer] = await Promise.all([
    appId === undefined
      ? Promise.resolve([])
      : collect(await client.applicationApi.listApplicationUsers({ appId })),
    appId === undefined
      ? Promise.resolve([])
      : collect(await client.applicationApi.listApplicationGroupAssignments({ appId })),
    readAuthServer(client, document, appId),
  ]);
  const appUserIds = new Set(
    appUsers.filter((user) => user.scope === 'USER').flatMap((user) => user.id ?? []),
  );
  const appGroupIds = new Set(appGroups.flatMap((assignment) => assignment.id ?? []));

  return {
    app:
      app === undefined || appId === undefined
        ? undefined
        : { id: appId, fields: appFieldsOf(app), status: String(app.status) },
    usersByLogin,
    groupsByName,
    appUserIds,
    appGroupIds,
    trustedOrigins,
    authServer,
  };
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
    const servers = await collect(
      await client.authorizationServerApi.listAuthorizationServers({ q: name }),
    );
    serverId = servers.find((server) => server.name === name)?.id;
  }
  if (serverId === undefined) {
    return undefined;
  }
  const authServerId = serverId;
  try {
    await client.authorizationServerApi.getAuthorizationServer({ authServerId });
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      return undefined;
    }
    throw error;
  }
  const scopes = await collect(
    await client.authorizationServerApi.listOAuth2Scopes({ authServerId }),
  );
  const claims = await collect(
    await client.authorizationServerApi.listOAuth2Claims({ authServerId }),
  );
  // A policy admits the app when it names it or ALL_CLIENTS (the default server's Default
  // Policy does), with an ACTIVE rule covering its grant types and scopes.
  let admitsClient = false;
  {
    const policies = await collect(
      await client.authorizationServerApi.listAuthorizationServerPolicies({ authServerId }),
    );
    for (const policy of policies) {
      const clients = strings(asObject(asObject(policy.conditions).clients).include);
      const namesApp = appId !== undefined && clients.includes(appId);
      if (policy.status !== 'ACTIVE' || !(namesApp || clients.includes('ALL_CLIENTS'))) {
        continue;
      }
      const rules = await collect(
        await client.authorizationServerApi.listAuthorizationServerPolicyRules({
          authServerId,
          policyId: policy.id ?? '',
        }),
      );
      admitsClient ||= rules.some((rule) => {
        const conditions = asObject(rule.conditions);
        const grants = strings(asObject(conditions.grantTypes).include);
        const ruleScopes = strings(asObject(conditions.scopes).include);
        return (
          rule.status === 'ACTIVE' &&
          document.app.grantTypes.every((grant) => grants.includes(grant)) &&
          (ruleScopes.includes('*') || issuer.scopes.every((scope) => ruleScopes.includes(scope)))
        );
      });
    }
  }
  return {
    id: authServerId,
    scopeNames: new Set(scopes.map((scope) => scope.name)),
    claims: claims.map((claim) => ({
      name: claim.name ?? '',
      valueType: claim.valueType ?? '',
      claimType: claim.claimType ?? '',
    })),
    admitsClient,
  };
}
