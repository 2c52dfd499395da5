import { describe, expect, it } from 'vitest';

import { meetsPasswordPolicy, verifyPassword } from '../../../../../main/sandbox/passwords.ts';
import type { RouteResult } from '../../../../../main/sandbox/routes/route.ts';
import { USER_LIFECYCLE_ROUTES } from '../../../../../main/sandbox/routes/user-lifecycle.ts';
import { USER_ROUTES } from '../../../../../main/sandbox/routes/users.ts';
import {
  createSandboxOrg,
  type SandboxUser,
  USER_STATUSES,
  type UserStatus,
} from '../../../../../main/sandbox/sandbox-org.ts';
import {
  onUserSessionsRevoked,
  type SessionRevocation,
} from '../../../../../main/sandbox/user-sessions.ts';
import { OKTA_USER_LIFECYCLE_ERRORS } from '../../../../../shared/okta/user-lifecycle-texts.ts';

/**
 * The user lifecycle routes, every operation against a user in every status: the moves
 * management.yaml allows, and Okta's refusal (okta-behaviours.md §5) for every other.
 */

const created = new Date('2026-03-01T00:00:00.000Z');
const later = new Date('2026-03-02T12:00:00.000Z');
const orgUrl = 'http://127.0.0.1:4000';
const { org, adminToken } = createSandboxOrg(() => created);

/** The org's user with `id`; a missing one is a bug in the test. */
function stored(id: string): SandboxUser {
  const user = org.users.get(id);
  if (user === undefined) {
    throw new Error(`no user ${id}`);
  }
  return user;
}

const admin = stored(org.tokens.get(adminToken) ?? '');

function call(method: string, pathAndQuery: string, now = later): RouteResult {
  const url = new URL(pathAndQuery, orgUrl);
  const route = [...USER_ROUTES, ...USER_LIFECYCLE_ROUTES].find(
    (candidate) => candidate.method === method && candidate.pattern.test(url.pathname),
  );
  if (route === undefined) {
    throw new Error(`no route for ${method} ${url.pathname}`);
  }
  return route.handle({
    org,
    orgUrl,
    url,
    caller: admin,
    params: route.pattern.exec(url.pathname)?.groups ?? {},
    query: url.searchParams,
    body: {},
    now,
  });
}

let counter = 0;

/** A user with a password who is in `status`, created (and stamped) at `created`. */
function userIn(status: UserStatus): SandboxUser {
  counter += 1;
  const login = `lifecycle${String(counter)}@example.com`;
  const url = new URL('/api/v1/users?activate=true', orgUrl);
  const createRoute = USER_ROUTES.find(
    (route) => route.method === 'POST' && route.pattern.test(url.pathname),
  );
  const result = createRoute?.handle({
    org,
    orgUrl,
    url,
    caller: admin,
    params: {},
    query: url.searchParams,
    body: {
      profile: { firstName: 'Life', lastName: 'Cycle', login, email: login },
      credentials: { password: { value: 'Sandbox-Passw0rd' } },
    },
    now: created,
  }) as { body: { id: string } };
  const user = stored(result.body.id);
  user.status = status;
  user.activated = status === 'STAGED' ? null : user.activated;
  return user;
}

/** What each operation does from each status it accepts: the status it leaves the user in. */
const LEGAL: Record<string, Partial<Record<UserStatus, UserStatus>>> = {
  suspend: { ACTIVE: 'SUSPENDED' },
  unsuspend: { SUSPENDED: 'ACTIVE' },
  unlock: { LOCKED_OUT: 'ACTIVE' },
  expire_password: { ACTIVE: 'PASSWORD_EXPIRED', PASSWORD_EXPIRED: 'PASSWORD_EXPIRED' },
  reset_factors: Object.fromEntries(
    USER_STATUSES.filter((status) => status !== 'DEPROVISIONED').map((status) => [status, status]),
  ),
};

const cases = Object.keys(LEGAL).flatMap((operation) =>
  USER_STATUSES.map((status) => [operation, status] as const),
);

describe('POST /api/v1/users/{userId}/lifecycle/…', () => {
  it.each(cases)('%s from %s', (operation, status) => {
    const user = userIn(status);
    const result = call('POST', `/api/v1/users/${user.id}/lifecycle/${operation}`);
    const to = LEGAL[operation]?.[status];
    if (to === undefined) {
      const expected =
        operation === 'unlock'
          ? OKTA_USER_LIFECYCLE_ERRORS.unlockNotAllowed
          : OKTA_USER_LIFECYCLE_ERRORS.wrongStatus;
      expect(result).toMatchObject({ status: 403, body: expected });
      expect(user.status).toBe(status);
      expect(user.statusChanged).toBe(created.toISOString());
      return;
    }
    expect(result.status).toBe(200);
    expect(user.status).toBe(to);
    // A real move is stamped; one that leaves the status as it is changes nothing.
    const stamp = (to === status ? created : later).toISOString();
    expect(user.statusChanged).toBe(stamp);
    expect(user.lastUpdated).toBe(stamp);
    if (operation === 'expire_password') {
      expect(result.body).toMatchObject({ id: user.id, status: 'PASSWORD_EXPIRED' });
    } else {
      expect(result.body).toBeUndefined();
    }
  });

  it.each([
    ['suspend', 'user.lifecycle.suspend', 'ACTIVE'],
    ['unsuspend', 'user.lifecycle.unsuspend', 'SUSPENDED'],
    ['unlock', 'user.account.unlock_by_admin', 'LOCKED_OUT'],
    ['expire_password', 'user.account.expire_password', 'ACTIVE'],
    ['reset_factors', 'user.mfa.factor.reset_all', 'ACTIVE'],
  ] as const)('%s logs %s', (operation, eventType, status) => {
    const user = userIn(status);
    const result = call('POST', `/api/v1/users/${user.id}/lifecycle/${operation}`);
    expect('events' in result ? result.events : undefined).toEqual([
      { eventType, target: [expect.objectContaining({ id: user.id, type: 'User' })] },
    ]);
  });

  it.each(Object.keys(LEGAL))('%s answers 404 E0000007 for an unknown user', (operation) => {
    expect(call('POST', `/api/v1/users/00unobody/lifecycle/${operation}`)).toMatchObject({
      status: 404,
      body: {
        errorCode: 'E0000007',
        errorSummary: 'Not found: Resource not found: 00unobody (User)',
      },
    });
  });

  it('finds the user by login as well as by id', () => {
    const user = userIn('ACTIVE');
    expect(call('POST', `/api/v1/users/${user.profile.login}/lifecycle/suspend`).status).toBe(200);
    expect(user.status).toBe('SUSPENDED');
  });
});

describe('expire_password_with_temp_password', () => {
  it('sets a temporary password that meets the policy, expires it, and answers it', () => {
    const user = userIn('ACTIVE');
    const result = call(
      'POST',
      `/api/v1/users/${user.id}/lifecycle/expire_password_with_temp_password`,
    );
    const { tempPassword } = result.body as { tempPassword: string };
    expect(result.status).toBe(200);
    expect(Object.keys(result.body as object)).toEqual(['tempPassword']);
    expect(meetsPasswordPolicy(tempPassword, user.profile.login)).toBe(true);
    expect(verifyPassword(tempPassword, user.passwordHash ?? '')).toBe(true);
    expect(user).toMatchObject({
      status: 'PASSWORD_EXPIRED',
      statusChanged: later.toISOString(),
      passwordChanged: later.toISOString(),
      lastUpdated: later.toISOString(),
    });
  });

  it.each(USER_STATUSES.filter((status) => status !== 'ACTIVE' && status !== 'PASSWORD_EXPIRED'))(
    'refuses a %s user with E0000038 and keeps the password',
    (status) => {
      const user = userIn(status);
      const hash = user.passwordHash;
      expect(
        call('POST', `/api/v1/users/${user.id}/lifecycle/expire_password_with_temp_password`),
      ).toMatchObject({ status: 403, body: OKTA_USER_LIFECYCLE_ERRORS.wrongStatus });
      expect(user.passwordHash).toBe(hash);
    },
  );

  it('revokes the sessions only when asked', () => {
    const heard: SessionRevocation[] = [];
    const stop = onUserSessionsRevoked(org, (revocation) => heard.push(revocation));
    const quiet = userIn('ACTIVE');
    call('POST', `/api/v1/users/${quiet.id}/lifecycle/expire_password_with_temp_password`);
    const revoked = userIn('ACTIVE');
    const result = call(
      'POST',
      `/api/v1/users/${revoked.id}/lifecycle/expire_password_with_temp_password?revokeSessions=true`,
    );
    stop();
    expect(heard).toEqual([{ userId: revoked.id, oauthTokens: false }]);
    expect('events' in result ? result.events?.map((event) => event.eventType) : []).toEqual([
      'user.account.expire_password',
      'user.session.clear',
    ]);
  });
});

describe('DELETE /api/v1/users/{userId}/sessions', () => {
  it.each(USER_STATUSES)('answers 204 with no body for a %s user and says so', (status) => {
    const heard: SessionRevocation[] = [];
    const stop = onUserSessionsRevoked(org, (revocation) => heard.push(revocation));
    const user = userIn(status);
    const result = call('DELETE', `/api/v1/users/${user.id}/sessions`);
    stop();
    expect(result).toMatchObject({ status: 204, body: undefined });
    expect(heard).toEqual([{ userId: user.id, oauthTokens: false }]);
    expect(user.status).toBe(status);
  });

  it('passes oauthTokens=true on, and logs user.session.clear', () => {
    const heard: SessionRevocation[] = [];
    const stop = onUserSessionsRevoked(org, (revocation) => heard.push(revocation));
    const user = userIn('ACTIVE');
    const result = call('DELETE', `/api/v1/users/${user.id}/sessions?oauthTokens=true`);
    stop();
    expect(heard).toEqual([{ userId: user.id, oauthTokens: true }]);
    expect('events' in result ? result.events?.map((event) => event.eventType) : []).toEqual([
      'user.session.clear',
    ]);
  });

  it('answers 404 E0000007 for an unknown user', () => {
    expect(call('DELETE', '/api/v1/users/00unobody/sessions')).toMatchObject({
      status: 404,
      body: { errorCode: 'E0000007' },
    });
  });
});

describe('activate and deactivate with the later statuses', () => {
  it.each(['SUSPENDED', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'RECOVERY'] as const)(
    'activate refuses a %s user with E0000038',
    (status) => {
      const user = userIn(status);
      expect(call('POST', `/api/v1/users/${user.id}/lifecycle/activate`)).toMatchObject({
        status: 403,
        body: OKTA_USER_LIFECYCLE_ERRORS.wrongStatus,
      });
      expect(user.status).toBe(status);
    },
  );

  it.each(USER_STATUSES.filter((status) => status !== 'DEPROVISIONED'))(
    'deactivate takes a %s user to DEPROVISIONED, stamping statusChanged and lastUpdated',
    (status) => {
      const user = userIn(status);
      expect(call('POST', `/api/v1/users/${user.id}/lifecycle/deactivate`).status).toBe(200);
      expect(user).toMatchObject({
        status: 'DEPROVISIONED',
        statusChanged: later.toISOString(),
        lastUpdated: later.toISOString(),
      });
    },
  );
});

describe('the lifecycle links of a user', () => {
  const expectedLinks: Record<UserStatus, string[]> = {
    ACTIVE: ['suspend', 'expirePassword', 'deactivate'],
    SUSPENDED: ['unsuspend', 'deactivate'],
    LOCKED_OUT: ['unlock', 'deactivate'],
    PASSWORD_EXPIRED: ['expirePassword', 'deactivate'],
    RECOVERY: ['deactivate'],
    STAGED: ['activate', 'deactivate'],
    PROVISIONED: ['activate', 'deactivate'],
    DEPROVISIONED: ['activate'],
  };

  it.each(USER_STATUSES)(
    'a %s user offers the moves its status allows, each accepted',
    (status) => {
      const shown = userIn(status);
      const rendered = call('GET', `/api/v1/users/${shown.id}`).body as {
        _links: Record<string, { href: string; method?: string }>;
      };
      const { self, ...lifecycle } = rendered._links;
      expect(self?.href).toBe(`${orgUrl}/api/v1/users/${shown.id}`);
      expect(Object.keys(lifecycle)).toEqual(expectedLinks[status]);
      for (const link of Object.values(lifecycle)) {
        expect(link.method).toBe('POST');
        // Each link, followed for another user in the same status, is accepted.
        const other = userIn(status);
        const path = new URL(link.href).pathname.replace(shown.id, other.id);
        expect(call('POST', path).status, path).toBe(200);
      }
    },
  );
});
