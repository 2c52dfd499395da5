import { asObject, stringOf } from '../../platform/json.ts';
import { OKTA_ERRORS } from '../okta-errors.ts';
import type { SandboxApp, SandboxOrg, SandboxUser } from '../sandbox-org.ts';
import { adminChange, appTarget, groupTarget, userTarget } from '../system-log.ts';
import { APP, APP_READERS, APP_WRITERS, appNotFound, appOf } from './app-shared.ts';
import { membersOf, renderGroup } from './groups.ts';
import { pagedResponse, startsWithQuery, unsupportedValue } from './list-responses.ts';
import type { Route, RouteContext, RouteResult } from './route.ts';
import { renderUser } from './user-shared.ts';

/**
 * Who an app is assigned to: users directly, groups (whose members it reaches), with the log
 * events Okta writes for each change.
 */

function renderAppUser(
  app: SandboxApp,
  user: SandboxUser,
  orgUrl: string,
  scope: 'USER' | 'GROUP',
  created: string,
  expand: string | null = null,
) {
  return {
    id: user.id,
    created,
    lastUpdated: created,
    scope,
    status: 'ACTIVE',
    statusChanged: created,
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: user.profile.login },
    profile: {},
    _links: {
      app: { href: `${orgUrl}/api/v1/apps/${app.id}` },
      user: { href: `${orgUrl}/api/v1/users/${user.id}` },
    },
    // `expand=user` embeds the user (management.yaml, queryAppUserExpand).
    ...(expand === 'user' ? { _embedded: { user: renderUser(user, orgUrl) } } : {}),
  };
}

/** Users of an app: assigned directly, or through one of its groups. */
function appUsers(org: SandboxOrg, app: SandboxApp) {
  const result = new Map<string, { user: SandboxUser; scope: 'USER' | 'GROUP'; created: string }>();
  for (const [userId, assignment] of app.users) {
    const user = org.users.get(userId);
    if (user !== undefined) {
      result.set(userId, { user, scope: 'USER', created: assignment.created });
    }
  }
  for (const [groupId, assignment] of app.groups) {
    const group = org.groups.get(groupId);
    for (const user of group === undefined ? [] : membersOf(org, group)) {
      if (!result.has(user.id)) {
        result.set(user.id, { user, scope: 'GROUP', created: assignment.created });
      }
    }
  }
  return [...result.values()];
}

function renderGroupAssignment(
  app: SandboxApp,
  groupId: string,
  context: Pick<RouteContext, 'org' | 'orgUrl'>,
  expand: string | null = null,
) {
  const { orgUrl } = context;
  const assignment = app.groups.get(groupId);
  // `expand=group` embeds the group (management.yaml, queryGroupAssignmentWithGroupExpand), when
  // it still exists: an assignment can outlive a deleted group.
  const group = expand === 'group' ? context.org.groups.get(groupId) : undefined;
  return {
    id: groupId,
    lastUpdated: assignment?.lastUpdated,
    priority: assignment?.priority ?? 0,
    profile: {},
    _links: {
      app: { href: `${orgUrl}/api/v1/apps/${app.id}` },
      group: { href: `${orgUrl}/api/v1/groups/${groupId}` },
    },
    ...(group === undefined ? {} : { _embedded: { group: renderGroup(group, orgUrl) } }),
  };
}

/**
 * Removes a user's or a group's assignment to an app. The log event names the user or group
 * when it still exists (an assignment can outlive a deleted group).
 */
function deleteAssignment(context: RouteContext, kind: 'users' | 'groups'): RouteResult {
  const app = appOf(context);
  if (app === undefined) {
    return appNotFound(context);
  }
  const id = (kind === 'users' ? context.params.userId : context.params.groupId) ?? '';
  if (!app[kind].delete(id)) {
    return OKTA_ERRORS.notFound(id, kind === 'users' ? 'AppUser' : 'ApplicationGroupAssignment');
  }
  const user = context.org.users.get(id);
  const group = context.org.groups.get(id);
  const change =
    kind === 'users'
      ? adminChange('application.user_membership.remove', [
          appTarget(app),
          ...(user === undefined ? [] : [userTarget(user)]),
        ])
      : adminChange('group.application_assignment.remove', [
          ...(group === undefined ? [] : [groupTarget(group)]),
          appTarget(app),
        ]);
  return { status: 204, body: undefined, events: [change] };
}

/**
 * The `expand` of a request, when it is the one value the sandbox embeds (`user` for app users:
 * management.yaml's only valid value; `group` for group assignments, whose other value,
 * `metadata`, the spec does not describe); another value is refused with `E0000001` rather than
 * answered without what it asked for.
 */
function readExpand(
  context: RouteContext,
  embeds: 'user' | 'group',
): { ok: true; expand: string | null } | { ok: false; error: RouteResult } {
  const expand = context.query.get('expand');
  return expand === null || expand === embeds
    ? { ok: true, expand }
    : { ok: false, error: unsupportedValue('expand', expand, [embeds]) };
}

/**
 * `limit` of an app's group assignments: "default 20, minimum 20, maximum 200"
 * (management.yaml `listApplicationGroupAssignments`).
 */
const APP_GROUP_LIMITS = { default: 20, min: 20, max: 200 };

/** The user- and group-assignment routes of an app. */
export const APP_ASSIGNMENT_ROUTES: readonly Route[] = [
  {
    operationId: 'listApplicationUsers',
    queryParameters: ['q', 'expand', 'after', 'limit'],
    method: 'GET',
    pattern: new RegExp(`${APP}\\/users$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const expanded = readExpand(context, 'user');
      if (!expanded.ok) {
        return expanded.error;
      }
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      // `q`: a prefix of userName, firstName, lastName or email — for OIDC apps userName and
      // email only (okta-behaviours.md §6).
      const oidc = app.record.signOnMode === 'OPENID_CONNECT';
      return pagedResponse(
        context,
        appUsers(context.org, app),
        { default: 50, max: 500 },
        (entry) => entry.user.id,
        (entry) =>
          renderAppUser(
            app,
            entry.user,
            context.orgUrl,
            entry.scope,
            entry.created,
            expanded.expand,
          ),
        startsWithQuery(context, ({ user: { profile } }) =>
          oidc
            ? [profile.login, profile.email]
            : [profile.login, profile.firstName, profile.lastName, profile.email],
        ),
      );
    },
  },
  {
    operationId: 'assignUserToApplication',
    queryParameters: [],
    method: 'POST',
    pattern: new RegExp(`${APP}\\/users$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const userId = stringOf(asObject(context.body).id);
      const user = userId === undefined ? undefined : context.org.users.get(userId);
      if (user === undefined) {
        return OKTA_ERRORS.notFound(userId ?? '', 'User');
      }
      const created = app.users.get(user.id)?.created ?? context.now.toISOString();
      app.users.set(user.id, { created });
      return {
        status: 200,
        body: renderAppUser(app, user, context.orgUrl, 'USER', created),
        events: [
          adminChange('application.user_membership.add', [appTarget(app), userTarget(user)]),
        ],
      };
    },
  },
  {
    operationId: 'getApplicationUser',
    queryParameters: ['expand'],
    method: 'GET',
    pattern: new RegExp(`${APP}\\/users\\/(?<userId>[^/]+)$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const expanded = readExpand(context, 'user');
      if (!expanded.ok) {
        return expanded.error;
      }
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const entry = appUsers(context.org, app).find(
        (candidate) => candidate.user.id === context.params.userId,
      );
      return entry === undefined
        ? OKTA_ERRORS.notFound(context.params.userId ?? '', 'AppUser')
        : {
            status: 200,
            body: renderAppUser(
              app,
              entry.user,
              context.orgUrl,
              entry.scope,
              entry.created,
              expanded.expand,
            ),
          };
    },
  },
  {
    operationId: 'unassignUserFromApplication',
    queryParameters: [],
    method: 'DELETE',
    pattern: new RegExp(`${APP}\\/users\\/(?<userId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle: (context) => deleteAssignment(context, 'users'),
  },
  {
    operationId: 'listApplicationGroupAssignments',
    queryParameters: ['q', 'expand', 'after', 'limit'],
    method: 'GET',
    pattern: new RegExp(`${APP}\\/groups$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const expanded = readExpand(context, 'group');
      if (!expanded.ok) {
        return expanded.error;
      }
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      return pagedResponse(
        context,
        [...app.groups.keys()],
        APP_GROUP_LIMITS,
        (groupId) => groupId,
        (groupId) => renderGroupAssignment(app, groupId, context, expanded.expand),
        // `q`: a prefix of the group's name.
        startsWithQuery(context, (groupId) => {
          const name = context.org.groups.get(groupId)?.profile.name;
          return [typeof name === 'string' ? name : undefined];
        }),
      );
    },
  },
  {
    operationId: 'assignGroupToApplication',
    queryParameters: [],
    method: 'PUT',
    pattern: new RegExp(`${APP}\\/groups\\/(?<groupId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle(context) {
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      const group = context.org.groups.get(context.params.groupId ?? '');
      if (group === undefined) {
        return OKTA_ERRORS.notFound(context.params.groupId ?? '', 'UserGroup');
      }
      const now = context.now.toISOString();
      const priority = asObject(context.body).priority;
      const existing = app.groups.get(group.id);
      app.groups.set(group.id, {
        created: existing?.created ?? now,
        lastUpdated: now,
        priority: typeof priority === 'number' ? priority : app.groups.size,
      });
      const eventType =
        existing === undefined
          ? 'group.application_assignment.add'
          : 'group.application_assignment.update';
      return {
        status: 200,
        body: renderGroupAssignment(app, group.id, context),
        events: [adminChange(eventType, [groupTarget(group), appTarget(app)])],
      };
    },
  },
  {
    operationId: 'getApplicationGroupAssignment',
    queryParameters: ['expand'],
    method: 'GET',
    pattern: new RegExp(`${APP}\\/groups\\/(?<groupId>[^/]+)$`),
    allowedRoles: APP_READERS,
    handle(context) {
      const expanded = readExpand(context, 'group');
      if (!expanded.ok) {
        return expanded.error;
      }
      const app = appOf(context);
      if (app === undefined) {
        return appNotFound(context);
      }
      return app.groups.has(context.params.groupId ?? '')
        ? {
            status: 200,
            body: renderGroupAssignment(
              app,
              context.params.groupId ?? '',
              context,
              expanded.expand,
            ),
          }
        : OKTA_ERRORS.notFound(context.params.groupId ?? '', 'ApplicationGroupAssignment');
    },
  },
  {
    operationId: 'unassignApplicationFromGroup',
    queryParameters: [],
    method: 'DELETE',
    pattern: new RegExp(`${APP}\\/groups\\/(?<groupId>[^/]+)$`),
    allowedRoles: APP_WRITERS,
    handle: (context) => deleteAssignment(context, 'groups'),
  },
];
