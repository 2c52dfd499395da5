import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  kestraApp,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * The query parameters the sandbox implements beyond `q` and `filter` on the lists
 * (list-queries.test.ts has those): `sortBy` and `sortOrder` of a search, `expand=stats` of
 * groups, `filter` of groups, the `expand` of one app user or group assignment, and paging
 * (`after` and `limit`) where the console's lists page. Through the real SDK against the
 * sandbox's own CLI, so the SDK's own request shapes are what is answered, and every answer is
 * checked against management.yaml by the conformance step.
 */
let sandbox: CapturedProcess;
let client: OktaSdkClient;
let appId = '';
const groupIds = new Map<string, string>();

beforeAll(async () => {
  ({ sandbox, client } = await startSandboxWithClient());
  appId =
    (await client.applicationApi.createApplication({ application: kestraApp('QP') })).id ?? '';
  for (const [firstName, lastName] of [
    ['Ada', 'Lovelace'],
    ['Grace', 'Hopper'],
    ['Alan', 'Turing'],
  ] as const) {
    const login = `${firstName.toLowerCase()}@qp.example.com`;
    const user = await client.userApi.createUser({
      body: { profile: { firstName, lastName, email: login, login, department: 'QP' } },
    });
    await client.applicationApi.assignUserToApplication({ appId, appUser: { id: user.id ?? '' } });
  }
  for (const name of ['QP Alpha', 'QP Beta', 'QP Gamma']) {
    const group = await client.groupApi.createGroup({ group: { profile: { name } } });
    groupIds.set(name, group.id ?? '');
  }
  await client.applicationApi.assignGroupToApplication({
    appId,
    groupId: groupIds.get('QP Beta') ?? '',
  });
});

afterAll(async () => {
  await sandbox.stop();
});

describe('sortBy and sortOrder: "Specifies the field to sort by (for search queries only)"', () => {
  it('orders a user search by last name, descending', async () => {
    const users = await collect(
      await client.userApi.listUsers({
        search: 'profile.department eq "QP"',
        sortBy: 'profile.lastName',
        sortOrder: 'desc',
      }),
    );
    expect(users.map((user) => user.profile?.lastName)).toEqual(['Turing', 'Lovelace', 'Hopper']);
  });

  it('orders a group search by name, descending, over pages of one', async () => {
    const groups = await collect(
      await client.groupApi.listGroups({
        search: 'profile.name sw "QP"',
        sortBy: 'profile.name',
        sortOrder: 'desc',
        limit: 1,
      }),
    );
    expect(groups.map((group) => group.profile?.name)).toEqual(['QP Gamma', 'QP Beta', 'QP Alpha']);
  });
});

describe('listGroups filter and expand', () => {
  it('filters on type: "Filtering supports … `id`, `type`, `lastUpdated`, and `lastMembershipUpdated`"', async () => {
    const groups = await collect(
      await client.groupApi.listGroups({ filter: 'type eq "BUILT_IN"' }),
    );
    expect(groups.map((group) => group.profile?.name)).toEqual(['Everyone']);
  });

  it('embeds stats: "the number of users within a group … `_embedded.stats.usersCount`"', async () => {
    const groups = await collect(
      await client.groupApi.listGroups({ search: 'profile.name eq "QP Beta"', expand: 'stats' }),
    );
    expect(groups.map((group) => group._embedded)).toMatchObject([
      { stats: { usersCount: 0, appsCount: 1 } },
    ]);
  });
});

describe('expand of one assignment', () => {
  it('embeds the user of an app user, and the group of a group assignment', async () => {
    const [first] = await collect(
      await client.applicationApi.listApplicationUsers({ appId, limit: 1 }),
    );
    const appUser = await client.applicationApi.getApplicationUser({
      appId,
      userId: first?.id ?? '',
      expand: 'user',
    });
    expect(appUser._embedded).toMatchObject({ user: { id: first?.id } });
    const assignment = await client.applicationApi.getApplicationGroupAssignment({
      appId,
      groupId: groupIds.get('QP Beta') ?? '',
      expand: 'group',
    });
    expect(assignment._embedded).toMatchObject({ group: { profile: { name: 'QP Beta' } } });
  });
});

describe('after and limit, followed by the SDK', () => {
  it('pages app users, authorization servers and scopes one or two at a time', async () => {
    const appUsers = await collect(
      await client.applicationApi.listApplicationUsers({ appId, limit: 1 }),
    );
    expect(appUsers).toHaveLength(3);
    await client.authorizationServerApi.createAuthorizationServer({
      authorizationServer: { name: 'QP', description: 'paging', audiences: ['api://qp'] },
    });
    const servers = await collect(
      await client.authorizationServerApi.listAuthorizationServers({ limit: 1 }),
    );
    expect(servers.map((server) => server.name)).toEqual(['default', 'QP']);
    const scopes = await collect(
      await client.authorizationServerApi.listOAuth2Scopes({ authServerId: 'default', limit: 2 }),
    );
    expect(scopes.map((scope) => scope.name)).toEqual([
      'openid',
      'profile',
      'email',
      'address',
      'phone',
      'offline_access',
    ]);
  });
});
