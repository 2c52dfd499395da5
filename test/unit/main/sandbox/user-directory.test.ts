import { describe, expect, it } from 'vitest';

import { addUserWithToken, createSandboxOrg } from '../../../../main/sandbox/sandbox-org.ts';
import {
  forgetUserLookups,
  orderedUsers,
  usersWithLogin,
} from '../../../../main/sandbox/user-directory.ts';

const now = new Date('2026-03-01T00:00:00.000Z');

function orgWithUsers(logins: string[]) {
  const { org } = createSandboxOrg(() => now);
  for (const login of logins) {
    addUserWithToken(org, { login, firstName: 'A', lastName: 'B', adminRoles: [], now });
  }
  return org;
}

describe('user lookups', () => {
  it('lists users in the order they were added and reuses the list until told of a change', () => {
    const org = orgWithUsers(['ann@example.com', 'bob@example.com']);
    const first = orderedUsers(org);
    expect(first.map((user) => user.profile.login)).toEqual([
      'admin@sandbox.example',
      'ann@example.com',
      'bob@example.com',
    ]);
    expect(orderedUsers(org)).toBe(first);
    forgetUserLookups(org);
    expect(orderedUsers(org)).not.toBe(first);
    expect(orderedUsers(org)).toEqual(first);
  });

  it('rebuilds by itself when a user was added or removed without a change being noted', () => {
    const org = orgWithUsers(['ann@example.com']);
    expect(orderedUsers(org)).toHaveLength(2);
    addUserWithToken(org, {
      login: 'cy@example.com',
      firstName: 'C',
      lastName: 'Y',
      adminRoles: [],
      now,
    });
    expect(orderedUsers(org).map((user) => user.profile.login)).toContain('cy@example.com');
  });

  it('finds users by login ignoring case, and by a changed login once the change is noted', () => {
    const org = orgWithUsers(['Ann.Lee@Example.com', 'bob@example.com']);
    expect(usersWithLogin(org, 'ann.lee@example.COM').map((user) => user.profile.login)).toEqual([
      'Ann.Lee@Example.com',
    ]);
    expect(usersWithLogin(org, 'nobody@example.com')).toEqual([]);
    const bob = usersWithLogin(org, 'bob@example.com')[0];
    if (bob === undefined) {
      throw new Error('bob is missing');
    }
    bob.profile.login = 'robert@example.com';
    forgetUserLookups(org);
    expect(usersWithLogin(org, 'robert@example.com')).toEqual([bob]);
    expect(usersWithLogin(org, 'bob@example.com')).toEqual([]);
  });
});
