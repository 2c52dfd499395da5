import { OKTA_ERRORS, oktaError } from '../okta-errors.ts';
import { randomAlphanumeric } from '../okta-ids.ts';
import { hashPassword, meetsPasswordPolicy } from '../passwords.ts';
import type { SandboxUser } from '../sandbox-org.ts';
import { type AdminChange, adminChange, userTarget } from '../system-log.ts';
import { revokeUserSessions } from '../user-sessions.ts';
import { DIRECTORY_WRITERS, type Route, type RouteContext, type RouteResult } from './route.ts';
import {
  ACTIVATABLE,
  changeStatus,
  deprovision,
  type MoveName,
  renderUser,
  STATUS_MOVES,
  userOf,
} from './user-shared.ts';

/**
 * The user lifecycle: activate, deactivate, the status moves (suspend, unsuspend, unlock,
 * expire_password, reset_factors), expiring a password with a temporary one, and clearing a
 * user's sessions — each allowed only from the statuses management.yaml allows, and refused
 * otherwise with Okta's code (okta-behaviours.md §5).
 */

/**
 * Applies a status move to the user the request names, or answers why not: the user, or the
 * Okta error to send.
 */
function moveUser(
  context: RouteContext,
  name: MoveName,
): { ok: true; user: SandboxUser; events: AdminChange[] } | { ok: false; error: RouteResult } {
  const user = userOf(context);
  if (user === undefined) {
    return { ok: false, error: OKTA_ERRORS.notFound(context.params.userId ?? '', 'User') };
  }
  const move = STATUS_MOVES[name];
  if (!move.from.includes(user.status)) {
    return { ok: false, error: move.refusal() };
  }
  // A move that leaves the status as it is (reset_factors, expiring an expired password)
  // changes nothing the user object shows.
  if (move.to !== null && move.to !== user.status) {
    changeStatus(user, move.to, context.now);
  }
  return { ok: true, user, events: [adminChange(move.event, userTarget(user))] };
}

/** The moves whose answer is 200 with no body, and their operations in management.yaml. */
const BODILESS_MOVE_OPERATIONS = {
  suspend: 'suspendUser',
  unsuspend: 'unsuspendUser',
  unlock: 'unlockUser',
  reset_factors: 'resetFactors',
} as const satisfies Partial<Record<MoveName, string>>;

/** A route for a move whose answer is 200 with no body (management.yaml's `content: {}`). */
function bodilessMove(name: keyof typeof BODILESS_MOVE_OPERATIONS): Route {
  return {
    operationId: BODILESS_MOVE_OPERATIONS[name],
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`^/api/v1/users/(?<userId>[^/]+)/lifecycle/${name}$`),
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const moved = moveUser(context, name);
      return moved.ok ? { status: 200, body: undefined, events: moved.events } : moved.error;
    },
  };
}

/** A temporary password that meets Okta's default policy for `login`, like Okta's `F46gy7X4`. */
function temporaryPassword(login: string): string {
  for (;;) {
    const candidate = randomAlphanumeric(8);
    if (meetsPasswordPolicy(candidate, login)) {
      return candidate;
    }
  }
}

/** `expire_password` and `expire_password_with_temp_password` (which also sets a password). */
function expirePassword(context: RouteContext, withTemporaryPassword: boolean): RouteResult {
  const moved = moveUser(context, 'expire_password');
  if (!moved.ok) {
    return moved.error;
  }
  const { user, events } = moved;
  if (!withTemporaryPassword) {
    // management.yaml: the user (example `ExpirePwdResponse`).
    return { status: 200, body: renderUser(user, context.orgUrl), events };
  }
  const tempPassword = temporaryPassword(user.profile.login);
  user.passwordHash = hashPassword(tempPassword);
  user.passwordChanged = context.now.toISOString();
  user.lastUpdated = user.passwordChanged;
  if (context.query.get('revokeSessions') === 'true') {
    revokeUserSessions(context.org, { userId: user.id, oauthTokens: false });
    events.push(adminChange('user.session.clear', userTarget(user)));
  }
  // The spec names `User` as the schema, but its example (`ExpirePwdWithTempPwdResponse`) is
  // `{ tempPassword }` alone, the shape of the SDK's `TempPassword` model.
  return { status: 200, body: { tempPassword }, events };
}

/**
 * The user lifecycle API: operations `activateUser`, `deactivateUser`, `suspendUser`,
 * `unsuspendUser`, `unlockUser`, `resetFactors`, `expirePassword`,
 * `expirePasswordAndGetTemporaryPassword` and `revokeUserSessions`.
 */
export const USER_LIFECYCLE_ROUTES: readonly Route[] = [
  {
    operationId: 'activateUser',
    queryParameters: ['sendEmail'],
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/lifecycle\/activate$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const user = userOf(context);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(context.params.userId ?? '', 'User');
      }
      if (user.status === 'ACTIVE') {
        return oktaError(403, 'E0000016', 'Activation failed because the user is already active');
      }
      if (!ACTIVATABLE.has(user.status)) {
        return OKTA_ERRORS.userStatusForbids();
      }
      changeStatus(user, user.passwordHash === null ? 'PROVISIONED' : 'ACTIVE', context.now);
      user.activated = user.statusChanged;
      const events = [adminChange('user.lifecycle.activate', userTarget(user))];
      if (context.query.get('sendEmail') === 'false') {
        const activationToken = randomAlphanumeric(20);
        return {
          status: 200,
          body: {
            activationToken,
            activationUrl: `${context.orgUrl}/welcome/${activationToken}`,
          },
          events,
        };
      }
      return { status: 200, body: {}, events };
    },
  },
  {
    operationId: 'deactivateUser',
    queryParameters: [],
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/lifecycle\/deactivate$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const user = userOf(context);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(context.params.userId ?? '', 'User');
      }
      if (user.status === 'DEPROVISIONED') {
        return OKTA_ERRORS.userStatusForbids();
      }
      // 200 with no body, as management.yaml declares for deactivateUser.
      return deprovision(user, context.now, 200);
    },
  },
  bodilessMove('suspend'),
  bodilessMove('unsuspend'),
  bodilessMove('unlock'),
  bodilessMove('reset_factors'),
  {
    operationId: 'expirePassword',
    queryParameters: [],
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/lifecycle\/expire_password$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => expirePassword(context, false),
  },
  {
    operationId: 'expirePasswordAndGetTemporaryPassword',
    queryParameters: ['revokeSessions'],
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/lifecycle\/expire_password_with_temp_password$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => expirePassword(context, true),
  },
  {
    operationId: 'revokeUserSessions',
    queryParameters: ['oauthTokens', 'forgetDevices'],
    method: 'DELETE',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/sessions$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const user = userOf(context);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(context.params.userId ?? '', 'User');
      }
      // forgetDevices (default true) has nothing to clear: sandbox users remember no factors.
      revokeUserSessions(context.org, {
        userId: user.id,
        oauthTokens: context.query.get('oauthTokens') === 'true',
      });
      // 204 with no body, as management.yaml declares for revokeUserSessions.
      return {
        status: 204,
        body: undefined,
        events: [adminChange('user.session.clear', userTarget(user))],
      };
    },
  },
];
