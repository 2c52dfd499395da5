import { OKTA_ERRORS, oktaError, type OktaErrorResponse } from '../okta-errors.ts';
import { oktaId, randomAlphanumeric } from '../okta-ids.ts';
import { readLimit } from '../pagination.ts';
import { hashPassword, meetsPasswordPolicy, PASSWORD_REQUIREMENTS } from '../passwords.ts';
import {
  type SandboxOrg,
  type SandboxUser,
  USER_STATUSES,
  type UserStatus,
} from '../sandbox-org.ts';
import {
  type AdminChange,
  adminChange,
  type SystemLogEventType,
  userTarget,
} from '../system-log.ts';
import { orderedUsers, usersWithLogin } from '../user-directory.ts';
import { revokeUserSessions } from '../user-sessions.ts';
import { compileItemFilter, pagedResponse, validationFailed } from './list-responses.ts';
import {
  DIRECTORY_READERS,
  DIRECTORY_WRITERS,
  type Route,
  type RouteContext,
  type RouteResult,
} from './route.ts';

/**
 * A user in Okta's response shape without `_links`: what `filter` and `search` are evaluated on.
 *
 * @remarks
 * A search may test every user; building the links (four URLs) for each was most of its cost.
 */
function userAttributes(user: SandboxUser) {
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
const ACTIVATABLE: ReadonlySet<UserStatus> = new Set(['STAGED', 'PROVISIONED', 'DEPROVISIONED']);

/** The lifecycle operations that move a user between statuses, by path segment. */
type MoveName = 'suspend' | 'unsuspend' | 'unlock' | 'expire_password' | 'reset_factors';

/** A lifecycle operation that moves a user from some statuses to another (or leaves it). */
interface StatusMove {
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
const STATUS_MOVES: Readonly<Record<MoveName, StatusMove>> = {
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

function userOf(context: RouteContext): SandboxUser | undefined {
  const userId = context.params.userId ?? '';
  return userId === 'me' ? context.caller : findUser(context.org, userId);
}

type ProfileInput = Record<string, unknown>;

/** Checks a profile for create or replace; returns the Okta error to send, if any. */
function profileProblem(org: SandboxOrg, profile: ProfileInput, selfId: string | null) {
  for (const field of ['login', 'email', 'firstName', 'lastName'] as const) {
    if (typeof profile[field] !== 'string' || profile[field] === '') {
      return validationFailed(field, 'The field cannot be left blank');
    }
  }
  const login = (profile.login as string).toLowerCase();
  const duplicate = [...org.users.values()].find(
    (user) => user.id !== selfId && user.profile.login.toLowerCase() === login,
  );
  if (duplicate !== undefined) {
    return validationFailed(
      'login',
      'An object with this field already exists in the current organization',
    );
  }
  return undefined;
}

function readPassword(body: unknown): string | undefined {
  const value = (body as { credentials?: { password?: { value?: unknown } } } | null)?.credentials
    ?.password?.value;
  return typeof value === 'string' ? value : undefined;
}

/** Attributes a stored user holds exactly as {@link userAttributes} renders them. */
const STORED_AS_RENDERED = new Set([
  'id',
  'status',
  'created',
  'activated',
  'statusChanged',
  'lastLogin',
  'lastUpdated',
  'passwordChanged',
]);

/**
 * What a search reading `attributes` is evaluated on: the stored user itself when it holds the
 * same values there (no copy per user), else the rendered attributes.
 *
 * @remarks
 * Profile attributes are stored as rendered, except the two that rendering adds as `null`.
 */
function searchSubjectFor(attributes: readonly string[]): (user: SandboxUser) => unknown {
  const storedAsRendered = attributes.every(
    (path) =>
      STORED_AS_RENDERED.has(path) ||
      (/^profile\.[^.]+$/.test(path) &&
        path !== 'profile.mobilePhone' &&
        path !== 'profile.secondEmail'),
  );
  return storedAsRendered ? (user) => user : userAttributes;
}

/** One `profile.login eq "…"` term, its quoted value captured. */
const LOGIN_EQUALS_TERM = String.raw`profile\.login\s+[eE][qQ]\s+("(?:[^"\\]|\\.)*")`;

/**
 * `profile.login eq "…"`, alone or joined by `or`: how clients look users up by login, one or
 * a batch at a time.
 */
const LOGINS_EQUAL = new RegExp(
  String.raw`^\s*${LOGIN_EQUALS_TERM}(?:\s+[oO][rR]\s+${LOGIN_EQUALS_TERM.replace('(', '(?:')})*\s*$`,
);

/**
 * The only users an expression can match when an index says so, else `undefined` (scan all).
 *
 * @remarks
 * The expression is still evaluated on each candidate, so the answer is the scan's answer. The
 * candidates keep the directory's order, as a scan would list them.
 */
function candidatesFor(org: SandboxOrg, expression: string | null) {
  if (expression === null || !LOGINS_EQUAL.test(expression)) {
    return undefined;
  }
  const logins = [...expression.matchAll(new RegExp(LOGIN_EQUALS_TERM, 'g'))].map(
    (match) => JSON.parse(match[1] ?? '""') as string,
  );
  if (logins.length === 1) {
    return usersWithLogin(org, logins[0] ?? '');
  }
  const found = new Set(logins.flatMap((login) => usersWithLogin(org, login)));
  return orderedUsers(org).filter((user) => found.has(user));
}

function listUsers(context: RouteContext) {
  const { query, org, orgUrl } = context;
  const q = query.get('q');
  const filter = query.get('filter');
  const search = query.get('search');
  if (q !== null && (filter !== null || search !== null)) {
    return oktaError(
      400,
      'E0000033',
      "Bad request. Can't specify a search query and filter in the same request.",
    );
  }
  const users = orderedUsers(org);
  if (q !== null) {
    const limit = readLimit(query, { default: 10, max: 200 });
    if (limit === null) {
      return validationFailed('limit', 'must be a positive integer');
    }
    // q: startsWith on first name, last name or email; no paging; DEPROVISIONED left out.
    const prefix = q.toLowerCase();
    const matches: SandboxUser[] = [];
    for (const user of users) {
      if (matches.length === limit) {
        break;
      }
      if (
        user.status !== 'DEPROVISIONED' &&
        [user.profile.firstName, user.profile.lastName, user.profile.email].some((value) =>
          value.toLowerCase().startsWith(prefix),
        )
      ) {
        matches.push(user);
      }
    }
    return { status: 200, body: matches.map((user) => renderUser(user, orgUrl)) };
  }
  const expression = filter ?? search;
  // Without a filter or search, DEPROVISIONED users are left out (okta-behaviours.md §6).
  const selection =
    expression === null
      ? { ok: true as const, matches: (user: SandboxUser) => user.status !== 'DEPROVISIONED' }
      : compileItemFilter(expression, searchSubjectFor);
  if (!selection.ok) {
    return selection.error;
  }
  return pagedResponse(
    context,
    candidatesFor(org, expression) ?? users,
    { default: 200, max: 200 },
    (user) => user.id,
    (user) => renderUser(user, orgUrl),
    selection.matches,
  );
}

function createUser(context: RouteContext) {
  const { org, orgUrl, query, body, now } = context;
  const profile = ((body as { profile?: unknown } | null)?.profile ?? {}) as ProfileInput;
  if (typeof profile !== 'object' || Array.isArray(profile)) {
    return validationFailed('profile', 'The field cannot be left blank');
  }
  const problem = profileProblem(org, profile, null);
  if (problem !== undefined) {
    return problem;
  }
  const password = readPassword(body);
  if (password !== undefined && !meetsPasswordPolicy(password, profile.login as string)) {
    return validationFailed(
      'password',
      `Password requirements were not met. ${PASSWORD_REQUIREMENTS}`,
    );
  }
  const activate = query.get('activate') !== 'false';
  const stamp = now.toISOString();
  const status = !activate ? 'STAGED' : password === undefined ? 'PROVISIONED' : 'ACTIVE';
  const user: SandboxUser = {
    id: oktaId('00u'),
    status,
    created: stamp,
    activated: activate ? stamp : null,
    statusChanged: activate ? stamp : null,
    lastUpdated: stamp,
    passwordChanged: password === undefined ? null : stamp,
    lastLogin: null,
    profile: { ...profile } as SandboxUser['profile'],
    passwordHash: password === undefined ? null : hashPassword(password),
    adminRoles: [],
  };
  org.users.set(user.id, user);
  return {
    status: 200,
    body: renderUser(user, orgUrl),
    events: [
      adminChange('user.lifecycle.create', userTarget(user)),
      ...(activate ? [adminChange('user.lifecycle.activate', userTarget(user))] : []),
    ],
  };
}

function changeUser(context: RouteContext, mode: 'update' | 'replace') {
  const user = userOf(context);
  if (user === undefined) {
    return OKTA_ERRORS.notFound(context.params.userId ?? '', 'User');
  }
  const incoming = ((context.body as { profile?: unknown } | null)?.profile ?? {}) as ProfileInput;
  const profile = mode === 'update' ? { ...user.profile, ...incoming } : incoming;
  const problem = profileProblem(context.org, profile, user.id);
  if (problem !== undefined) {
    return problem;
  }
  const password = readPassword(context.body);
  if (password !== undefined && !meetsPasswordPolicy(password, profile.login as string)) {
    return validationFailed(
      'password',
      `Password requirements were not met. ${PASSWORD_REQUIREMENTS}`,
    );
  }
  const stamp = context.now.toISOString();
  user.profile = profile as SandboxUser['profile'];
  if (password !== undefined) {
    user.passwordHash = hashPassword(password);
    user.passwordChanged = stamp;
  }
  user.lastUpdated = stamp;
  return {
    status: 200,
    body: renderUser(user, context.orgUrl),
    events: [
      adminChange('user.account.update_profile', userTarget(user)),
      ...(password === undefined
        ? []
        : [adminChange('user.account.update_password', userTarget(user))]),
    ],
  };
}

/** Moves a user to `status`, stamping `statusChanged` and `lastUpdated` as Okta does. */
function changeStatus(user: SandboxUser, status: UserStatus, now: Date): void {
  const stamp = now.toISOString();
  user.status = status;
  user.statusChanged = stamp;
  user.lastUpdated = stamp;
}

/** Deactivates a user (DEPROVISIONED), answering `status` with no body; logs the change. */
function deprovision(user: SandboxUser, now: Date, status: 200 | 204): RouteResult {
  changeStatus(user, 'DEPROVISIONED', now);
  return {
    status,
    body: undefined,
    events: [adminChange('user.lifecycle.deactivate', userTarget(user))],
  };
}

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

/** A route for a move whose answer is 200 with no body (management.yaml's `content: {}`). */
function bodilessMove(name: Exclude<MoveName, 'expire_password'>): Route {
  return {
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
 * The users API: operations `listUsers`, `createUser`, `getUser`, `updateUser`, `replaceUser`,
 * `deleteUser`, `activateUser`, `deactivateUser`, `suspendUser`, `unsuspendUser`, `unlockUser`,
 * `resetFactors`, `expirePassword`, `expirePasswordAndGetTemporaryPassword` and
 * `revokeUserSessions`.
 */
export const USER_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/users$/,
    allowedRoles: DIRECTORY_READERS,
    handle: listUsers,
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: createUser,
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)$/,
    allowedRoles: 'any',
    handle(context) {
      const user = userOf(context);
      if (user?.id !== context.caller.id && context.caller.adminRoles.length === 0) {
        return OKTA_ERRORS.accessDenied();
      }
      if (user === undefined) {
        return OKTA_ERRORS.notFound(context.params.userId ?? '', 'User');
      }
      return { status: 200, body: renderUser(user, context.orgUrl) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => changeUser(context, 'update'),
  },
  {
    method: 'PUT',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => changeUser(context, 'replace'),
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const user = userOf(context);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(context.params.userId ?? '', 'User');
      }
      // The first DELETE only deactivates; a second one removes the user (okta-behaviours §5).
      if (user.status === 'DEPROVISIONED') {
        context.org.users.delete(user.id);
        for (const members of context.org.groupMembers.values()) {
          members.delete(user.id);
        }
        return {
          status: 204,
          body: undefined,
          events: [
            adminChange('user.lifecycle.delete.initiated', userTarget(user)),
            adminChange('user.lifecycle.delete.completed', userTarget(user)),
          ],
        };
      }
      return deprovision(user, context.now, 204);
    },
  },
  {
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
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/lifecycle\/expire_password$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => expirePassword(context, false),
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/lifecycle\/expire_password_with_temp_password$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => expirePassword(context, true),
  },
  {
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
