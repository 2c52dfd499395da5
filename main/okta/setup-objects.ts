import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { collect } from './collections.ts';
import type { OktaClient } from './okta-client.ts';
import { anyEquals } from './okta-filter.ts';
import {
  readOktaAuthServer,
  readOktaClaim,
  readOktaPolicy,
  readOktaScope,
  readOktaUser,
} from './okta-json.ts';
import { type OrgSnapshot, readOrgSnapshot } from './org-snapshot.ts';

/** A user as a teardown needs it: its id, and its status (Okta deletes only deactivated users). */
export interface UserState {
  id: string;
  status: string | undefined;
}

/**
 * What the org holds of a setup's objects, with the ids and states a removal needs beyond the
 * planner's {@link OrgSnapshot}: each object of the custom server, and users with their status.
 */
export interface SetupObjects {
  snapshot: OrgSnapshot;
  /** The document's custom server, with every scope, claim and policy on it (ids and names). */
  authServer:
    | {
        id: string;
        name: string;
        status: string;
        scopes: { id: string; name: string }[];
        claims: { id: string; name: string }[];
        policies: { id: string; name: string; description: string }[];
      }
    | undefined;
  /** By login: the test user and the `logins` asked for (throwaway users), when they exist. */
  users: Map<string, UserState>;
}

/**
 * Reads a setup document's objects as a teardown plans them: the planner's snapshot, the custom
 * server's contents, and the users by login with their status.
 *
 * @remarks
 * Like {@link readOrgSnapshot}, it reads only what the document (and `logins`) names: never a
 * whole directory. `logins` are the throwaway users a journal names.
 */
export async function readSetupObjects(
  client: OktaClient,
  document: SetupDocument,
  logins: readonly string[],
): Promise<SetupObjects> {
  const snapshot = await readOrgSnapshot(client, document);
  const testUser = document.assignments.testUser;
  const wanted = [...new Set([...(testUser === undefined ? [] : [testUser.email]), ...logins])];
  const [users, authServer] = await Promise.all([
    usersWithStatus(client, wanted),
    snapshot.authServer === undefined
      ? Promise.resolve(undefined)
      : serverContents(client, snapshot.authServer.id),
  ]);
  return { snapshot, authServer, users };
}

async function usersWithStatus(
  client: OktaClient,
  logins: readonly string[],
): Promise<Map<string, UserState>> {
  const found = new Map<string, UserState>();
  // Twenty to a request, as findUsersByLogin does: a URL of a few kilobytes at most.
  for (let start = 0; start < logins.length; start += 20) {
    const batch = logins.slice(start, start + 20);
    const users = (
      await collect(await client.userApi.listUsers({ filter: anyEquals('profile.login', batch) }))
    ).map(readOktaUser);
    for (const login of batch) {
      const user = users.find((candidate) => candidate.login.toLowerCase() === login.toLowerCase());
      if (user?.id !== undefined) {
        found.set(login, { id: user.id, status: user.status });
      }
    }
  }
  return found;
}

async function serverContents(
  client: OktaClient,
  authServerId: string,
): Promise<SetupObjects['authServer']> {
  const api = client.authorizationServerApi;
  let server;
  try {
    server = readOktaAuthServer(await api.getAuthorizationServer({ authServerId }));
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      return undefined;
    }
    throw error;
  }
  const [scopes, claims, policies] = await Promise.all([
    api.listOAuth2Scopes({ authServerId }).then(collect),
    api.listOAuth2Claims({ authServerId }).then(collect),
    api.listAuthorizationServerPolicies({ authServerId }).then(collect),
  ]);
  const withId = <T extends { id: string | undefined }>(items: T[]) =>
    items.flatMap((item) => (item.id === undefined ? [] : [{ ...item, id: item.id }]));
  return {
    id: authServerId,
    name: server.name ?? authServerId,
    status: server.status,
    scopes: withId(scopes.map(readOktaScope)).map(({ id, name }) => ({ id, name })),
    claims: withId(claims.map(readOktaClaim)).map(({ id, name }) => ({ id, name })),
    policies: withId(policies.map(readOktaPolicy)).map(({ id, name, description }) => ({
      id,
      name,
      description,
    })),
  };
}
