import type { SandboxOrg, SandboxUser } from './sandbox-org.ts';

/** Lookups derived from `org.users`, built on first use after a change. */
interface UserLookups {
  /** Every user in listing order (the order they were added, as `org.users` keeps it). */
  ordered: readonly SandboxUser[];
  /** Lower-cased login → the users with it (one, unless a state file was edited by hand). */
  byLogin?: Map<string, SandboxUser[]>;
}

const cache = new WeakMap<SandboxOrg, UserLookups>();

function lookupsOf(org: SandboxOrg): UserLookups {
  const cached = cache.get(org);
  // The size check is a safety net for code that adds or removes a user without saying so.
  if (cached?.ordered.length === org.users.size) {
    return cached;
  }
  const fresh: UserLookups = { ordered: [...org.users.values()] };
  cache.set(org, fresh);
  return fresh;
}

/**
 * Drops the lookups derived from the org's users; the next read rebuilds them.
 *
 * @remarks
 * The server calls this (through its `markDirty`) after every request that may have changed the
 * org, so searches never see a stale directory. Rebuilding is O(n) once per change, where
 * copying or scanning the users on every page of a 100,000-user listing was O(n) per page.
 */
export function forgetUserLookups(org: SandboxOrg): void {
  cache.delete(org);
}

/** Every user of the org in listing order; cached until {@link forgetUserLookups}. */
export function orderedUsers(org: SandboxOrg): readonly SandboxUser[] {
  return lookupsOf(org).ordered;
}

/** The users whose login equals `login`, ignoring case (as Okta compares logins). */
export function usersWithLogin(org: SandboxOrg, login: string): readonly SandboxUser[] {
  const lookups = lookupsOf(org);
  if (lookups.byLogin === undefined) {
    const byLogin = new Map<string, SandboxUser[]>();
    for (const user of lookups.ordered) {
      const key = user.profile.login.toLowerCase();
      const same = byLogin.get(key);
      if (same === undefined) {
        byLogin.set(key, [user]);
      } else {
        same.push(user);
      }
    }
    lookups.byLogin = byLogin;
  }
  return lookups.byLogin.get(login.toLowerCase()) ?? [];
}
