import { AppError } from '../../shared/errors.ts';
import {
  ADMIN_ROLE_LABELS,
  ADMIN_ROLES,
  type AdminRole,
  GRANT_SCOPES_PATH,
  MANAGEMENT_OPERATIONS,
  type OperationId,
} from '../../shared/okta/management-scopes.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';

/**
 * The least privilege a service app needs for the work an admin plans: the `okta.*` scopes to
 * grant, each with the tasks and calls that need it, and the admin role to assign.
 *
 * @remarks
 * Derived, never hand-listed per target: each task names the management operations the console
 * calls for it ({@link TASKS}), and each operation's scope and roles come from the catalogue in
 * shared/okta/management-scopes.ts, which is checked against management.yaml. An integration test
 * runs a real setup, preview and export against the sandbox and checks that every operation the
 * console called is in the tasks planned for it, so the planner cannot miss a call.
 */

/** What the admin may want the console to do. */
export const TASK_IDS = [
  'connect',
  'setup-app',
  'client-secret',
  'assign-users',
  'assign-groups',
  'test-user',
  'custom-authorization-server',
  'org-groups-claim',
  'trusted-origins',
  'preview',
  'export',
  'activity',
  'rotation',
  'managed-apps',
  'teardown',
  'teardown-test-user',
  'teardown-authorization-server',
  'teardown-trusted-origins',
] as const;

/** One of {@link TASK_IDS}. */
export type TaskId = (typeof TASK_IDS)[number];

/** A task: what the admin reads, and the operations the console calls for it. */
export interface Task {
  title: string;
  operations: readonly OperationId[];
  /**
   * Calls the task makes but survives being refused (the console then shows less): they are
   * reported, never planned, so least privilege stays least.
   */
  optional?: readonly { operationId: OperationId; why: string }[];
}

/** The reads the setup's plan makes of the app before it writes (org-snapshot.ts, existing-apps.ts). */
const APP_READS = [
  'listApplications',
  'getApplication',
  'listApplicationUsers',
  'listApplicationGroupAssignments',
] as const satisfies readonly OperationId[];

/** The reads of a custom authorization server and its items (org-snapshot.ts, setup-objects.ts). */
const AUTH_SERVER_READS = [
  'listAuthorizationServers',
  'getAuthorizationServer',
  'listOAuth2Scopes',
  'listOAuth2Claims',
  'listAuthorizationServerPolicies',
  'listAuthorizationServerPolicyRules',
] as const satisfies readonly OperationId[];

/** Every task, with the operations the console's code calls for it. */
export const TASKS: Record<TaskId, Task> = {
  connect: {
    title: 'Connect to the org and check it (the token’s owner, the org’s settings)',
    operations: ['getOrgSettings', 'getUser'],
    optional: [
      {
        operationId: 'listAssignedRolesForUser',
        why: 'shows the connecting admin’s roles; when refused the console connects without showing them',
      },
    ],
  },
  'setup-app': {
    title: 'Create or update the OIDC app integration and activate it',
    operations: [...APP_READS, 'createApplication', 'replaceApplication', 'activateApplication'],
  },
  'client-secret': {
    title: 'Issue the app’s client secret (and retire ones nobody kept)',
    operations: [
      'listOAuth2ClientSecrets',
      'createOAuth2ClientSecret',
      'deactivateOAuth2ClientSecret',
      'deleteOAuth2ClientSecret',
    ],
  },
  'assign-users': {
    title: 'Find users in the directory and assign them to the app',
    operations: ['listUsers', 'assignUserToApplication'],
  },
  'assign-groups': {
    title: 'Find groups in the directory and assign them to the app',
    operations: ['listGroups', 'getGroup', 'assignGroupToApplication'],
  },
  'test-user': {
    title: 'Create the setup’s test user, set its password and assign it to the app',
    operations: ['listUsers', 'createUser', 'updateUser', 'assignUserToApplication'],
  },
  'custom-authorization-server': {
    title:
      'Issuer settings on a custom authorization server: create it or use one, with its scopes, claims and access policy',
    operations: [
      ...AUTH_SERVER_READS,
      'createAuthorizationServer',
      'createOAuth2Scope',
      'createOAuth2Claim',
      'createAuthorizationServerPolicy',
      'replaceAuthorizationServerPolicy',
      'activateAuthorizationServerPolicy',
      'createAuthorizationServerPolicyRule',
      'replaceAuthorizationServerPolicyRule',
      'activateAuthorizationServerPolicyRule',
    ],
  },
  'org-groups-claim': {
    title: 'Set the groups claim of the org authorization server on the app',
    operations: ['getAppOauthGroupsClaim', 'updateAppOauthGroupsClaim'],
  },
  'trusted-origins': {
    title: 'Add or update the trusted origins a browser app needs (CORS, redirect)',
    operations: ['listTrustedOrigins', 'createTrustedOrigin', 'replaceTrustedOrigin'],
  },
  preview: {
    title:
      'Run the login preview: a throwaway user signs in, is diagnosed on failure, and is removed',
    operations: [
      'listApplications',
      'getApplication',
      'replaceApplication',
      'listUsers',
      'getUser',
      'createUser',
      'assignUserToApplication',
      'getApplicationUser',
      'listUserGroups',
      'deactivateUser',
      'deleteUser',
      'listTrustedOrigins',
      'listLogEvents',
      ...AUTH_SERVER_READS,
    ],
  },
  export: {
    title: 'Export the target’s configuration from what the org holds, and verify it',
    operations: [
      ...APP_READS,
      'getGroup',
      'listTrustedOrigins',
      'listAuthorizationServers',
      'listAuthorizationServerPolicies',
      // The issuer's scopes and groups claim, when the export reads them from the org.
      'listAuthorizationServerPolicyRules',
      'listOAuth2Claims',
      // The verification's check of scopes a custom server defines but does not publish.
      'listOAuth2Scopes',
      'replaceApplication',
    ],
    optional: [
      {
        operationId: 'getAppOauthGroupsClaim',
        why: 'reads the app’s org-server groups claim for `export --app`; refused (no scope opens it), the file asks for no groups claim',
      },
    ],
  },
  activity: {
    title: 'Show the app’s sign-ins and failures from the System Log',
    operations: ['getApplication', 'listLogEvents'],
  },
  rotation: {
    title: 'Rotate the client secret (two active secrets, swap after a verified sign-in)',
    operations: [
      'getApplication',
      'listOAuth2ClientSecrets',
      'createOAuth2ClientSecret',
      'deactivateOAuth2ClientSecret',
      'deleteOAuth2ClientSecret',
    ],
  },
  'managed-apps': {
    title: 'List the apps the console manages, with counts, secret age and drift',
    operations: [...APP_READS, 'listOAuth2ClientSecrets'],
  },
  teardown: {
    title: 'Tear down what the setup made: the app',
    operations: [...APP_READS, 'deactivateApplication', 'deleteApplication'],
  },
  'teardown-test-user': {
    title: 'Tear down what the setup made: its test user',
    operations: ['listUsers', 'deactivateUser', 'deleteUser'],
  },
  'teardown-authorization-server': {
    title:
      'Tear down what the setup made on the authorization server: scopes, claims, access policy, the server itself when it made it',
    operations: [
      ...AUTH_SERVER_READS,
      'deleteOAuth2Claim',
      'deleteOAuth2Scope',
      'deleteAuthorizationServerPolicy',
      'deactivateAuthorizationServer',
      'deleteAuthorizationServer',
    ],
  },
  'teardown-trusted-origins': {
    title: 'Tear down what the setup made: its trusted origins',
    operations: ['listTrustedOrigins', 'deleteTrustedOrigin'],
  },
};

/** The tasks the day-two features need once an app is set up. */
export const DAY_TWO_TASKS: readonly TaskId[] = [
  'preview',
  'export',
  'activity',
  'rotation',
  'managed-apps',
  'teardown',
];

/**
 * The tasks a setup document's apply needs, plus `extra` (by default every day-two task).
 *
 * @remarks
 * Users and groups are planned when the document names any, or when `withAssignments` is set (the
 * wizard lets the admin pick them later, and a plan made before the picking must cover it).
 */
export function tasksForSetup(
  document: SetupDocument,
  options: { withAssignments?: boolean; extra?: readonly TaskId[] } = {},
): TaskId[] {
  const tasks: TaskId[] = ['connect', 'setup-app'];
  if (document.app.tokenEndpointAuthMethod !== 'none') {
    tasks.push('client-secret');
  }
  if (options.withAssignments === true || document.assignments.users.length > 0) {
    tasks.push('assign-users');
  }
  if (options.withAssignments === true || document.assignments.groups.length > 0) {
    tasks.push('assign-groups');
  }
  if (document.assignments.testUser !== undefined) {
    tasks.push('test-user');
  }
  if (document.issuer.kind === 'custom') {
    tasks.push('custom-authorization-server');
  } else if (document.issuer.groupsClaim !== undefined) {
    tasks.push('org-groups-claim');
  }
  if (document.trustedOrigins.length > 0) {
    tasks.push('trusted-origins');
  }
  const extra = options.extra ?? DAY_TWO_TASKS;
  for (const task of extra) {
    if (!tasks.includes(task)) {
      tasks.push(task);
    }
  }
  if (extra.includes('teardown')) {
    // The teardown removes only what the setup made, so it needs only what made it.
    const undo: [TaskId, TaskId][] = [
      ['test-user', 'teardown-test-user'],
      ['custom-authorization-server', 'teardown-authorization-server'],
      ['trusted-origins', 'teardown-trusted-origins'],
    ];
    for (const [made, removal] of undo) {
      if (tasks.includes(made)) {
        tasks.push(removal);
      }
    }
  }
  return tasks;
}

/** Why a scope is planned: a task and the calls of it the scope opens. */
export interface ScopeReason {
  task: TaskId;
  title: string;
  operations: OperationId[];
}

/** A scope to grant, and every reason for it. */
export interface PlannedScope {
  scope: string;
  reasons: ScopeReason[];
}

/** A call no `okta.*` scope opens, which needs an API token or the Admin Console instead. */
export interface UnscopedStep {
  task: TaskId;
  title: string;
  operations: OperationId[];
  instead: string;
}

/** The least privilege for some work. */
export interface PrivilegePlan {
  tasks: TaskId[];
  /** The scopes to grant, in catalogue order, each with its reasons. */
  scopes: PlannedScope[];
  /** The least privileged single standard role that may make every call. */
  role: AdminRole;
  /**
   * The narrowest set of standard roles that together may make every call, when narrower than
   * {@link role} (Okta lets a service app hold several), else just {@link role}.
   */
  roles: AdminRole[];
  /** Per role of {@link roles}: the tasks with a call only that role of them may make. */
  roleReasons: { role: AdminRole; label: string; tasks: TaskId[] }[];
  unscoped: UnscopedStep[];
  /** Calls left out of the plan because the console works on when they are refused. */
  optional: { task: TaskId; operationId: OperationId; scope: string | undefined; why: string }[];
}

const PRIVILEGE = (role: AdminRole) => ADMIN_ROLES.indexOf(role);

/**
 * The scopes and role the tasks need, with the reason for each.
 *
 * @remarks
 * An operation names one scope in the spec; a `.read` scope is still planned beside a `.manage`
 * one when a task reads, because Okta checks the scope the operation lists, and `okta.apps.manage`
 * does not list reads (management.yaml gives `getApplication` only `okta.apps.read`).
 */
export function planPrivileges(tasks: readonly TaskId[]): PrivilegePlan {
  const unique = [...new Set(tasks)];
  const byScope = new Map<string, ScopeReason[]>();
  const unscoped: UnscopedStep[] = [];
  const operations = new Set<OperationId>();
  for (const task of unique) {
    const { title } = TASKS[task];
    const withoutScope: OperationId[] = [];
    for (const operationId of TASKS[task].operations) {
      operations.add(operationId);
      const { scopes } = MANAGEMENT_OPERATIONS[operationId];
      if (scopes.length === 0) {
        withoutScope.push(operationId);
      }
      for (const scope of scopes.slice(0, 1)) {
        const reasons = byScope.get(scope) ?? [];
        const reason = reasons.find((candidate) => candidate.task === task);
        if (reason === undefined) {
          reasons.push({ task, title, operations: [operationId] });
        } else if (!reason.operations.includes(operationId)) {
          reason.operations.push(operationId);
        }
        byScope.set(scope, reasons);
      }
    }
    if (withoutScope.length > 0) {
      unscoped.push({
        task,
        title,
        operations: withoutScope,
        instead:
          'Okta opens this route to no okta.* scope (it ignores the org groups claim under OAuth 2.0): connect once with an API token for this step, or set the claim in the Admin Console (the app → Sign On → OpenID Connect ID Token → Groups claim).',
      });
    }
  }
  const scopeOrder = [
    ...new Set(Object.values(MANAGEMENT_OPERATIONS).flatMap(({ scopes }) => [...scopes])),
  ];
  const scopes = [...byScope]
    .sort(([a], [b]) => scopeOrder.indexOf(a) - scopeOrder.indexOf(b))
    .map(([scope, reasons]) => ({ scope, reasons }));
  const needed = [...operations];
  const role = leastSingleRole(needed);
  const roles = leastRoleSet(needed, role);
  // A role's reason: the tasks with a call that no other of the roles may make.
  const roleReasons = roles.map((candidate) => ({
    role: candidate,
    label: ADMIN_ROLE_LABELS[candidate],
    tasks: unique.filter((task) =>
      TASKS[task].operations.some((operationId) => {
        const allowed = MANAGEMENT_OPERATIONS[operationId].roles;
        return (
          allowed.includes(candidate) &&
          !roles.some((other) => other !== candidate && allowed.includes(other))
        );
      }),
    ),
  }));
  const optional = unique.flatMap((task) =>
    (TASKS[task].optional ?? []).map(({ operationId, why }) => ({
      task,
      operationId,
      scope: MANAGEMENT_OPERATIONS[operationId].scopes[0],
      why,
    })),
  );
  return { tasks: unique, scopes, role, roles, roleReasons, unscoped, optional };
}

/** The least privileged role every operation allows (SUPER_ADMIN allows them all). */
function leastSingleRole(operations: readonly OperationId[]): AdminRole {
  return (
    ADMIN_ROLES.find((role) =>
      operations.every((operationId) => MANAGEMENT_OPERATIONS[operationId].roles.includes(role)),
    ) ?? 'SUPER_ADMIN'
  );
}

/**
 * A set of roles that together allow every operation, each less privileged than `single`; or
 * `[single]` when no such set exists.
 *
 * @remarks
 * Greedy: the most constrained operation first, each given the least privileged role it allows
 * among those below `single`; then any role whose every operation another chosen role also covers
 * is dropped.
 */
function leastRoleSet(operations: readonly OperationId[], single: AdminRole): AdminRole[] {
  const below = (roles: readonly AdminRole[]) =>
    roles.filter((role) => PRIVILEGE(role) < PRIVILEGE(single));
  const allowed = (operationId: OperationId) => MANAGEMENT_OPERATIONS[operationId].roles;
  if (operations.some((operationId) => below(allowed(operationId)).length === 0)) {
    return [single];
  }
  const ordered = [...operations].sort(
    (a, b) => below(allowed(a)).length - below(allowed(b)).length,
  );
  const chosen: AdminRole[] = [];
  for (const operationId of ordered) {
    if (chosen.some((role) => allowed(operationId).includes(role))) {
      continue;
    }
    const least = below(allowed(operationId)).sort((a, b) => PRIVILEGE(a) - PRIVILEGE(b))[0];
    if (least !== undefined) {
      chosen.push(least);
    }
  }
  const kept = chosen.filter(
    (role) =>
      !operations.every((operationId) =>
        chosen.some((other) => other !== role && allowed(operationId).includes(other)),
      ),
  );
  return kept.sort((a, b) => PRIVILEGE(a) - PRIVILEGE(b));
}

/**
 * The granted scopes the planned work never uses, so the admin can revoke them.
 *
 * @remarks
 * Compared exactly: Okta does not let `okta.apps.manage` stand in for `okta.apps.read` (each
 * operation lists its one scope), so neither is "covered" by the other.
 */
export function unusedScopes(granted: readonly string[], planned: PrivilegePlan): string[] {
  const needed = new Set(planned.scopes.map(({ scope }) => scope));
  return [...new Set(granted)].filter((scope) => !needed.has(scope));
}

/** The planned scopes not among those granted. */
export function missingScopes(granted: readonly string[], planned: PrivilegePlan): string[] {
  const have = new Set(granted);
  return planned.scopes.map(({ scope }) => scope).filter((scope) => !have.has(scope));
}

/**
 * Refuses, before any call, work that needs scopes the connected service app was not granted:
 * each missing scope with the task that needs it and where to grant it.
 *
 * @remarks
 * For work that writes (an apply, a preview's throwaway user): refused halfway by Okta's 403, it
 * would leave the org half changed. Reads need no such check, since the 403 is diagnosed the same
 * way. An API token passes (it acts with its admin's roles, which the connect check reports).
 */
export function requireGrantedScopes(
  org: { serviceApp?: { clientId: string; scopes: readonly string[] } | undefined },
  tasks: readonly TaskId[],
  action: string,
): void {
  if (org.serviceApp === undefined) {
    return;
  }
  const plan = planPrivileges(tasks);
  const missing = missingScopes(org.serviceApp.scopes, plan);
  if (missing.length === 0) {
    return;
  }
  const why = plan.scopes
    .filter(({ scope }) => missing.includes(scope))
    .map(({ scope, reasons }) => `${scope} (${reasons.map(({ title }) => title).join('; ')})`);
  throw new AppError({
    code: 'PERMISSION_DENIED',
    message: `The service app ${org.serviceApp.clientId} may not do all of ${action}, so nothing was changed: it was not granted ${why.join(', ')}.`,
    hint: `Grant ${missing.join(' and ')} (${GRANT_SCOPES_PATH}), then verify the org again (Connect an org › Verify) so the console asks for ${missing.length === 1 ? 'it' : 'them'}.`,
  });
}
