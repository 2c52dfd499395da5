import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type CapturedProcess, startNodeScript } from '../../../support/processes.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * `npm run sandbox -- --seed demo|large` read back through the real SDK: the seeded data must
 * list like anything an admin created (the conformance step checks every recorded answer).
 */
describe('npm run sandbox -- --seed demo', () => {
  let sandbox: CapturedProcess;
  let client: OktaSdkClient;

  beforeAll(async () => {
    ({ sandbox, client } = await startSandboxWithClient(['--seed', 'demo']));
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('says on stderr what it seeded, keeping stdout to the one JSON line', async () => {
    await expect
      .poll(() => sandbox.stderr.join('\n'))
      .toMatch(
        /Seeded in \d+\.\d s: demo — 11 users, 4 groups \(8 memberships\), 6 apps \(7 assignments\)\./,
      );
    expect(sandbox.stdout).toHaveLength(1);
  });

  it('names the seed’s service app in its JSON line; the app has its Okta API scopes', async () => {
    const ready = JSON.parse(sandbox.stdout[0] ?? '{}') as { serviceAppClientId?: string };
    const apps = await collect(await client.applicationApi.listApplications({}));
    const service = apps.find((app) => app.label === 'Console service app');
    expect(ready.serviceAppClientId).toBe(service?.id);
    const grants = await collect(
      await client.applicationApi.listScopeConsentGrants({ appId: service?.id ?? '' }),
    );
    expect(grants.map((grant) => grant.scopeId)).toContain('okta.apps.manage');
    const roles = await collect(
      await client.roleAssignmentApi.listRolesForClient({
        clientId: ready.serviceAppClientId ?? '',
      }),
    );
    expect(roles.map((role) => role.type)).toEqual(['ORG_ADMIN']);
  });

  it('lists the demo people and their groups', async () => {
    const users = await collect(await client.userApi.listUsers({}));
    expect(users.map((user) => [user.profile?.login, user.status])).toEqual([
      ['admin@sandbox.example', 'ACTIVE'],
      ['alice.martin@example.com', 'ACTIVE'],
      ['bilal.haddad@example.com', 'ACTIVE'],
      ['chen.wei@example.com', 'ACTIVE'],
      ['dana.kowalski@example.com', 'ACTIVE'],
      ['emeka.obi@example.com', 'PROVISIONED'],
      ['farah.nasser@example.com', 'STAGED'],
      ['suspended.user@example.com', 'SUSPENDED'],
      ['locked.user@example.com', 'LOCKED_OUT'],
      ['expired.user@example.com', 'PASSWORD_EXPIRED'],
      ['recovery.user@example.com', 'RECOVERY'],
    ]);
    // Left out of a plain listing, as Okta leaves DEPROVISIONED users out.
    const deprovisioned = await collect(
      await client.userApi.listUsers({ search: 'status eq "DEPROVISIONED"' }),
    );
    expect(deprovisioned.map((user) => user.profile?.login)).toEqual([
      'deprovisioned.user@example.com',
    ]);
    const groups = await collect(await client.groupApi.listGroups({}));
    expect(groups.map((group) => group.profile?.name)).toEqual([
      'Everyone',
      'Kestra Admins',
      'Kestra Users',
      'Engineering',
      'Finance',
    ]);
    const admins = groups.find((group) => group.profile?.name === 'Kestra Admins');
    const members = await collect(
      await client.groupApi.listGroupUsers({ groupId: admins?.id ?? '' }),
    );
    expect(members.map((user) => user.profile?.login)).toEqual(['alice.martin@example.com']);
    const alice = users.find((user) => user.profile?.login === 'alice.martin@example.com');
    const aliceGroups = await collect(
      await client.userApi.listUserGroups({ userId: alice?.id ?? '' }),
    );
    expect(aliceGroups.map((group) => group.profile?.name).sort()).toEqual([
      'Engineering',
      'Everyone',
      'Kestra Admins',
    ]);
  });

  it('lists the apps with their group and user assignments', async () => {
    const apps = await collect(await client.applicationApi.listApplications({}));
    expect(apps.map((app) => [app.label, app.signOnMode, app.status])).toEqual([
      ['Kestra (staging)', 'OPENID_CONNECT', 'ACTIVE'],
      ['Kaimu', 'OPENID_CONNECT', 'ACTIVE'],
      ['Team Wiki', 'BOOKMARK', 'ACTIVE'],
      ['Grafana', 'SAML_2_0', 'ACTIVE'],
      ['Payroll', 'AUTO_LOGIN', 'ACTIVE'],
      ['Console service app', 'OPENID_CONNECT', 'ACTIVE'],
    ]);
    const [kestra, kaimu] = apps;
    const kestraGroups = await collect(
      await client.applicationApi.listApplicationGroupAssignments({ appId: kestra?.id ?? '' }),
    );
    expect(kestraGroups).toHaveLength(2);
    const kestraUsers = await collect(
      await client.applicationApi.listApplicationUsers({ appId: kestra?.id ?? '' }),
    );
    expect(kestraUsers.map((user) => [user.credentials?.userName, user.scope]).sort()).toEqual([
      ['alice.martin@example.com', 'GROUP'],
      ['bilal.haddad@example.com', 'GROUP'],
      ['chen.wei@example.com', 'GROUP'],
    ]);
    const kaimuUsers = await collect(
      await client.applicationApi.listApplicationUsers({ appId: kaimu?.id ?? '' }),
    );
    expect(kaimuUsers.find((user) => user.scope === 'USER')?.credentials?.userName).toBe(
      'dana.kowalski@example.com',
    );
  });
});

describe('npm run sandbox -- --seed large (small counts)', () => {
  let sandbox: CapturedProcess;
  let client: OktaSdkClient;

  beforeAll(async () => {
    ({ sandbox, client } = await startSandboxWithClient([
      '--seed',
      'large',
      '--users',
      '1500',
      '--groups',
      '30',
      '--apps',
      '12',
    ]));
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  it('pages through every user but the deprovisioned ones, 200 at a time', async () => {
    const users = await collect(await client.userApi.listUsers({ limit: 200 }));
    const deprovisioned = await collect(
      await client.userApi.listUsers({ search: 'status eq "DEPROVISIONED"' }),
    );
    expect(deprovisioned.length).toBeGreaterThan(0);
    expect(users.length + deprovisioned.length).toBe(1501);
    expect(new Set(users.map((user) => user.id)).size).toBe(users.length);
    const groups = await collect(await client.groupApi.listGroups({ limit: 7 }));
    expect(groups).toHaveLength(31);
    const apps = await collect(await client.applicationApi.listApplications({ limit: 5 }));
    expect(apps).toHaveLength(12);
  });

  it('finds a user by login, and by a new login right after it changes', async () => {
    const [someone] = await collect(
      await client.userApi.listUsers({ search: 'profile.department eq "Finance"', limit: 1 }),
    );
    const login = someone?.profile?.login ?? '';
    const found = await collect(
      await client.userApi.listUsers({ search: `profile.login eq "${login.toUpperCase()}"` }),
    );
    expect(found.map((user) => user.id)).toEqual([someone?.id]);
    await client.userApi.updateUser({
      userId: someone?.id ?? '',
      user: { profile: { login: 'renamed.person@example.com' } },
    });
    const renamed = await collect(
      await client.userApi.listUsers({ search: 'profile.login eq "renamed.person@example.com"' }),
    );
    expect(renamed.map((user) => user.id)).toEqual([someone?.id]);
    expect(
      await collect(await client.userApi.listUsers({ search: `profile.login eq "${login}"` })),
    ).toEqual([]);
    const byLogin = await client.userApi.getUser({ userId: 'renamed.person@example.com' });
    expect(byLogin.id).toBe(someone?.id);
  });
});

describe('npm run sandbox with bad seed flags', () => {
  it.each([
    [
      ['--users', '10'],
      'sandbox: --users only applies to --seed large. Add --seed large, or leave --users out.',
    ],
    [['--seed', 'demo', '--apps', '3'], 'sandbox: --apps only applies to --seed large.'],
    [['--seed', 'huge'], 'sandbox: --seed must be demo or large, not "huge".'],
    [
      ['--seed', 'large', '--users', 'lots'],
      'sandbox: --users must be a whole number from 0 to 1,000,000, not "lots".',
    ],
    [
      ['--seed', 'large', '--groups=-1'],
      'sandbox: --groups must be a whole number from 0 to 100,000, not "-1".',
    ],
  ])('%j says what is wrong and exits 2', async (args, message) => {
    const bad = startNodeScript('main/sandbox/cli.ts', ['--json', ...args]);
    expect(await bad.waitForExit()).toBe(2);
    expect(bad.stderr.join('\n')).toContain(message);
    expect(bad.stdout).toEqual([]);
  });
});
