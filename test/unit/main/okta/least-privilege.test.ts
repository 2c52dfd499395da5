import { describe, expect, it } from 'vitest';

import {
  missingScopes,
  planPrivileges,
  TASK_IDS,
  TASKS,
  tasksForSetup,
  unusedScopes,
} from '../../../../main/okta/least-privilege.ts';
import { MANAGEMENT_OPERATIONS } from '../../../../shared/okta/management-scopes.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';

const scopesOf = (plan: ReturnType<typeof planPrivileges>) => plan.scopes.map(({ scope }) => scope);

describe('planPrivileges', () => {
  it('plans each scope the tasks’ operations list, with the calls that need it', () => {
    const plan = planPrivileges(['assign-groups']);
    expect(scopesOf(plan)).toEqual(['okta.apps.manage', 'okta.groups.read']);
    expect(plan.scopes[0]?.reasons).toEqual([
      {
        task: 'assign-groups',
        title: TASKS['assign-groups'].title,
        operations: ['assignGroupToApplication'],
      },
    ]);
  });

  it('plans the System Log scope for activity, and a role that may read the log', () => {
    const plan = planPrivileges(['activity']);
    expect(scopesOf(plan)).toEqual(['okta.apps.read', 'okta.logs.read']);
    expect(plan.role).toBe('READ_ONLY_ADMIN');
    expect(plan.roles).toEqual(['READ_ONLY_ADMIN']);
  });

  it('needs an org admin for trusted origins, which no narrower role may change', () => {
    const plan = planPrivileges(['trusted-origins']);
    expect(plan.role).toBe('ORG_ADMIN');
    expect(plan.roles).toEqual(['ORG_ADMIN']);
  });

  it('offers narrower roles together where one role would be broader', () => {
    const plan = planPrivileges(['setup-app', 'test-user', 'custom-authorization-server']);
    expect(plan.role).toBe('ORG_ADMIN');
    expect(plan.roles).toEqual(['USER_ADMIN', 'APP_ADMIN', 'API_ACCESS_MANAGEMENT_ADMIN']);
    for (const { role, tasks } of plan.roleReasons) {
      expect(tasks.length, role).toBeGreaterThan(0);
    }
    // Every operation is allowed to one of the roles.
    for (const task of plan.tasks) {
      for (const operationId of TASKS[task].operations) {
        const allowed = MANAGEMENT_OPERATIONS[operationId].roles as readonly string[];
        expect(
          plan.roles.some((role) => allowed.includes(role)),
          operationId,
        ).toBe(true);
      }
    }
  });

  it('reports the org groups claim as a step no scope opens, and plans no scope for it', () => {
    const plan = planPrivileges(['org-groups-claim']);
    expect(scopesOf(plan)).toEqual([]);
    expect(plan.unscoped.map(({ operations }) => operations)).toEqual([
      ['getAppOauthGroupsClaim', 'updateAppOauthGroupsClaim'],
    ]);
  });

  it('leaves the optional roles read out of the scopes', () => {
    const plan = planPrivileges(['connect']);
    expect(scopesOf(plan)).toEqual(['okta.users.read', 'okta.orgs.read']);
    expect(plan.optional.map(({ operationId, scope }) => [operationId, scope])).toEqual([
      ['listAssignedRolesForUser', 'okta.roles.read'],
    ]);
  });

  it('uses only operations of the catalogue in every task', () => {
    for (const task of TASK_IDS) {
      expect(TASKS[task].operations.length, task).toBeGreaterThan(0);
    }
  });
});

describe('tasksForSetup', () => {
  it('plans Kestra on the org authorization server: no authorization-server writes, no trusted origins', () => {
    const tasks = tasksForSetup(createSetupDocument({ id: 'k', preset: 'kestra' }));
    expect(tasks).toEqual([
      'connect',
      'setup-app',
      'client-secret',
      'preview',
      'export',
      'activity',
      'rotation',
      'managed-apps',
      'teardown',
    ]);
    const plan = planPrivileges(tasks);
    expect(scopesOf(plan)).not.toContain('okta.authorizationServers.manage');
    expect(scopesOf(plan)).not.toContain('okta.trustedOrigins.manage');
  });

  it('plans Kaimu’s custom authorization server and its removal', () => {
    const tasks = tasksForSetup(createSetupDocument({ id: 'k', preset: 'kaimu' }), {
      withAssignments: true,
    });
    expect(tasks).toContain('custom-authorization-server');
    expect(tasks).toContain('teardown-authorization-server');
    expect(tasks).toContain('assign-users');
    expect(scopesOf(planPrivileges(tasks))).toContain('okta.authorizationServers.manage');
  });

  it('plans a SPA’s trusted origins, test user, default server items and their removal, but no client secret', () => {
    const document = createSetupDocument({ id: 's', preset: 'spa' });
    document.assignments.testUser = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
    };
    const tasks = tasksForSetup(document, { extra: ['teardown'] });
    expect(tasks).toEqual([
      'connect',
      'setup-app',
      'test-user',
      'custom-authorization-server',
      'trusted-origins',
      'teardown',
      'teardown-test-user',
      'teardown-authorization-server',
      'teardown-trusted-origins',
    ]);
  });
});

describe('unusedScopes and missingScopes', () => {
  const plan = planPrivileges(['activity']);

  it('points out a granted scope the planned work never uses', () => {
    expect(unusedScopes(['okta.apps.read', 'okta.logs.read', 'okta.users.manage'], plan)).toEqual([
      'okta.users.manage',
    ]);
    expect(unusedScopes(['okta.apps.read', 'okta.logs.read'], plan)).toEqual([]);
  });

  it('does not count a .manage scope as covering its .read scope', () => {
    expect(unusedScopes(['okta.apps.manage', 'okta.logs.read'], plan)).toEqual([
      'okta.apps.manage',
    ]);
    expect(missingScopes(['okta.apps.manage', 'okta.logs.read'], plan)).toEqual(['okta.apps.read']);
  });
});
