import { OKTA_ERRORS, type OktaErrorResponse } from '../okta-errors.ts';
import {
  type SandboxOrg,
  type SandboxUser,
  USER_STATUSES,
  type UserStatus,
} from '../sandbox-org.ts';
import { adminChange, type SystemLogEventType, userTarget } from '../system-log.ts';
import { orderedUsers, usersWithLogin } from '../user-directory.ts';
import type { RouteContext, RouteResult } from './route.ts';

/**
 * What the users routes (users.ts) and the user lifecycle routes (user-lifecycle.ts) share, and
 * what the groups, app-assignment and role routes use of users: a user's rendering — whose
 * `_links` offer the lifecycle operations its status allows, so the status moves live here —
 * finding the user a path names, and changing a user's status.
 */

/**
 * A user in Okta's response shape without `_links`: what `filter` and `search` are evaluated on.
 *
 * @remarks
 * A search may test every user; building the links (four URLs) for each was most of its cost.
 */
export function userAttributes(user: SandboxUser) {
  return {
    id: user.id,
    status: user.status,
    created: user.created,
    activated: user.activated,
    statusChanged: user.statusChanged,
    lastLogin: user.lastLogin,
    lastUpdated: user.lastUpdated,
    passwordChanged: user.passwordChanged,
    type: { id: 'oty1sandboxdefault00' },
    profile: { mobilePhone: null, secondEmail: null, ...user.profile },
    credentials: {
      ...(user.passwordHash === null ? {} : { password: {} }),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
  };
}

/**
 * Statuses `activate` accepts: STAGED and DEPROVISIONED (management.yaml's activateUser), and
 * PROVISIONED, which it sends a new activation for. ACTIVE is refused with E0000016, the others
 * with E0000038.
 */
export const ACTIVATABLE: ReadonlySet<UserStatus> = new Set([
  'STAGED',
  'PROVISIONED',
  'DEPROVISIONED',
]);

/** The lifecycle operations that move a user between statuses, by path segment. */
export type MoveName = 'suspend' | 'unsuspend' | 'unlock' | 'expire_password' | 'reset_factors';

/** A lifecycle operation that moves a user from some statuses to another (or leaves it). */
export interface StatusMove {
  /** The statuses it may start from; any other is refused with {@link StatusMove.refusal}. */
  from: readonly UserStatus[];
  /** The status it leaves the user in; `null` when it does not change it. */
  to: UserStatus | null;
  refusal: () => OktaErrorResponse;
  event: SystemLogEventType;
  /** The `_links` relation that offers it (management.yaml's `User._links`). */
  link?: string;
}

/**
 * The status moves of management.yaml's user lifecycle, by path segment under `lifecycle/`.
 *
 * @remarks
 * Allowed statuses are the spec's: suspend "only on users with an ACTIVE status", unsuspend
 * "only … users that have a SUSPENDED status", unlock "a user with a LOCKED_OUT status" (its
 * other case, an ACTIVE user blocked from unknown devices, the sandbox does not model),
 * expire_password moves an ACTIVE user (or one already expired) to PASSWORD_EXPIRED.
 * reset_factors leaves the status as it is; sandbox users have no factors to reset, and only a
 * deactivated user is refused (a sandbox choice: Okta does not document it). The refusals are
 * okta-behaviours.md §5's: E0000032 for unlock, E0000038 for the rest.
 */
export const STATUS_MOVES: Readonly<Record<MoveName, StatusMove>> = {
  suspend: {
    from: ['ACTIVE'],
    to: 'SUSPENDED',
    refusal: OKTA_ERRORS.userStatusForbids,
    event: 'user.lifecycle.suspend',
    link: 'suspend',
  },
  unsuspend: {
    from: ['SUSPENDED'],
    to: 'ACTIVE',
    refusal: OKTA_ERRORS.userStatusForbids,
    event: 'user.lifecycle.unsuspend',
    link: 'unsuspend',
  },
  unlock: {
    from: ['LOCKED_OUT'],
    to: 'ACTIVE',
    refusal: OKTA_ERRORS.unlockNotAllowed,
    event: 'user.account.unlock_by_admin',
    link: 'unlock',
  },
  expire_password: {
    from: ['ACTIVE', 'PASSWORD_EXPIRED'],
    to: 'PASSWORD_EXPIRED',
    refusal: OKTA_ERRORS.userStatusForbids,
    event: 'user.account.expire_password',
    link: 'expirePassword',
  },
  reset_factors: {
    from: USER_STATUSES.filter((status) => status !== 'DEPROVISIONED'),
    to: null,
    refusal: OKTA_ERRORS.userStatusForbids,
    event: 'user.mfa.factor.reset_all',
  },
};

/**
 * The lifecycle operations a user's status offers, as `_links` relation → path segment: what
 * the routes below accept for that status (`reset_factors` is left out, as Okta lists it only
 * for a user enrolled in a factor, and sandbox users have none).
 */
function lifecycleActions(status: UserStatus): [string, string][] {
  const actions: [string, string][] = [];
  if (ACTIVATABLE.has(status)) {
    actions.push(['activate', 'activate']);
  }
  for (const [path, move] of Object.entries(STATUS_MOVES)) {
    if (move.link !== undefined && move.from.includes(status)) {
      actions.push([move.link, path]);
    }
  }
  if (status !== 'DEPROVISIONED') {
    actions.push(['deactivate', 'deactivate']);
  }
  return actions;
}

/** A user in Okta's response shape. */
export function renderUser(user: SandboxUser, orgUrl: string) {
  const self = `${orgUrl}/api/v1/users/${user.id}`;
  const lifecycle = Object.fromEntries(
    lifecycleActions(user.status).map(([relation, path]) => [
      relation,
      { href: `${self}/lifecycle/${path}`, method: 'POST' },
    ]),
  );
  return { ...userAttributes(user), _links: { self: { href: self }, ...lifecycle } };
}

/** Finds a user by id, login, or the part of the login before `@` when that is unambiguous. */
export function findUser(org: SandboxOrg, idOrLogin: string): SandboxUser | undefined {
  const byId = org.users.get(idOrLogin);
  if (byId !== undefined) {
    return byId;
  }
  const login = idOrLogin.toLowerCase();
  const exact = usersWithLogin(org, login)[0];
  if (exact !== undefined || login.includes('@')) {
    return exact;
  }
  const short = orderedUsers(org).filter(
    (user) => user.profile.login.toLowerCase().split('@')[0] === login,
  );
  return short.length === 1 ? short[0] : undefined;
}

export function userOf(context: RouteContext): SandboxUser | undefined {
  const userId = context.params.userId ?? '';
  return userId === 'me' ? context.caller : findUser(context.org, userId);
}

/** Moves a user to `status`, stamping `statusChanged` and `lastUpdated` as Okta does. */
export function changeStatus(user: SandboxUser, status: UserStatus, now: Date): void {
  const stamp = now.toISOString();
  user.status = status;
  user.statusChanged = stamp;
  user.lastUpdated = stamp;
}

/** Deactivates a user (DEPROVISIONED), answering `status` with no body; logs the change. */
export function deprovision(user: SandboxUser, now: Date, status: 200 | 204): RouteResult {
  changeStatus(user, 'DEPROVISIONED', now);
  return {
    status,
    body: undefined,
    events: [adminChange('user.lifecycle.deactivate', userTarget(user))],
  };
}
