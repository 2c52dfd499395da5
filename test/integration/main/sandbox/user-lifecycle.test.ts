import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SEED_PASSWORD } from '../../../../main/sandbox/seed.ts';
import { OKTA_USER_LIFECYCLE_ERRORS } from '../../../../shared/okta/user-lifecycle-texts.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * The user lifecycle through the real SDK against `npm run sandbox -- --seed demo`: suspend,
 * unsuspend, unlock, expire the password (with or without a temporary one), reset factors and
 * revoke sessions, each legal move and Okta's error for the illegal ones; and what the sign-in
 * page does with a user in each status. The conformance step checks every answer against
 * management.yaml.
 */

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;
let app: OidcAppUnderTest;
let http: ReturnType<typeof oidcHttp>;

const WRONG_STATUS = { status: 403, ...OKTA_USER_LIFECYCLE_ERRORS.wrongStatus };
const UNLOCK_REFUSED = { status: 403, ...OKTA_USER_LIFECYCLE_ERRORS.unlockNotAllowed };

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo']);
  client = sandbox.client;
  http = oidcHttp(sandbox.orgUrl, REDIRECT_URI);
  app = await setUpOidcApp(client, {
    label: 'Lifecycle',
    applicationType: 'web',
    redirectUri: REDIRECT_URI,
  });
  // Every demo person may sign in to the app, so only their status decides.
  const [everyone] = await collect(await client.groupApi.listGroups({ q: 'Everyone' }));
  await client.applicationApi.assignGroupToApplication({
    appId: app.appId,
    groupId: everyone?.id ?? '',
    applicationGroupAssignment: {},
  });
});

afterAll(async () => {
  await sandbox.sandbox.stop();
});

let created = 0;

/** A new ACTIVE user with a password. */
async function activeUser(): Promise<string> {
  created += 1;
  const login = `lifecycle.${String(created)}@example.com`;
  const user = await client.userApi.createUser({
    body: {
      profile: { firstName: 'Life', lastName: 'Cycle', email: login, login },
      credentials: { password: { value: 'Sandbox-Passw0rd' } },
    },
  });
  return user.id ?? '';
}

async function userByLogin(login: string) {
  return client.userApi.getUser({ userId: login });
}

/** The `_links` relations a user offers (the SDK's model lists every known one, unset or not). */
function linkNames(user: { _links?: object }): string[] {
  return Object.entries(user._links ?? {})
    .filter(([, link]) => link !== undefined && link !== null)
    .map(([name]) => name)
    .sort();
}

async function statusOf(userId: string) {
  return (await client.userApi.getUser({ userId })).status;
}

/** The sign-in page's answer to a login and password: its HTTP status and what it says. */
async function signIn(login: string, password: string) {
  const go = http.browserSession();
  const start = await go(
    http.authorizeUrl(`${sandbox.orgUrl}/oauth2`, http.codeParams(app, { state: 'lifecycle' })),
  );
  const page = new URL(start.headers.get('location') ?? '', sandbox.orgUrl).toString();
  const answer = await go(page, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: login, password }).toString(),
  });
  return { status: answer.status, text: await answer.text() };
}

/** The last `user.session.start` event of `login`: its outcome and reason. */
async function lastSignInOf(login: string) {
  const events = await collect(
    await client.systemLogApi.listLogEvents({
      filter: 'eventType eq "user.session.start"',
      until: new Date(Date.now() + 60_000).toISOString(),
    }),
  );
  const last = events.filter((event) => event.actor?.alternateId === login).at(-1);
  return { result: last?.outcome?.result, reason: last?.outcome?.reason ?? null };
}

/** The event types logged with `userId` as a target, oldest first. */
async function eventTypesFor(userId: string) {
  const events = await collect(
    await client.systemLogApi.listLogEvents({
      filter: `target.id eq "${userId}"`,
      until: new Date(Date.now() + 60_000).toISOString(),
    }),
  );
  return events.map((event) => event.eventType);
}

describe('the demo seed’s people in every status', () => {
  it('has one person in each status the spec names, the obvious login saying which', async () => {
    const expected = [
      ['alice.martin@example.com', 'ACTIVE'],
      ['emeka.obi@example.com', 'PROVISIONED'],
      ['farah.nasser@example.com', 'STAGED'],
      ['suspended.user@example.com', 'SUSPENDED'],
      ['locked.user@example.com', 'LOCKED_OUT'],
      ['expired.user@example.com', 'PASSWORD_EXPIRED'],
      ['recovery.user@example.com', 'RECOVERY'],
      ['deprovisioned.user@example.com', 'DEPROVISIONED'],
    ];
    for (const [login = '', status] of expected) {
      expect((await userByLogin(login)).status, login).toBe(status);
    }
    const byStatus = await collect(
      await client.userApi.listUsers({ search: 'status eq "LOCKED_OUT"' }),
    );
    expect(byStatus.map((user) => user.profile?.login)).toEqual(['locked.user@example.com']);
  });

  it('lets only the ACTIVE one sign in: the others get “Unable to sign in”', async () => {
    // With the System Log's reason for each (system-log.ts, SignInFailureReason): a user with
    // no password yet fails on the credentials. The expired password is the exception: it
    // signs in, to a password change (sign-in-passwords.test.ts).
    const people = [
      ['suspended.user@example.com', 'USER_NOT_ACTIVE'],
      ['locked.user@example.com', 'LOCKED_OUT'],
      ['recovery.user@example.com', 'USER_NOT_ACTIVE'],
      ['deprovisioned.user@example.com', 'USER_NOT_ACTIVE'],
      ['emeka.obi@example.com', 'INVALID_CREDENTIALS'],
      ['farah.nasser@example.com', 'INVALID_CREDENTIALS'],
    ] as const;
    for (const [login, reason] of people) {
      const answer = await signIn(login, SEED_PASSWORD);
      expect(answer.status, login).toBe(401);
      expect(answer.text, login).toContain('Unable to sign in');
      expect(await lastSignInOf(login), login).toEqual({ result: 'FAILURE', reason });
    }
    expect((await signIn('alice.martin@example.com', SEED_PASSWORD)).status).toBe(303);
    const expired = await signIn('expired.user@example.com', SEED_PASSWORD);
    expect(expired.status).toBe(200);
    expect(expired.text).toContain('Change your password');
  });
});

describe('suspend and unsuspend', () => {
  it('suspends an ACTIVE user, refuses to sign them in, and unsuspends them', async () => {
    const { login, id: userId, password } = app.user;
    const before = await client.userApi.getUser({ userId });
    await client.userApi.suspendUser({ userId });
    const suspended = await client.userApi.getUser({ userId });
    expect(suspended.status).toBe('SUSPENDED');
    expect(suspended.statusChanged?.getTime()).toBeGreaterThan(
      before.statusChanged?.getTime() ?? Infinity,
    );
    expect(suspended.lastUpdated).toEqual(suspended.statusChanged);
    expect(linkNames(suspended)).toEqual(['deactivate', 'self', 'unsuspend']);
    expect((await signIn(login, password)).status).toBe(401);

    await client.userApi.unsuspendUser({ userId });
    expect(await statusOf(userId)).toBe('ACTIVE');
    expect((await signIn(login, password)).status).toBe(303);
    expect(await eventTypesFor(userId)).toEqual(
      expect.arrayContaining(['user.lifecycle.suspend', 'user.lifecycle.unsuspend']),
    );
  });

  it.each([
    ['suspend', 'farah.nasser@example.com', 'STAGED'],
    ['suspend', 'emeka.obi@example.com', 'PROVISIONED'],
    ['suspend', 'suspended.user@example.com', 'SUSPENDED'],
    ['suspend', 'locked.user@example.com', 'LOCKED_OUT'],
    ['suspend', 'deprovisioned.user@example.com', 'DEPROVISIONED'],
    ['unsuspend', 'alice.martin@example.com', 'ACTIVE'],
    ['unsuspend', 'expired.user@example.com', 'PASSWORD_EXPIRED'],
    ['unsuspend', 'recovery.user@example.com', 'RECOVERY'],
  ] as const)('refuses to %s %s (%s) with E0000038', async (operation, login, status) => {
    const userId = (await userByLogin(login)).id ?? '';
    const attempt =
      operation === 'suspend'
        ? client.userApi.suspendUser({ userId })
        : client.userApi.unsuspendUser({ userId });
    await expect(attempt).rejects.toMatchObject(WRONG_STATUS);
    expect(await statusOf(userId)).toBe(status);
  });
});

describe('unlock', () => {
  it('refuses a user who is not locked out with E0000032', async () => {
    for (const login of ['alice.martin@example.com', 'suspended.user@example.com']) {
      const userId = (await userByLogin(login)).id ?? '';
      await expect(client.userApi.unlockUser({ userId }), login).rejects.toMatchObject(
        UNLOCK_REFUSED,
      );
    }
  });

  it('unlocks the LOCKED_OUT user, who can then sign in with their password', async () => {
    const locked = await userByLogin('locked.user@example.com');
    expect(linkNames(locked)).toEqual(['deactivate', 'self', 'unlock']);
    await client.userApi.unlockUser({ userId: locked.id ?? '' });
    expect(await statusOf(locked.id ?? '')).toBe('ACTIVE');
    expect((await signIn('locked.user@example.com', SEED_PASSWORD)).status).toBe(303);
    await expect(client.userApi.unlockUser({ userId: locked.id ?? '' })).rejects.toMatchObject(
      UNLOCK_REFUSED,
    );
  });
});

describe('expire the password', () => {
  it('moves an ACTIVE user to PASSWORD_EXPIRED and answers the user', async () => {
    const userId = await activeUser();
    const expired = await client.userApi.expirePassword({ userId });
    expect(expired).toMatchObject({ id: userId, status: 'PASSWORD_EXPIRED' });
    expect(linkNames(expired)).toEqual(['deactivate', 'expirePassword', 'self']);
    // Again: it is already expired, and stays so.
    expect((await client.userApi.expirePassword({ userId })).status).toBe('PASSWORD_EXPIRED');
    expect(await eventTypesFor(userId)).toContain('user.account.expire_password');
  });

  it('sets a temporary password with expire_password_with_temp_password', async () => {
    const userId = await activeUser();
    const response = await fetch(
      `${sandbox.orgUrl}/api/v1/users/${userId}/lifecycle/expire_password_with_temp_password?revokeSessions=true`,
      { method: 'POST', headers: { authorization: `SSWS ${sandbox.apiToken}` } },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { tempPassword: string };
    expect(Object.keys(body)).toEqual(['tempPassword']);
    expect(body.tempPassword).toMatch(/^[A-Za-z0-9]{8}$/);
    const user = await client.userApi.getUser({ userId });
    expect(user.status).toBe('PASSWORD_EXPIRED');
    expect(user.passwordChanged).toEqual(user.statusChanged);
    expect(await eventTypesFor(userId)).toEqual(
      expect.arrayContaining(['user.account.expire_password', 'user.session.clear']),
    );
    // The SDK's call works too (it reads the answer as a User).
    const other = await activeUser();
    await client.userApi.expirePasswordAndGetTemporaryPassword({ userId: other });
    expect(await statusOf(other)).toBe('PASSWORD_EXPIRED');
  });

  it.each([
    ['farah.nasser@example.com', 'STAGED'],
    ['emeka.obi@example.com', 'PROVISIONED'],
    ['suspended.user@example.com', 'SUSPENDED'],
    ['recovery.user@example.com', 'RECOVERY'],
    ['deprovisioned.user@example.com', 'DEPROVISIONED'],
  ] as const)(
    'refuses %s (%s) with E0000038, with or without a temporary password',
    async (login, status) => {
      const userId = (await userByLogin(login)).id ?? '';
      await expect(client.userApi.expirePassword({ userId })).rejects.toMatchObject(WRONG_STATUS);
      await expect(
        client.userApi.expirePasswordAndGetTemporaryPassword({ userId }),
      ).rejects.toMatchObject(WRONG_STATUS);
      expect(await statusOf(userId)).toBe(status);
    },
  );
});

describe('reset factors', () => {
  it('answers 200 and leaves the status as it is', async () => {
    for (const login of ['alice.martin@example.com', 'suspended.user@example.com']) {
      const before = await userByLogin(login);
      await client.userApi.resetFactors({ userId: before.id ?? '' });
      const after = await userByLogin(login);
      expect(after.status, login).toBe(before.status);
      expect(after.lastUpdated, login).toEqual(before.lastUpdated);
    }
    const alice = await userByLogin('alice.martin@example.com');
    expect(await eventTypesFor(alice.id ?? '')).toContain('user.mfa.factor.reset_all');
  });

  it('refuses a deactivated user with E0000038', async () => {
    const userId = (await userByLogin('deprovisioned.user@example.com')).id ?? '';
    await expect(client.userApi.resetFactors({ userId })).rejects.toMatchObject(WRONG_STATUS);
  });
});

describe('revoke sessions', () => {
  it('answers 204, with or without oauthTokens, and logs user.session.clear', async () => {
    const userId = (await userByLogin('alice.martin@example.com')).id ?? '';
    await client.userApi.revokeUserSessions({ userId });
    await client.userApi.revokeUserSessions({ userId, oauthTokens: true, forgetDevices: false });
    const response = await fetch(`${sandbox.orgUrl}/api/v1/users/${userId}/sessions`, {
      method: 'DELETE',
      headers: { authorization: `SSWS ${sandbox.apiToken}` },
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    const cleared = (await eventTypesFor(userId)).filter((type) => type === 'user.session.clear');
    expect(cleared).toHaveLength(3);
    expect(await statusOf(userId)).toBe('ACTIVE');
  });

  it('answers 404 E0000007 for an unknown user', async () => {
    await expect(
      client.userApi.revokeUserSessions({ userId: '00unobody0000000000' }),
    ).rejects.toMatchObject({
      status: 404,
      errorCode: 'E0000007',
      errorSummary: 'Not found: Resource not found: 00unobody0000000000 (User)',
    });
  });
});

describe('activate and deactivate meet the later statuses', () => {
  it('refuses to activate a SUSPENDED, PASSWORD_EXPIRED or RECOVERY user with E0000038', async () => {
    for (const login of [
      'suspended.user@example.com',
      'expired.user@example.com',
      'recovery.user@example.com',
    ]) {
      const userId = (await userByLogin(login)).id ?? '';
      await expect(
        client.userApi.activateUser({ userId, sendEmail: false }),
        login,
      ).rejects.toMatchObject(WRONG_STATUS);
    }
  });

  it('deactivates a SUSPENDED user, and reactivates them through activate', async () => {
    const userId = await activeUser();
    await client.userApi.suspendUser({ userId });
    await client.userApi.deactivateUser({ userId });
    expect(await statusOf(userId)).toBe('DEPROVISIONED');
    await expect(client.userApi.unsuspendUser({ userId })).rejects.toMatchObject(WRONG_STATUS);
    await client.userApi.activateUser({ userId, sendEmail: false });
    expect(await statusOf(userId)).toBe('ACTIVE');
  });
});
