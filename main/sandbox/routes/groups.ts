import { OKTA_ERRORS, oktaError } from '../okta-errors.ts';
import { oktaId } from '../okta-ids.ts';
import { readLimit } from '../pagination.ts';
import type { SandboxGroup, SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import { adminChange, groupTarget, userTarget } from '../system-log.ts';
import { orderedUsers } from '../user-directory.ts';
import { renderApp } from './app-shared.ts';
import { applyFilter, pagedResponse } from './list-responses.ts';
import { DIRECTORY_READERS, DIRECTORY_WRITERS, type Route, type RouteContext } from './route.ts';
import { findUser, renderUser } from './users.ts';

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
 * The groups API: `listGroups`, `addGroup`, `getGroup`, `replaceGroup`, `deleteGroup`, members,
 * `listAssignedApplicationsForGroup` and `listUserGroups`.
 */
export const GROUP_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/groups$/,
    allowedRoles: DIRECTORY_READERS,
    handle(context) {
      const { query, org, orgUrl } = context;
      let groups = [...org.groups.values()];
      const q = query.get('q');
      if (q !== null) {
        // q: startsWith on the name, default limit 300, no paging (okta-behaviours §6).
        const limit = readLimit(query, { default: 300, max: 10_000 }) ?? 300;
        const matches = groups.filter((group) =>
          group.profile.name.toLowerCase().startsWith(q.toLowerCase()),
        );
        return {
          status: 200,
          body: matches.slice(0, limit).map((group) => renderGroup(group, orgUrl)),
        };
      }
      const filtered = applyFilter(groups, query.get('search') ?? query.get('filter'), (group) =>
        renderGroup(group, orgUrl),
      );
      if (!filtered.ok) {
        return filtered.error;
      }
      groups = filtered.items;
      return pagedResponse(
        context,
        groups,
        { default: 10_000, max: 10_000 },
        (group) => group.id,
        (group) => renderGroup(group, orgUrl),
      );
    },
  },
  {
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
