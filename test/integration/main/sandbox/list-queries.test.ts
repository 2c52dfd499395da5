import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  kestraApp,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * The `q` and `filter` that management.yaml declares on the list operations the console uses,
 * through the real SDK against `npm run sandbox`, as tables: the query, and what the spec's
 * description says it keeps. Before, the sandbox ignored them and answered the whole list.
 */
let sandbox: CapturedProcess;
let client: OktaSdkClient;
let orgUrl = '';
let apiToken = '';
let oidcAppId = '';
let bookmarkAppId = '';
let authServerId = '';

const PEOPLE = [
  { firstName: 'Ada', lastName: 'Lovelace', login: 'ada@example.com', email: 'ada@example.com' },
  { firstName: 'Grace', lastName: 'Hopper', login: 'grace@example.com', email: 'gh@navy.example' },
  { firstName: 'Alan', lastName: 'Turing', login: 'alan.t@example.com', email: 'alan@example.com' },
];
const GROUPS = ['Engineering', 'Engineers EU', 'Finance'];

beforeAll(async () => {
  ({ sandbox, client, orgUrl, apiToken } = await startSandboxWithClient());
  oidcAppId =
    (await client.applicationApi.createApplication({ application: kestraApp('Q') })).id ?? '';
  bookmarkAppId =
    (
      await client.applicationApi.createApplication({
        application: {
          name: 'bookmark',
          label: 'Docs',
          signOnMode: 'BOOKMARK',
          settings: { app: { url: 'https://docs.example.com' } },
        } as never,
      })
    ).id ?? '';
  for (const profile of PEOPLE) {
    const user = await client.userApi.createUser({ body: { profile } });
    for (const appId of [oidcAppId, bookmarkAppId]) {
      await client.applicationApi.assignUserToApplication({
        appId,
        appUser: { id: user.id ?? '' },
      });
    }
  }
  for (const name of GROUPS) {
    const group = await client.groupApi.createGroup({ group: { profile: { name } } });
    await client.applicationApi.assignGroupToApplication({
      appId: oidcAppId,
      groupId: group.id ?? '',
    });
  }
  authServerId =
    (
      await client.authorizationServerApi.createAuthorizationServer({
        authorizationServer: { name: 'Q', description: 'q and filter', audiences: ['api://q'] },
      })
    ).id ?? '';
  for (const name of ['kestra.read', 'kestra.write', 'reports']) {
    await client.authorizationServerApi.createOAuth2Scope({ authServerId, oAuth2Scope: { name } });
  }
});

afterAll(async () => {
  await sandbox.stop();
});

describe('listApplicationUsers q: "matched against the beginning of userName, firstName, lastName and email" (okta-behaviours.md §6: userName and email only for OIDC apps)', () => {
  it.each([
    ['OIDC', 'ada', ['ada@example.com']],
    ['OIDC', 'ADA', ['ada@example.com']],
    ['OIDC', 'gh@', ['grace@example.com']],
    ['OIDC', 'Hopper', []],
    ['OIDC', 'example', []],
    ['bookmark', 'Hopper', ['grace@example.com']],
    ['bookmark', 'al', ['alan.t@example.com']],
    ['bookmark', 'a', ['ada@example.com', 'alan.t@example.com']],
  ] as const)('%s app, q=%s → %j', async (kind, q, logins) => {
    const appId = kind === 'OIDC' ? oidcAppId : bookmarkAppId;
    const users = await collect(await client.applicationApi.listApplicationUsers({ appId, q }));
    expect(users.map((user) => user.credentials?.userName).sort()).toEqual([...logins].sort());
  });
});

describe('listApplicationGroupAssignments q: "matches the q string against the beginning of the group name"', () => {
  it.each([
    ['Eng', ['Engineering', 'Engineers EU']],
    ['engineers', ['Engineers EU']],
    ['fin', ['Finance']],
    ['EU', []],
  ] as const)('q=%s → %j', async (q, names) => {
    const assignments = await collect(
      await client.applicationApi.listApplicationGroupAssignments({
        appId: oidcAppId,
        q,
        expand: 'group',
      }),
    );
    const listed = assignments.map(
      (assignment) =>
        (assignment._embedded as { group?: { profile?: { name?: string } } } | undefined)?.group
          ?.profile?.name,
    );
    expect(listed.sort()).toEqual([...names].sort());
  });
});

describe('listOAuth2Scopes q: "searches the name", and filter: "filter expression for Custom Token Scopes"', () => {
  it.each([
    [{ q: 'kestra' }, ['kestra.read', 'kestra.write']],
    [{ q: 'REP' }, ['reports']],
    [{ filter: 'name eq "reports"' }, ['reports']],
    [{ filter: 'name sw "kestra"', q: 'kestra.w' }, ['kestra.write']],
    [{ q: 'none-such' }, []],
  ] as const)('%j → %j', async (query, names) => {
    const scopes = await collect(
      await client.authorizationServerApi.listOAuth2Scopes({ authServerId, ...query }),
    );
    expect(scopes.map((scope) => scope.name).sort()).toEqual([...names].sort());
  });

  it('refuses a filter it cannot read the way Okta does, E0000031', async () => {
    await expect(
      collect(
        await client.authorizationServerApi.listOAuth2Scopes({
          authServerId,
          filter: 'name eq',
        }),
      ),
    ).rejects.toMatchObject({ status: 400 });
    const answer = await fetch(
      `${orgUrl}/api/v1/authorizationServers/${authServerId}/scopes?filter=name%20eq`,
      { headers: { Authorization: `SSWS ${apiToken}`, Accept: 'application/json' } },
    );
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      errorCode: 'E0000031',
      errorSummary: 'Bad request. Invalid filter parameter.',
    });
  });
});
