import { describe, expect, it } from 'vitest';

import {
  clearFailedSignIns,
  countFailedSignIn,
  MAX_FAILED_SIGN_INS,
} from '../../../../../main/sandbox/oidc/sign-in-lockout.ts';
import {
  createSandboxOrg,
  type SandboxUser,
  type UserStatus,
} from '../../../../../main/sandbox/sandbox-org.ts';
import { decodeState, encodeState } from '../../../../../main/sandbox/state-file.ts';

const EARLIER = '2030-01-01T00:00:00.000Z';
const NOW = new Date('2030-01-02T03:04:05.000Z');

function user(status: UserStatus): SandboxUser {
  return {
    id: '00u1',
    status,
    created: EARLIER,
    activated: EARLIER,
    statusChanged: EARLIER,
    lastUpdated: EARLIER,
    passwordChanged: EARLIER,
    lastLogin: null,
    profile: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      login: 'ada@example.com',
      email: 'ada@example.com',
    },
    passwordHash: null,
    adminRoles: [],
  };
}

describe('countFailedSignIn', () => {
  it('is Okta’s default policy limit of 10 (management.yaml maxAttempts)', () => {
    expect(MAX_FAILED_SIGN_INS).toBe(10);
  });

  it('counts up to the limit, then locks the user and starts the count again', () => {
    const ada = user('ACTIVE');
    for (let attempt = 1; attempt < MAX_FAILED_SIGN_INS; attempt += 1) {
      expect(countFailedSignIn(ada, NOW)).toBe('counted');
      expect(ada.failedSignIns).toBe(attempt);
      expect(ada.status).toBe('ACTIVE');
      expect(ada.lastUpdated).toBe(EARLIER);
    }
    expect(countFailedSignIn(ada, NOW)).toBe('locked');
    expect(ada).toMatchObject({
      status: 'LOCKED_OUT',
      statusChanged: NOW.toISOString(),
      lastUpdated: NOW.toISOString(),
    });
    expect(ada.failedSignIns).toBeUndefined();
  });

  it('locks a user whose password expired too', () => {
    const ada = { ...user('PASSWORD_EXPIRED'), failedSignIns: MAX_FAILED_SIGN_INS - 1 };
    expect(countFailedSignIn(ada, NOW)).toBe('locked');
    expect(ada.status).toBe('LOCKED_OUT');
  });

  it.each([
    'LOCKED_OUT',
    'SUSPENDED',
    'STAGED',
    'PROVISIONED',
    'DEPROVISIONED',
    'RECOVERY',
  ] as const)('ignores a %s user, who has nothing to lock', (status) => {
    const ada = user(status);
    expect(countFailedSignIn(ada, NOW)).toBe('ignored');
    expect(ada.failedSignIns).toBeUndefined();
    expect(ada.status).toBe(status);
  });
});

describe('clearFailedSignIns', () => {
  it('ends the run of failures', () => {
    const ada = { ...user('ACTIVE'), failedSignIns: 7 };
    clearFailedSignIns(ada);
    expect(ada.failedSignIns).toBeUndefined();
    for (let attempt = 1; attempt < MAX_FAILED_SIGN_INS; attempt += 1) {
      countFailedSignIn(ada, NOW);
    }
    expect(ada.status).toBe('ACTIVE');
  });
});

describe('the count in the state file', () => {
  it('is saved and loaded with the user, and never rendered', () => {
    const clock = () => NOW;
    const { org, adminToken } = createSandboxOrg(clock);
    const ada = user('ACTIVE');
    org.users.set(ada.id, ada);
    countFailedSignIn(ada, NOW);
    countFailedSignIn(ada, NOW);
    const loaded = decodeState(
      encodeState({ org, adminToken }, NOW),
      'org.json',
      createSandboxOrg(clock).org,
    );
    expect(loaded.org.users.get(ada.id)?.failedSignIns).toBe(2);
  });
});
