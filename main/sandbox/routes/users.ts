import { OKTA_ERRORS } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import { readLimit } from '../pagination.ts';
import { hashPassword, meetsPasswordPolicy, PASSWORD_REQUIREMENTS } from '../passwords.ts';
import type { SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import { adminChange, userTarget } from '../system-log.ts';
import { orderedUsers, usersWithLogin } from '../user-directory.ts';
import {
  compileItemFilter,
  pagedResponse,
  readSearchSort,
  searchQueryWithFilter,
  sortedBySearch,
  type SupportedFilter,
  validationFailed,
} from './list-responses.ts';
import {
  DIRECTORY_READERS,
  DIRECTORY_WRITERS,
  type Route,
  type RouteContext,
  type RouteResult,
} from './route.ts';
import { deprovision, renderUser, userAttributes, userOf } from './user-shared.ts';

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

/**
 * What `listUsers`'s `filter` supports (management.yaml): "`status`, `lastUpdated`, `id`,
 * `profile.login`, `profile.email`, `profile.firstName`, and `profile.lastName`", with "only the
 * equal `eq` operator … except in the case of the `lastUpdated` property", which "can also use
 * the inequality operators (`gt`, `ge`, `lt`, and `le`)". Anything else is `E0000031`.
 */
const USER_FILTER: SupportedFilter = {
  allows: ({ attribute, operator }) =>
    operator === 'eq'
      ? FILTERABLE_USER_ATTRIBUTES.has(attribute)
      : attribute === 'lastUpdated' && ['gt', 'ge', 'lt', 'le'].includes(operator),
};

const FILTERABLE_USER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'status',
  'lastUpdated',
  'id',
  'profile.login',
  'profile.email',
  'profile.firstName',
  'profile.lastName',
]);

/** The top-level properties `search` reads besides the profile (management.yaml). */
const SEARCHABLE_USER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'status',
  'created',
  'activated',
  'statusChanged',
  'lastUpdated',
  'type.id',
]);

/** The profile attributes `search` may use `co` on (management.yaml). */
const CONTAINS_USER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'profile.firstName',
  'profile.lastName',
  'profile.email',
  'profile.login',
]);

/**
 * What `listUsers`'s `search` supports (management.yaml): "Any user profile attribute", "the
 * top-level properties: `id`, `status`, `created`, `activated`, `statusChanged`, and
 * `lastUpdated`" and `type.id`; the operators `sw`, `eq` and `co` — `co` only on the first and
 * last name, email and login — and the inequalities the spec gives as the way round `ne`, which
 * "isn't supported". `pr` is kept, as Okta's search takes it. Anything else is `E0000031`.
 */
const USER_SEARCH: SupportedFilter = {
  allows: ({ attribute, operator }) =>
    (SEARCHABLE_USER_ATTRIBUTES.has(attribute) || /^profile\.[^.]+$/.test(attribute)) &&
    (operator === 'co'
      ? CONTAINS_USER_ATTRIBUTES.has(attribute)
      : ['eq', 'sw', 'gt', 'ge', 'lt', 'le', 'pr'].includes(operator)),
};

/** `limit` of `listUsers` with `q` ("Defaults to 10 if `q` is provided"), and without it. */
const USER_QUERY_LIMITS = { default: 10, max: 200 };
const USER_LIST_LIMITS = { default: 200, max: 200 };

/** `q`: a prefix of the first name, last name or email; no paging; DEPROVISIONED left out. */
function usersStartingWith(context: RouteContext, q: string): RouteResult {
  const limit = readLimit(context.query, USER_QUERY_LIMITS);
  if (limit === null) {
    return validationFailed('limit', 'must be a positive integer');
  }
  const prefix = q.toLowerCase();
  const matches: SandboxUser[] = [];
  for (const user of orderedUsers(context.org)) {
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
  return { status: 200, body: matches.map((user) => renderUser(user, context.orgUrl)) };
}

/**
 * `GET /api/v1/users` (`listUsers`).
 *
 * @remarks
 * As management.yaml describes its parameters: `q` is a prefix of name or email, without paging
 * and without DEPROVISIONED users; `filter` and `search` keep the users their expressions match,
 * DEPROVISIONED included (both, when both are given), paged with `after` and `limit`; without
 * either, DEPROVISIONED users are left out (okta-behaviours.md §6); `sortBy` and `sortOrder`
 * order a search. `q` with `filter` or `search` is `E0000033`. `fields` and `expand` are not
 * implemented, so the server refuses them.
 */
function listUsers(context: RouteContext): RouteResult {
  const { query, org, orgUrl } = context;
  const q = query.get('q');
  const filter = query.get('filter');
  const search = query.get('search');
  if (q !== null && (filter !== null || search !== null)) {
    return searchQueryWithFilter();
  }
  if (q !== null) {
    return usersStartingWith(context, q);
  }
  const predicates: ((user: SandboxUser) => boolean)[] = [];
  for (const [expression, supported] of [
    [filter, USER_FILTER],
    [search, USER_SEARCH],
  ] as const) {
    if (expression !== null) {
      const compiled = compileItemFilter(expression, searchSubjectFor, supported);
      if (!compiled.ok) {
        return compiled.error;
      }
      predicates.push(compiled.matches);
    }
  }
  const [first, second] = predicates;
  const matches =
    first === undefined
      ? (user: SandboxUser) => user.status !== 'DEPROVISIONED'
      : second === undefined
        ? first
        : (user: SandboxUser) => first(user) && second(user);
  const sort = readSearchSort(query);
  if (!sort.ok) {
    return sort.error;
  }
  const candidates = candidatesFor(org, filter ?? search) ?? orderedUsers(org);
  const render = (user: SandboxUser) => renderUser(user, orgUrl);
  const idOf = (user: SandboxUser) => user.id;
  if (sort.sort !== undefined) {
    const sorted = sortedBySearch(candidates.filter(matches), sort.sort, userAttributes, idOf);
    return pagedResponse(context, sorted, USER_LIST_LIMITS, idOf, render);
  }
  return pagedResponse(context, candidates, USER_LIST_LIMITS, idOf, render, matches);
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

/**
 * The users API: operations `listUsers`, `createUser`, `getUser`, `updateUser`, `replaceUser`
 * and `deleteUser` (the lifecycle operations are in user-lifecycle.ts).
 */
export const USER_ROUTES: readonly Route[] = [
  {
    operationId: 'listUsers',
    queryParameters: ['q', 'filter', 'search', 'sortBy', 'sortOrder', 'after', 'limit'],
    method: 'GET',
    pattern: /^\/api\/v1\/users$/,
    allowedRoles: DIRECTORY_READERS,
    handle: listUsers,
  },
  {
    operationId: 'createUser',
    queryParameters: ['activate'],
    method: 'POST',
    pattern: /^\/api\/v1\/users$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: createUser,
  },
  {
    operationId: 'getUser',
    queryParameters: [],
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
    operationId: 'updateUser',
    queryParameters: [],
    method: 'POST',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => changeUser(context, 'update'),
  },
  {
    operationId: 'replaceUser',
    queryParameters: [],
    method: 'PUT',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle: (context) => changeUser(context, 'replace'),
  },
  {
    operationId: 'deleteUser',
    queryParameters: [],
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
];
