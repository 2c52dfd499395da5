import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * Users and groups through the real SDK against `npm run sandbox`: full create / read / update /
 * delete, lifecycle, queries, pagination with the SDK's own iterator, and Okta's exact errors.
 * Every response is also checked against management.yaml by the conformance step.
 */
let sandbox: CapturedProcess;
let orgUrl: string;
let apiToken: string;
let client: OktaSdkClient;

const PASSWORD = 'Sandbox-Passw0rd';

beforeAll(async () => {
  ({ sandbox, orgUrl, apiToken, client } = await startSandboxWithClient());
});

afterAll(async () => {
  await sandbox.stop();
});

function newUser(login: string, firstName = 'Test', lastName = 'User') {
  return {
    profile: { firstName, lastName, email: login, login },
    credentials: { password: { value: PASSWORD } },
  };
}

describe('users', () => {
  it('creates, reads, updates, replaces and deletes a user', async () => {
    const created = await client.userApi.createUser({
      body: newUser('ada@example.com', 'Ada', 'Lovelace'),
    });
    expect(created).toMatchObject({
      status: 'ACTIVE',
      profile: { login: 'ada@example.com', firstName: 'Ada' },
    });
    expect(created.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect((await client.userApi.getUser({ userId: 'ada@example.com' })).id).toBe(created.id);
    expect((await client.userApi.getUser({ userId: 'ada' })).id).toBe(created.id);

    const updated = await client.userApi.updateUser({
      userId: created.id ?? '',
      user: { profile: { nickName: 'Countess' } },
    });
    expect(updated.profile).toMatchObject({ firstName: 'Ada', nickName: 'Countess' });
    const replaced = await client.userApi.replaceUser({
      userId: created.id ?? '',
      user: {
        profile: {
          firstName: 'Augusta',
          lastName: 'King',
          email: 'ada@example.com',
          login: 'ada@example.com',
        },
      },
    });
    expect(replaced.profile).toMatchObject({ firstName: 'Augusta', lastName: 'King' });
    expect(replaced.profile?.nickName).toBeUndefined();

    // The first DELETE deactivates, the second removes (Okta's two-step delete).
    await client.userApi.deleteUser({ userId: created.id ?? '' });
    expect((await client.userApi.getUser({ userId: created.id ?? '' })).status).toBe(
      'DEPROVISIONED',
    );
    await client.userApi.deleteUser({ userId: created.id ?? '' });
    await expect(client.userApi.getUser({ userId: created.id ?? '' })).rejects.toMatchObject({
      status: 404,
      errorCode: 'E0000007',
      errorSummary: `Not found: Resource not found: ${created.id ?? ''} (User)`,
    });
  });

  it('follows Okta’s lifecycle: staged, activated, deactivated, and refuses activating twice', async () => {
    const staged = await client.userApi.createUser({
      body: newUser('grace@example.com', 'Grace', 'Hopper'),
      activate: false,
    });
    expect(staged.status).toBe('STAGED');
    const activation = await client.userApi.activateUser({
      userId: staged.id ?? '',
      sendEmail: false,
    });
    expect(activation.activationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/welcome\//);
    expect((await client.userApi.getUser({ userId: staged.id ?? '' })).status).toBe('ACTIVE');
    await expect(
      client.userApi.activateUser({ userId: staged.id ?? '', sendEmail: false }),
    ).rejects.toMatchObject({
      status: 403,
      errorCode: 'E0000016',
      errorSummary: 'Activation failed because the user is already active',
    });
    await client.userApi.deactivateUser({ userId: staged.id ?? '' });
    expect((await client.userApi.getUser({ userId: staged.id ?? '' })).status).toBe(
      'DEPROVISIONED',
    );
  });

  it('refuses a duplicate login and a weak password with Okta’s texts', async () => {
    await client.userApi.createUser({ body: newUser('dup@example.com') });
    await expect(
      client.userApi.createUser({ body: newUser('DUP@example.com') }),
    ).rejects.toMatchObject({
      status: 400,
      errorCode: 'E0000001',
      errorSummary: 'Api validation failed: login',
      errorCauses: [
        {
          errorSummary:
            'login: An object with this field already exists in the current organization',
        },
      ],
    });
    const weak = { ...newUser('weak@example.com'), credentials: { password: { value: 'short' } } };
    await expect(client.userApi.createUser({ body: weak })).rejects.toMatchObject({
      errorCode: 'E0000001',
      errorCauses: [
        {
          errorSummary:
            'password: Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter, an uppercase letter, a number, no parts of your username.',
        },
      ],
    });
  });

  it('pages with absolute Link headers, which the SDK’s iterator follows over three or more pages', async () => {
    for (let index = 0; index < 8; index += 1) {
      await client.userApi.createUser({
        body: newUser(`page${String(index)}@example.com`, 'Pager', `Number${String(index)}`),
      });
    }
    const filter = 'profile.firstName eq "Pager"';
    const users = await collect(await client.userApi.listUsers({ filter, limit: 3 }));
    expect(users.map((user) => user.profile?.lastName)).toEqual(
      [...Array(8).keys()].map((index) => `Number${String(index)}`),
    );

    // The raw pages: 3 + 3 + 2, `next` on all but the last.
    const pages: { count: number; links: string }[] = [];
    let url: string | undefined =
      `${orgUrl}/api/v1/users?filter=${encodeURIComponent(filter)}&limit=3`;
    while (url !== undefined) {
      const response: Response = await fetch(url, {
        headers: { Authorization: `SSWS ${apiToken}`, Accept: 'application/json' },
      });
      const links: string = response.headers.get('link') ?? '';
      pages.push({ count: ((await response.json()) as unknown[]).length, links });
      url = /<([^>]+)>; rel="next"/.exec(links)?.[1];
    }
    expect(pages.map((page) => page.count)).toEqual([3, 3, 2]);
    expect(pages[0]?.links).toMatch(
      new RegExp(
        `^<${orgUrl}/api/v1/users\\?filter=[^>]+>; rel="self", <${orgUrl}/api/v1/users\\?filter=[^>]*after=[^>]+>; rel="next"$`,
      ),
    );
    expect(pages[2]?.links).not.toContain('rel="next"');
  });

  it('searches with q (startsWith, no paging), filter and search, and refuses bad queries with Okta’s texts', async () => {
    await client.userApi.createUser({ body: newUser('linus@example.com', 'Linus', 'Torvalds') });
    expect(
      (await collect(await client.userApi.listUsers({ q: 'lin' }))).map(
        (user) => user.profile?.login,
      ),
    ).toEqual(['linus@example.com']);
    const bySearch = await collect(
      await client.userApi.listUsers({
        search: 'profile.lastName sw "torv" and status eq "active"',
      }),
    );
    expect(bySearch.map((user) => user.profile?.login)).toEqual(['linus@example.com']);
    const raw = async (query: string): Promise<unknown> => {
      const response = await fetch(`${orgUrl}/api/v1/users?${query}`, {
        headers: { Authorization: `SSWS ${apiToken}` },
      });
      return (await response.json()) as unknown;
    };
    expect(await raw('filter=status%20equals%20%22ACTIVE%22')).toMatchObject({
      errorCode: 'E0000031',
      errorSummary: 'Bad request. Invalid filter parameter.',
    });
    expect(await raw('q=a&filter=status%20eq%20%22ACTIVE%22')).toMatchObject({
      errorCode: 'E0000033',
      errorSummary: "Bad request. Can't specify a search query and filter in the same request.",
    });
    expect(await raw('after=bm90LWEtY3Vyc29y')).toMatchObject({
      errorCode: 'E0000029',
      errorSummary: 'Invalid paging request. Ensure the pagination cursor has not been altered',
    });
  });
});

describe('groups', () => {
  it('creates, reads, lists, replaces and deletes a group, with members', async () => {
    const group = await client.groupApi.createGroup({
      group: { profile: { name: 'Kestra Users', description: 'SSO' } },
    });
    expect(group).toMatchObject({ type: 'OKTA_GROUP', profile: { name: 'Kestra Users' } });
    expect(group.id).toMatch(/^00g[A-Za-z0-9]{17}$/);
    await expect(
      client.groupApi.createGroup({ group: { profile: { name: 'kestra users' } } }),
    ).rejects.toMatchObject({
      status: 409,
      errorCode: 'E0000055',
      errorSummary: 'Duplicate group.',
    });
    expect((await client.groupApi.getGroup({ groupId: group.id ?? '' })).profile?.name).toBe(
      'Kestra Users',
    );
    const listed = await collect(await client.groupApi.listGroups({ q: 'Kes' }));
    expect(listed.map((g) => g.id)).toEqual([group.id]);
    const everyone = await collect(
      await client.groupApi.listGroups({ search: 'type eq "BUILT_IN"' }),
    );
    expect(everyone.map((g) => g.profile?.name)).toEqual(['Everyone']);

    const member = await client.userApi.createUser({
      body: newUser('member@example.com', 'Mem', 'Ber'),
    });
    await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: member.id ?? '' });
    expect(
      (await collect(await client.groupApi.listGroupUsers({ groupId: group.id ?? '' }))).map(
        (u) => u.id,
      ),
    ).toEqual([member.id]);
    const memberGroups = await collect(
      await client.userApi.listUserGroups({ userId: member.id ?? '' }),
    );
    expect(memberGroups.map((g) => g.profile?.name).sort()).toEqual(['Everyone', 'Kestra Users']);
    await client.groupApi.unassignUserFromGroup({
      groupId: group.id ?? '',
      userId: member.id ?? '',
    });
    expect(
      await collect(await client.groupApi.listGroupUsers({ groupId: group.id ?? '' })),
    ).toEqual([]);

    const renamed = await client.groupApi.replaceGroup({
      groupId: group.id ?? '',
      group: { profile: { name: 'Kestra Admins' } },
    });
    expect(renamed.profile?.name).toBe('Kestra Admins');
    await client.groupApi.deleteGroup({ groupId: group.id ?? '' });
    await expect(client.groupApi.getGroup({ groupId: group.id ?? '' })).rejects.toMatchObject({
      status: 404,
      errorCode: 'E0000007',
    });
  });

  it('pages the members of a large group over three or more pages with the SDK’s iterator', async () => {
    const group = await client.groupApi.createGroup({
      group: { profile: { name: 'Paged members' } },
    });
    const ids: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      const user = await client.userApi.createUser({
        body: newUser(`member${String(index)}@example.com`),
      });
      ids.push(user.id ?? '');
      await client.groupApi.assignUserToGroup({ groupId: group.id ?? '', userId: user.id ?? '' });
    }
    const members = await collect(
      await client.groupApi.listGroupUsers({ groupId: group.id ?? '', limit: 2 }),
    );
    expect(members.map((user) => user.id)).toEqual(ids);
  });
});
