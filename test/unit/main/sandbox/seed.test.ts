import { describe, expect, it } from 'vitest';

import { verifyPassword } from '../../../../main/sandbox/passwords.ts';
import { membersOf } from '../../../../main/sandbox/routes/groups.ts';
import { GROUP_ROUTES } from '../../../../main/sandbox/routes/groups.ts';
import {
  createSandboxOrg,
  type SandboxOrg,
  USER_STATUSES,
} from '../../../../main/sandbox/sandbox-org.ts';
import {
  largeSeedFrom,
  SEED_PASSWORD,
  type SeedOption,
  seedOrg,
  SERVICE_APP_LABEL,
  SERVICE_APP_SCOPES,
} from '../../../../main/sandbox/seed.ts';

const now = new Date('2026-03-01T00:00:00.000Z');

function seeded(seed: SeedOption) {
  const { org, adminToken } = createSandboxOrg(() => now);
  const admin = org.users.get(org.tokens.get(adminToken) ?? '');
  if (admin === undefined) {
    throw new Error('no admin');
  }
  return { org, admin, summary: seedOrg(org, seed, { admin, now }) };
}

function groupNamed(org: SandboxOrg, name: string) {
  const group = [...org.groups.values()].find((candidate) => candidate.profile.name === name);
  if (group === undefined) {
    throw new Error(`no group ${name}`);
  }
  return group;
}

/**
 * Everything a large seed decides: not the org's own admin and Everyone group, nor app ids and
 * secrets (random like any new app's).
 */
function content(org: SandboxOrg) {
  const groupNames = new Map(
    [...org.groups.values()].map((group) => [group.id, group.profile.name]),
  );
  return {
    users: [...org.users.values()]
      .slice(1)
      .map((user) => ({ ...user, passwordHash: user.passwordHash !== null })),
    groups: [...org.groups.values()].filter((group) => group.type !== 'BUILT_IN'),
    members: [...org.groupMembers].map(([groupId, members]) => [groupId, [...members]]),
    apps: [...org.apps.values()].map((app) => ({
      label: app.record.label,
      signOnMode: app.record.signOnMode,
      settings: app.record.settings,
      groups: [...app.groups.keys()].map((groupId) => groupNames.get(groupId)),
    })),
  };
}

describe('the demo seed', () => {
  const { org, summary } = seeded({ kind: 'demo' });
  const byLogin = (login: string) =>
    [...org.users.values()].find((user) => user.profile.login === login);

  it('adds eleven people, six of them in Okta’s starting statuses, the active ones with the documented password', () => {
    expect(summary).toMatchObject({ kind: 'demo', users: 11, groups: 4, apps: 6 });
    expect(org.users.size).toBe(12);
    const alice = byLogin('alice.martin@example.com');
    expect(alice).toMatchObject({
      status: 'ACTIVE',
      profile: { firstName: 'Alice', lastName: 'Martin', email: 'alice.martin@example.com' },
    });
    expect(verifyPassword(SEED_PASSWORD, alice?.passwordHash ?? '')).toBe(true);
    expect(verifyPassword('wrong-Passw0rd', alice?.passwordHash ?? '')).toBe(false);
    expect(byLogin('emeka.obi@example.com')).toMatchObject({
      status: 'PROVISIONED',
      passwordHash: null,
    });
    expect(byLogin('farah.nasser@example.com')).toMatchObject({
      status: 'STAGED',
      activated: null,
    });
  });

  it('adds a person in each later status, named after it, with the documented password', () => {
    const later = [
      ['suspended.user@example.com', 'SUSPENDED'],
      ['locked.user@example.com', 'LOCKED_OUT'],
      ['expired.user@example.com', 'PASSWORD_EXPIRED'],
      ['recovery.user@example.com', 'RECOVERY'],
      ['deprovisioned.user@example.com', 'DEPROVISIONED'],
    ] as const;
    for (const [login, status] of later) {
      const user = byLogin(login);
      expect(user, login).toMatchObject({ status, statusChanged: now.toISOString() });
      expect(user?.activated, login).toBe(now.toISOString());
      expect(verifyPassword(SEED_PASSWORD, user?.passwordHash ?? ''), login).toBe(true);
      const groups = [...org.groupMembers.values()].filter((members) =>
        members.has(user?.id ?? ''),
      );
      expect(groups, login).toEqual([]);
    }
    expect(new Set([...org.users.values()].map((user) => user.status))).toEqual(
      new Set(USER_STATUSES),
    );
  });

  it('puts people in Kestra Admins, Kestra Users, Engineering and Finance', () => {
    const logins = (name: string) =>
      membersOf(org, groupNamed(org, name))
        .map((user) => user.profile.login)
        .sort();
    expect(logins('Kestra Admins')).toEqual(['alice.martin@example.com']);
    expect(logins('Kestra Users')).toEqual(['bilal.haddad@example.com', 'chen.wei@example.com']);
    expect(logins('Engineering')).toHaveLength(4);
    expect(logins('Finance')).toEqual(['dana.kowalski@example.com']);
  });

  it('adds two OIDC web apps with client secrets, a bookmark, a SAML and a SWA app, assigned to groups and a user', () => {
    const apps = [...org.apps.values()];
    expect(apps.map((app) => [app.record.label, app.record.signOnMode])).toEqual([
      ['Kestra (staging)', 'OPENID_CONNECT'],
      ['Kaimu', 'OPENID_CONNECT'],
      ['Team Wiki', 'BOOKMARK'],
      ['Grafana', 'SAML_2_0'],
      ['Payroll', 'AUTO_LOGIN'],
      ['Console service app', 'OPENID_CONNECT'],
    ]);
    const [kestra, kaimu, wiki, grafana, payroll] = apps;
    expect(grafana?.secrets).toEqual([]);
    expect(new Set(grafana?.groups.keys())).toEqual(new Set([groupNamed(org, 'Engineering').id]));
    expect([...(payroll?.groups.keys() ?? [])]).toEqual([groupNamed(org, 'Everyone').id]);
    expect(kestra?.secrets).toHaveLength(1);
    expect(kestra?.record.settings).toMatchObject({
      oauthClient: { redirect_uris: ['https://kestra-staging.example.com/oauth/callback/okta'] },
    });
    expect(new Set(kestra?.groups.keys())).toEqual(
      new Set([groupNamed(org, 'Kestra Admins').id, groupNamed(org, 'Kestra Users').id]),
    );
    expect([...(kaimu?.users.keys() ?? [])]).toEqual([byLogin('dana.kowalski@example.com')?.id]);
    expect([...(wiki?.groups.keys() ?? [])]).toEqual([groupNamed(org, 'Everyone').id]);
  });

  it('adds an API services app with a public key only, Okta API scopes and the Org Admin role', () => {
    const service = [...org.apps.values()].find((app) => app.record.label === SERVICE_APP_LABEL);
    expect(service?.record).toMatchObject({
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
      settings: {
        oauthClient: { application_type: 'service', grant_types: ['client_credentials'] },
      },
    });
    expect(summary.serviceAppClientId).toBe(service?.id);
    // No secret, and no private key anywhere: nobody can act as the seed's app.
    expect(service?.secrets).toEqual([]);
    const keys = (service?.record.settings as { oauthClient: { jwks: { keys: object[] } } })
      .oauthClient.jwks.keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
    expect([...(service?.scopeGrants?.values() ?? [])].map((grant) => grant.scopeId)).toEqual([
      ...SERVICE_APP_SCOPES,
    ]);
    expect(service?.adminRoles?.map((role) => role.type)).toEqual(['ORG_ADMIN']);
  });
});

describe('the large seed', () => {
  const small = { kind: 'large', users: 2000, groups: 50, apps: 30 } as const;

  it('adds exactly the users, groups and apps asked for', () => {
    const { org, summary } = seeded(small);
    expect(org.users.size).toBe(2001);
    expect(org.groups.size).toBe(51);
    expect(org.apps.size).toBe(30);
    expect(summary).toMatchObject({ users: 2000, groups: 50, apps: 30 });
    const memberships = [...org.groupMembers.values()].reduce((sum, set) => sum + set.size, 0);
    expect(summary.groupMemberships).toBe(memberships);
    expect(summary.appAssignments).toBe(
      [...org.apps.values()].reduce((sum, app) => sum + app.groups.size, 0),
    );
  });

  it('makes the same org every time (but for app ids and secrets)', () => {
    expect(content(seeded(small).org)).toEqual(content(seeded(small).org));
  });

  it('gives unique, plausible logins, a status mix, and every user a department group', () => {
    const { org } = seeded(small);
    const users = [...org.users.values()].slice(1);
    const logins = users.map((user) => user.profile.login);
    expect(new Set(logins).size).toBe(users.length);
    for (const user of users) {
      expect(user.profile.login).toMatch(/^[a-z]+\.[a-z]+\d*@example\.com$/);
      expect(user.profile.login).toContain(user.profile.firstName.toLowerCase());
      expect(user.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    }
    const statuses = new Set(users.map((user) => user.status));
    expect(statuses).toEqual(new Set(USER_STATUSES));
    const active = users.filter((user) => user.status === 'ACTIVE').length;
    expect(active / users.length).toBeGreaterThan(0.85);
    for (const user of users) {
      const groups = [...org.groupMembers]
        .filter(([, members]) => members.has(user.id))
        .map(([groupId]) => org.groups.get(groupId)?.profile.name ?? '');
      expect(groups.some((name) => name.startsWith(String(user.profile.department)))).toBe(true);
    }
  });

  it('has a user in every status even when small: the first users take each in turn', () => {
    const { org } = seeded({ kind: 'large', users: USER_STATUSES.length, groups: 1, apps: 0 });
    const users = [...org.users.values()].slice(1);
    expect(new Set(users.map((user) => user.status))).toEqual(new Set(USER_STATUSES));
    for (const user of users) {
      const hasPassword = user.status !== 'STAGED' && user.status !== 'PROVISIONED';
      expect(user.passwordHash !== null, user.status).toBe(hasPassword);
      expect(user.activated === null, user.status).toBe(user.status === 'STAGED');
    }
  });

  it('shares one hash of the documented password among users who have one', () => {
    const { org } = seeded(small);
    const hashes = new Set(
      [...org.users.values()]
        .slice(1)
        .flatMap((user) => (user.passwordHash === null ? [] : [user.passwordHash])),
    );
    expect(hashes.size).toBe(1);
    expect(verifyPassword(SEED_PASSWORD, [...hashes][0] ?? '')).toBe(true);
  });

  it('stores groups in the shape the groups API gives a created one', () => {
    const { org, admin } = seeded(small);
    const create = GROUP_ROUTES.find((route) => route.method === 'POST');
    const url = new URL('https://seed.sandbox.invalid/api/v1/groups');
    const created = create?.handle({
      org,
      orgUrl: url.origin,
      url,
      caller: admin,
      params: {},
      query: url.searchParams,
      body: { profile: { name: 'Made by hand', description: 'x' } },
      now,
    }) as { body: { id: string } };
    const madeByHand = org.groups.get(created.body.id);
    const seededGroup = [...org.groups.values()].find((group) => group.type === 'OKTA_GROUP');
    expect(Object.keys(seededGroup ?? {}).sort()).toEqual(Object.keys(madeByHand ?? {}).sort());
    expect(org.groupMembers.get(seededGroup?.id ?? '')).toBeInstanceOf(Set);
  });
});

describe('largeSeedFrom', () => {
  it('fills in the defaults and reads typed counts', () => {
    expect(largeSeedFrom({})).toEqual({
      ok: true,
      seed: { kind: 'large', users: 100_000, groups: 2_000, apps: 1_000 },
    });
    expect(largeSeedFrom({ users: '5000', apps: 0 })).toEqual({
      ok: true,
      seed: { kind: 'large', users: 5000, groups: 2_000, apps: 0 },
    });
  });

  it.each([
    [{ users: 'abc' }, 'users must be a whole number from 0 to 1,000,000, not "abc"'],
    [{ groups: '-3' }, 'groups must be a whole number from 0 to 100,000, not "-3"'],
    [{ apps: '2.5' }, 'apps must be a whole number from 0 to 20,000, not "2.5"'],
    [{ users: 2_000_000 }, 'users must be a whole number from 0 to 1,000,000, not 2000000'],
  ])('refuses %j', (counts, problem) => {
    expect(largeSeedFrom(counts)).toEqual({ ok: false, problem });
  });

  it('makes seedOrg refuse out-of-range counts', () => {
    expect(() => seeded({ kind: 'large', users: -1, groups: 0, apps: 0 })).toThrow(
      'Large seed: users must be a whole number from 0 to 1,000,000, not -1.',
    );
  });
});
