import { OKTA_ERRORS, oktaError } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import { readLimit } from '../pagination.ts';
import type { SandboxGroup, SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import { adminChange, groupTarget, userTarget } from '../system-log.ts';
import { orderedUsers } from '../user-directory.ts';
import { renderApp } from './app-shared.ts';
import {
  applyFilter,
  pagedResponse,
  readSearchSort,
  searchQueryWithFilter,
  sortedBySearch,
  type SupportedFilter,
  unsupportedValue,
  validationFailed,
} from './list-responses.ts';
import {
  DIRECTORY_READERS,
  DIRECTORY_WRITERS,
  type Route,
  type RouteContext,
  type RouteResult,
} from './route.ts';
import { findUser, renderUser } from './user-shared.ts';

/**
 * `limit` of a group's apps: 20 by default (management.yaml `listAssignedApplicationsForGroup`);
 * the spec states no maximum, so the sandbox clamps to 200 like `listApplications`
 * **(unverified)**.
 */
const GROUP_APPS_LIMITS = { default: 20, max: 200 };

/** A group in Okta's response shape. */
export function renderGroup(group: SandboxGroup, orgUrl: string) {
  const self = `${orgUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    objectClass: ['okta:user_group'],
    type: group.type,
    // management.yaml types `description` as a string, so an absent one is left out, not null.
    profile: {
      name: group.profile.name,
      ...(group.profile.description === null ? {} : { description: group.profile.description }),
    },
    _links: { users: { href: `${self}/users` }, apps: { href: `${self}/apps` } },
  };
}

/** The users in a group (the built-in Everyone group holds every user). */
export function membersOf(org: SandboxOrg, group: SandboxGroup): readonly SandboxUser[] {
  if (group.type === 'BUILT_IN') {
    return orderedUsers(org);
  }
  const ids = org.groupMembers.get(group.id) ?? new Set<string>();
  return [...ids].flatMap((id) => {
    const user = org.users.get(id);
    return user === undefined ? [] : [user];
  });
}

function groupOf(context: RouteContext): SandboxGroup | undefined {
  return context.org.groups.get(context.params.groupId ?? '');
}

function groupNotFound(context: RouteContext) {
  return OKTA_ERRORS.notFound(context.params.groupId ?? '', 'UserGroup');
}

function readGroupProfile(body: unknown): { name: string; description: string | null } | null {
  const profile = (body as { profile?: { name?: unknown; description?: unknown } } | null)?.profile;
  if (typeof profile?.name !== 'string' || profile.name.trim() === '') {
    return null;
  }
  return {
    name: profile.name,
    description: typeof profile.description === 'string' ? profile.description : null,
  };
}

function isDuplicateName(org: SandboxOrg, name: string, selfId: string | null): boolean {
  return [...org.groups.values()].some(
    (group) => group.id !== selfId && group.profile.name.toLowerCase() === name.toLowerCase(),
  );
}

/**
 * What `listGroups`'s `filter` supports: "the following limited number of properties: `id`,
 * `type`, `lastUpdated`, and `lastMembershipUpdated`" (management.yaml). The spec names no
 * operators; the sandbox takes `eq` on each, and the ordering operators on the two timestamps,
 * as Okta's own examples use them (`lastUpdated gt "…"`) **(unverified beyond those)**.
 */
const GROUP_FILTER: SupportedFilter = {
  allows: ({ attribute, operator }) =>
    attribute === 'id' || attribute === 'type'
      ? operator === 'eq'
      : (attribute === 'lastUpdated' || attribute === 'lastMembershipUpdated') &&
        ['eq', 'gt', 'ge', 'lt', 'le'].includes(operator),
};

/**
 * What `listGroups`'s `search` supports (management.yaml): "all properties except for
 * `_embedded`, `_links`, and `objectClass`", with `sw`, `eq` and `co` — "`co` with these select
 * profile attributes: `profile.name` and `profile.description`". The sandbox also takes the
 * ordering operators and `pr`, which Okta's search examples use; `ne` is refused, as for users.
 */
const GROUP_SEARCH: SupportedFilter = {
  allows: ({ attribute, operator }) =>
    !/^(?:_embedded|_links|objectClass)(?:\.|$)/.test(attribute) &&
    (operator === 'co'
      ? attribute === 'profile.name' || attribute === 'profile.description'
      : ['eq', 'sw', 'gt', 'ge', 'lt', 'le', 'pr'].includes(operator)),
};

/** `limit` of `listGroups` with `q`: "The default limit for a query is 300 results". */
const GROUP_QUERY_LIMITS = { default: 300, max: 10_000 };

/** `limit` of `listGroups` with `search`, `filter` or neither: at most 10,000 (management.yaml). */
const GROUP_LIST_LIMITS = { default: 10_000, max: 10_000 };

/**
 * What `expand=stats` embeds (management.yaml's `Group._embedded.stats`): the members and the
 * apps the group is assigned to, counted; no push mappings and no admin privilege, as the
 * sandbox models neither group push nor group role assignments.
 */
function groupStatsOf(org: SandboxOrg): (group: SandboxGroup) => Record<string, unknown> {
  const appsCount = new Map<string, number>();
  for (const app of org.apps.values()) {
    for (const groupId of app.groups.keys()) {
      appsCount.set(groupId, (appsCount.get(groupId) ?? 0) + 1);
    }
  }
  return (group) => ({
    usersCount: membersOf(org, group).length,
    appsCount: appsCount.get(group.id) ?? 0,
    groupPushMappingsCount: 0,
    hasAdminPrivlege: false,
  });
}

/**
 * How `listGroups` renders a group for its `expand` ("Possible values are `stats` and `app`").
 *
 * @remarks
 * `app` embeds the app a group "is sourced from"; sandbox groups are Okta groups or Everyone,
 * never app groups, so it embeds nothing — which is what Okta answers for such groups.
 */
function groupRendererFor(
  context: RouteContext,
): { ok: true; render: (group: SandboxGroup) => unknown } | { ok: false; error: RouteResult } {
  const { org, orgUrl, query } = context;
  const expand = query.get('expand');
  if (expand === null || expand === 'app') {
    return { ok: true, render: (group) => renderGroup(group, orgUrl) };
  }
  if (expand !== 'stats') {
    return { ok: false, error: unsupportedValue('expand', expand, ['stats', 'app']) };
  }
  const stats = groupStatsOf(org);
  return {
    ok: true,
    render: (group) => ({ ...renderGroup(group, orgUrl), _embedded: { stats: stats(group) } }),
  };
}

/**
 * `GET /api/v1/groups` (`listGroups`).
 *
 * @remarks
 * As management.yaml describes its parameters: `q` finds groups whose name starts with it, 300
 * at most by default, without paging; `filter` and `search` keep the groups their expressions
 * match (both, when both are given), paged with `after` and `limit`; `sortBy` and `sortOrder`
 * order a search; `expand` embeds `stats`. `q` with `filter` or `search` is refused with
 * `E0000033`, as `listUsers` refuses it (for groups **(unverified)**): the sandbox will not
 * silently drop either.
 */
function listGroups(context: RouteContext): RouteResult {
  const { query, org } = context;
  const q = query.get('q');
  const filter = query.get('filter');
  const search = query.get('search');
  if (q !== null && (filter !== null || search !== null)) {
    return searchQueryWithFilter();
  }
  const renderer = groupRendererFor(context);
  if (!renderer.ok) {
    return renderer.error;
  }
  const { render } = renderer;
  let groups = [...org.groups.values()];
  if (q !== null) {
    const limit = readLimit(query, GROUP_QUERY_LIMITS);
    if (limit === null) {
      return validationFailed('limit', 'must be a positive integer');
    }
    const prefix = q.toLowerCase();
    const matches = groups.filter((group) => group.profile.name.toLowerCase().startsWith(prefix));
    return { status: 200, body: matches.slice(0, limit).map(render) };
  }
  const rendered = (group: SandboxGroup) => renderGroup(group, context.orgUrl);
  for (const [expression, supported] of [
    [filter, GROUP_FILTER],
    [search, GROUP_SEARCH],
  ] as const) {
    const kept = applyFilter(groups, expression, rendered, supported);
    if (!kept.ok) {
      return kept.error;
    }
    groups = kept.items;
  }
  const sort = readSearchSort(query);
  if (!sort.ok) {
    return sort.error;
  }
  if (sort.sort !== undefined) {
    groups = sortedBySearch(groups, sort.sort, rendered, (group) => group.id);
  }
  return pagedResponse(context, groups, GROUP_LIST_LIMITS, (group) => group.id, render);
}

/**
 * The groups API: `listGroups`, `createGroup`, `getGroup`, `replaceGroup`, `deleteGroup`, members,
 * `listAssignedApplicationsForGroup` and `listUserGroups`.
 */
export const GROUP_ROUTES: readonly Route[] = [
  {
    operationId: 'listGroups',
    queryParameters: ['q', 'search', 'filter', 'sortBy', 'sortOrder', 'expand', 'after', 'limit'],
    method: 'GET',
    pattern: /^\/api\/v1\/groups$/,
    allowedRoles: DIRECTORY_READERS,
    handle: listGroups,
  },
  {
    operationId: 'createGroup',
    queryParameters: [],
    method: 'POST',
    pattern: /^\/api\/v1\/groups$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const profile = readGroupProfile(context.body);
      if (profile === null) {
        return oktaError(400, 'E0000001', 'Api validation failed: name', [
          'name: The field cannot be left blank',
        ]);
      }
      if (isDuplicateName(context.org, profile.name, null)) {
        return oktaError(409, 'E0000055', 'Duplicate group.');
      }
      const stamp = context.now.toISOString();
      const group: SandboxGroup = {
        id: oktaId('00g'),
        type: 'OKTA_GROUP',
        created: stamp,
        lastUpdated: stamp,
        lastMembershipUpdated: stamp,
        profile,
      };
      context.org.groups.set(group.id, group);
      context.org.groupMembers.set(group.id, new Set());
      return {
        status: 200,
        body: renderGroup(group, context.orgUrl),
        events: [adminChange('group.lifecycle.create', groupTarget(group))],
      };
    },
  },
  {
    operationId: 'getGroup',
    queryParameters: [],
    method: 'GET',
    pattern: /^\/api\/v1\/groups\/(?<groupId>[^/]+)$/,
    allowedRoles: DIRECTORY_READERS,
    handle(context) {
      const group = groupOf(context);
      return group === undefined
        ? groupNotFound(context)
        : { status: 200, body: renderGroup(group, context.orgUrl) };
    },
  },
  {
    operationId: 'replaceGroup',
    queryParameters: [],
    method: 'PUT',
    pattern: /^\/api\/v1\/groups\/(?<groupId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const group = groupOf(context);
      if (group === undefined) {
        return groupNotFound(context);
      }
      const profile = readGroupProfile(context.body);
      if (profile === null) {
        return oktaError(400, 'E0000001', 'Api validation failed: name', [
          'name: The field cannot be left blank',
        ]);
      }
      if (group.type === 'BUILT_IN') {
        return OKTA_ERRORS.accessDenied();
      }
      if (isDuplicateName(context.org, profile.name, group.id)) {
        return oktaError(409, 'E0000055', 'Duplicate group.');
      }
      group.profile = profile;
      group.lastUpdated = context.now.toISOString();
      return {
        status: 200,
        body: renderGroup(group, context.orgUrl),
        events: [adminChange('group.profile.update', groupTarget(group))],
      };
    },
  },
  {
    operationId: 'deleteGroup',
    queryParameters: [],
    method: 'DELETE',
    pattern: /^\/api\/v1\/groups\/(?<groupId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const group = groupOf(context);
      if (group === undefined) {
        return groupNotFound(context);
      }
      if (group.type === 'BUILT_IN') {
        return OKTA_ERRORS.accessDenied();
      }
      context.org.groups.delete(group.id);
      context.org.groupMembers.delete(group.id);
      return {
        status: 204,
        body: undefined,
        events: [adminChange('group.lifecycle.delete', groupTarget(group))],
      };
    },
  },
  {
    operationId: 'listGroupUsers',
    queryParameters: ['after', 'limit'],
    method: 'GET',
    pattern: /^\/api\/v1\/groups\/(?<groupId>[^/]+)\/users$/,
    allowedRoles: DIRECTORY_READERS,
    handle(context) {
      const group = groupOf(context);
      if (group === undefined) {
        return groupNotFound(context);
      }
      return pagedResponse(
        context,
        membersOf(context.org, group),
        { default: 1000, max: 1000 },
        (user) => user.id,
        (user) => renderUser(user, context.orgUrl),
      );
    },
  },
  {
    // listAssignedApplicationsForGroup: the apps the group is assigned to, in the order of
    // `listApplications`, paged with `after` and `limit` (management.yaml: default 20).
    operationId: 'listAssignedApplicationsForGroup',
    queryParameters: ['after', 'limit'],
    method: 'GET',
    pattern: /^\/api\/v1\/groups\/(?<groupId>[^/]+)\/apps$/,
    allowedRoles: DIRECTORY_READERS,
    handle(context) {
      const group = groupOf(context);
      if (group === undefined) {
        return groupNotFound(context);
      }
      return pagedResponse(
        context,
        [...context.org.apps.values()],
        GROUP_APPS_LIMITS,
        (app) => app.id,
        (app) => renderApp(app, context.orgUrl),
        (app) => app.groups.has(group.id),
      );
    },
  },
  ...(['PUT', 'DELETE'] as const).map((method): Route => ({
    operationId: method === 'PUT' ? 'assignUserToGroup' : 'unassignUserFromGroup',
    queryParameters: [],
    method,
    pattern: /^\/api\/v1\/groups\/(?<groupId>[^/]+)\/users\/(?<userId>[^/]+)$/,
    allowedRoles: DIRECTORY_WRITERS,
    handle(context) {
      const group = groupOf(context);
      if (group === undefined) {
        return groupNotFound(context);
      }
      const user = context.org.users.get(context.params.userId ?? '');
      if (user === undefined) {
        return OKTA_ERRORS.notFound(context.params.userId ?? '', 'User');
      }
      if (group.type === 'BUILT_IN') {
        return OKTA_ERRORS.accessDenied();
      }
      const members = context.org.groupMembers.get(group.id) ?? new Set<string>();
      if (method === 'PUT') {
        members.add(user.id);
      } else {
        members.delete(user.id);
      }
      context.org.groupMembers.set(group.id, members);
      group.lastMembershipUpdated = context.now.toISOString();
      const eventType =
        method === 'PUT' ? 'group.user_membership.add' : 'group.user_membership.remove';
      return {
        status: 204,
        body: undefined,
        events: [adminChange(eventType, [userTarget(user), groupTarget(group)])],
      };
    },
  })),
  {
    operationId: 'listUserGroups',
    queryParameters: [],
    method: 'GET',
    pattern: /^\/api\/v1\/users\/(?<userId>[^/]+)\/groups$/,
    allowedRoles: DIRECTORY_READERS,
    handle(context) {
      const userId = context.params.userId ?? '';
      const user = userId === 'me' ? context.caller : findUser(context.org, userId);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(userId, 'User');
      }
      const groups = [...context.org.groups.values()].filter(
        (group) =>
          group.type === 'BUILT_IN' ||
          (context.org.groupMembers.get(group.id)?.has(user.id) ?? false),
      );
      return { status: 200, body: groups.map((group) => renderGroup(group, context.orgUrl)) };
    },
  },
];
