import type { SandboxUser, UserStatus } from '../sandbox-org.ts';

/**
 * Okta's lockout after failed sign-ins, under the default password policy.
 *
 * @remarks
 * management.yaml `PasswordPolicyPasswordSettingsLockout`: `maxAttempts` "the number of times
 * Users can attempt to sign in to their accounts with an invalid password before their accounts
 * are locked", default 10; `autoUnlockMinutes` default 0 ("no limit": only an unlock ends it);
 * `showLockoutFailures` default false, so the page never says the account is locked. The count
 * is of consecutive failures: "any successful password login resets the counter", and "once an
 * administrator has cleared a user's locked-out status … their incorrect password counter will
 * reset" (support.okta.com, "User Not Getting Auto-Unlocked after 10 Consecutive Lockouts" and
 * "Is There a Permanent Lockout for Accounts That have Been Locked 10 Times in a Row").
 */

/** The default policy's `maxAttempts`. */
export const MAX_FAILED_SIGN_INS = 10;

/**
 * The statuses whose wrong passwords count: those the sign-in page would let in with the right
 * one. A user already locked out, suspended or not yet active has nothing to lock.
 */
const COUNTED: ReadonlySet<UserStatus> = new Set(['ACTIVE', 'PASSWORD_EXPIRED']);

/**
 * Counts a wrong password for `user` and locks them out at the limit: status LOCKED_OUT with
 * `statusChanged` and `lastUpdated` at `now`, and the count started again, so the unlock that
 * ends the lockout finds it cleared, as Okta's does.
 *
 * @returns `locked` when this attempt locked the user, `counted` when it only counted, and
 *   `ignored` for a status that does not count.
 */
export function countFailedSignIn(user: SandboxUser, now: Date): 'locked' | 'counted' | 'ignored' {
  if (!COUNTED.has(user.status)) {
    return 'ignored';
  }
  const failures = (user.failedSignIns ?? 0) + 1;
  if (failures < MAX_FAILED_SIGN_INS) {
    user.failedSignIns = failures;
    return 'counted';
  }
  const stamp = now.toISOString();
  user.status = 'LOCKED_OUT';
  user.statusChanged = stamp;
  user.lastUpdated = stamp;
  delete user.failedSignIns;
  return 'locked';
}

/** A correct password ends the run of failures. */
export function clearFailedSignIns(user: SandboxUser): void {
  delete user.failedSignIns;
}
