import { describe, expect, it } from 'vitest';

import { type OrgSnapshot } from '../../../../main/okta/org-snapshot.ts';
import {
  desiredAppFields,
  hasChanges,
  NOTHING_OWED,
  planSetup,
} from '../../../../main/setup/plan.ts';
import { channelResultSchema } from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { orgSnapshot } from '../../../support/org-snapshots.ts';

const emptyOrg = () => orgSnapshot();

function kestra(): SetupDocument {
  const document = createSetupDocument({
    id: 'setup-1',
    preset: 'kestra',
    baseUrl: 'https://kestra.example.com',
  });
  document.assignments = {
    users: [],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  };
  return document;
}

/** The org as it is once a document has been applied: what a second plan sees. */
function appliedOrg(document: SetupDocument): OrgSnapshot {
  return {
    ...emptyOrg(),
    app: { id: '0oa1', fields: desiredAppFields(document), status: 'ACTIVE' },
    usersByLogin: new Map([['ada@example.com', { id: '00u1' }]]),
    groupsByName: new Map([['Kestra Admins', { id: '00g1' }]]),
    appUserIds: new Set(['00u1']),
    appGroupIds: new Set(['00g1']),
  };
}

describe('planSetup', () => {
  it('plans to activate an app an admin deactivated, and nothing else', () => {
    const document = kestra();
    const org = appliedOrg(document);
    org.app = { id: '0oa1', fields: desiredAppFields(document), status: 'INACTIVE' };
    const plan = planSetup(document, org);
    expect(plan.steps.filter((step) => step.action !== 'unchanged')).toEqual([
      expect.objectContaining({
        key: 'app',
        action: 'update',
        changes: [{ field: 'status', before: 'INACTIVE', after: 'ACTIVE' }],
      }),
    ]);
  });

  it('plans a fresh Kestra setup as exactly these creates, in apply order', () => {
    const org = emptyOrg();
    org.groupsByName.set('Kestra Admins', { id: '00g1' });
    const plan = planSetup(kestra(), org);
    expect(plan.blockers).toEqual([]);
    expect(plan.steps.map((step) => [step.action, step.key])).toEqual([
      ['create', 'app'],
      ['create', 'test-user:ada@example.com'],
      ['create', 'user-assignment:ada@example.com'],
      ['create', 'group-assignment:Kestra Admins'],
    ]);
    const app = plan.steps[0];
    expect(app?.changes).toContainEqual({
      field: 'redirectUris',
      before: undefined,
      after: ['https://kestra.example.com/oauth/callback/okta'],
    });
    expect(app?.changes).toContainEqual({
      field: 'issuerMode',
      before: undefined,
      after: 'ORG_URL',
    });
    expect(plan.steps[2]?.dependsOn).toEqual(['app', 'test-user:ada@example.com']);
  });

  it('plans nothing once the document is applied', () => {
    const document = kestra();
    const plan = planSetup(document, appliedOrg(document));
    expect(plan.steps.every((step) => step.action === 'unchanged')).toBe(true);
    expect(hasChanges(plan)).toBe(false);
  });

  it('plans one update with one field change when one redirect URI changes', () => {
    const document = kestra();
    const org = appliedOrg(document);
    document.app.redirectUris = ['https://kestra.example.com/oauth/callback/corp'];
    const changed = planSetup(document, org).steps.filter((step) => step.action !== 'unchanged');
    expect(changed).toEqual([
      expect.objectContaining({
        key: 'app',
        action: 'update',
        changes: [
          {
            field: 'redirectUris',
            before: ['https://kestra.example.com/oauth/callback/okta'],
            after: ['https://kestra.example.com/oauth/callback/corp'],
          },
        ],
      }),
    ]);
  });

  it('puts a custom server’s scopes and claim before the app, and its policy after', () => {
    const document = createSetupDocument({ id: 'setup-1', preset: 'kaimu' });
    if (document.issuer.kind !== 'custom') {
      throw new Error('Kaimu uses a custom server');
    }
    document.issuer.scopes.push('groups');
    document.issuer.groupsClaim = {
      type: 'FILTER',
      name: 'groups',
      filterType: 'STARTS_WITH',
      value: 'Kaimu',
    };
    const org = emptyOrg();
    org.authServer = {
      id: 'default',
      scopeNames: new Set(['openid', 'email', 'profile']),
      claims: [],
      admitsClient: false,
    };
    expect(planSetup(document, org).steps.map((step) => [step.action, step.key])).toEqual([
      ['unchanged', 'scope:openid'],
      ['unchanged', 'scope:email'],
      ['unchanged', 'scope:profile'],
      ['create', 'scope:groups'],
      ['create', 'claim:groups'],
      ['create', 'app'],
      ['create', 'access-policy'],
    ]);
  });

  it('stops with a reason, not a failed call, when the document names what is not there', () => {
    const document = kestra();
    document.assignments.users.push({ login: 'nobody@example.com' });
    document.assignments.groups.push({ name: 'Ghosts' });
    document.app.existingAppId = '0oaGone';
    expect(planSetup(document, emptyOrg()).blockers).toEqual([
      'The app integration 0oaGone that this document edits is not in the org any more. Pick another app, or remove existingAppId to create a new one.',
      'No user has the login nobody@example.com. Check the spelling, or add them as the test user.',
      'No group is named "Kestra Admins". Check the spelling; the console assigns existing groups.',
      'No group is named "Ghosts". Check the spelling; the console assigns existing groups.',
    ]);
  });

  it('refuses an address without its scheme, naming the address to write instead', () => {
    // What used to reach Okta: a base URL typed as localhost:8080/, and the callback made of it.
    const document = createSetupDocument({
      id: 'setup-1',
      preset: 'kestra',
      baseUrl: 'localhost:8080/',
      label: 'Kestra',
    });
    expect(document.app.redirectUris).toEqual(['localhost:8080/oauth/callback/okta']);
    const { blockers } = planSetup(document, emptyOrg());
    expect(blockers).toEqual([
      'The app’s base URL has no scheme, so Okta would get localhost:8080 as a path rather than an address. Write it with http:// or https://, e.g. http://localhost:8080.',
      'The sign-in redirect URI localhost:8080/oauth/callback/okta has no scheme. Write it with http:// or https://, e.g. http://localhost:8080/oauth/callback/okta.',
      'The sign-out redirect URI localhost:8080/logout has no scheme. Write it with http:// or https://, e.g. http://localhost:8080/logout.',
    ]);
  });

  it('says a missing custom server needs API Access Management', () => {
    const plan = planSetup(createSetupDocument({ id: 'setup-1', preset: 'kaimu' }), emptyOrg());
    expect(plan.blockers[0]).toMatch(
      /^The authorization server "default" does not exist in this org\. Custom authorization servers need Okta's API Access Management/,
    );
  });

  it('crosses the IPC boundary as JSON and still matches the contract', () => {
    // JSON drops `before: undefined` from every create; the renderer must accept that.
    const document = kestra();
    document.issuer = createSetupDocument({ id: 'k', preset: 'kaimu' }).issuer;
    for (const plan of [
      planSetup(document, emptyOrg()),
      planSetup(kestra(), appliedOrg(kestra())),
    ]) {
      // What the plan read stays in main; the renderer gets the steps and the blockers.
      const view = { steps: plan.steps, blockers: plan.blockers, notes: plan.notes };
      const overTheWire: unknown = JSON.parse(
        JSON.stringify({ ok: true, data: { planId: 'p-1', plan: view } }),
      );
      expect(
        channelResultSchema('setup:plan').safeParse(overTheWire).error?.issues,
      ).toBeUndefined();
    }
  });

  it('sets a groups claim on the org server as a setting of the app, once the app exists', () => {
    const document = kestra();
    document.issuer = {
      kind: 'org',
      issuerMode: 'ORG_URL',
      groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
    };
    const org = emptyOrg();
    org.groupsByName.set('Kestra Admins', { id: '00g1' });
    const fresh = planSetup(document, org);
    expect(fresh.blockers).toEqual([]);
    const claimStep = fresh.steps.find((step) => step.kind === 'app-groups-claim');
    expect(claimStep).toMatchObject({
      action: 'create',
      dependsOn: ['app'],
      changes: [{ field: 'groupsClaim', before: undefined, after: 'groups: REGEX .*' }],
    });
    const keys = fresh.steps.map((step) => step.key);
    expect(keys.indexOf('app-groups-claim')).toBeGreaterThan(keys.indexOf('app'));
    // No custom server's claim: the org server has none of its own.
    expect(fresh.steps.some((step) => step.kind === 'claim')).toBe(false);
  });

  it.each([
    [undefined, 'create'],
    [{ type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' }, 'unchanged'],
    [{ type: 'FILTER', name: 'groups', filterType: 'STARTS_WITH', value: 'Kestra' }, 'update'],
    [{ type: 'EXPRESSION', name: 'groups', value: 'Groups.startsWith("OKTA", "", 100)' }, 'update'],
    [{ type: 'FILTER', name: 'roles', filterType: 'REGEX', value: '.*' }, 'update'],
  ] as const)('plans the org-server claim against the app’s %j as %s', (current, action) => {
    const document = kestra();
    document.issuer = {
      kind: 'org',
      issuerMode: 'ORG_URL',
      groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
    };
    const org = appliedOrg(document);
    if (current !== undefined) {
      org.appGroupsClaim = current;
    }
    const steps = planSetup(document, org).steps.filter((step) => step.action !== 'unchanged');
    expect(steps.map((step) => [step.key, step.action])).toEqual(
      action === 'unchanged' ? [] : [['app-groups-claim', action]],
    );
  });

  it('skips assignments in Federation Broker Mode, where Okta ignores them', () => {
    const document = kestra();
    document.app.implicitAssignment = true;
    const keys = planSetup(document, emptyOrg()).steps.map((step) => step.key);
    expect(keys).not.toContain('group-assignment:Kestra Admins');
  });
});

describe('secrets this computer owes', () => {
  it('plans a new client secret and a new password when the journal says they were never kept', () => {
    const document = kestra();
    // appliedOrg: app 0oa1, test user 00u1 — the ones the journal says this computer made.
    const plan = planSetup(document, appliedOrg(document), {
      clientSecret: { objectId: '0oa1' },
      testUserPassword: { objectId: '00u1' },
    });
    expect(plan.steps.filter((step) => step.action !== 'unchanged')).toEqual([
      expect.objectContaining({ key: 'client-secret', kind: 'client-secret', action: 'update' }),
      expect.objectContaining({
        key: 'test-user-password:ada@example.com',
        kind: 'test-user-password',
        action: 'update',
        dependsOn: ['test-user:ada@example.com'],
      }),
    ]);
    expect(hasChanges(plan)).toBe(true);
  });

  it('owes nothing for an app or user that is not there yet, nor a secret for a public client', () => {
    const document = kestra();
    const created = planSetup(document, emptyOrg(), {
      clientSecret: { objectId: undefined },
      testUserPassword: { objectId: undefined },
    });
    expect(created.steps.map((step) => step.kind)).not.toContain('client-secret');
    expect(created.steps.map((step) => step.kind)).not.toContain('test-user-password');
    document.app.tokenEndpointAuthMethod = 'none';
    const spa = planSetup(document, appliedOrg(document), {
      clientSecret: { objectId: '0oa1' },
      testUserPassword: false,
    });
    expect(spa.steps.map((step) => step.kind)).not.toContain('client-secret');
  });

  it('owes nothing for another object that took the place of the one made here', () => {
    const document = kestra();
    // The journal says this computer made app 0oa9 and user 00u9; the org's are others now (the
    // document was pointed at an existing app; someone else made a user with that login).
    const others = planSetup(document, appliedOrg(document), {
      clientSecret: { objectId: '0oa9' },
      testUserPassword: { objectId: '00u9' },
    });
    expect(others.steps.filter((step) => step.action !== 'unchanged')).toEqual([]);
    // A create still in doubt counts only for the app the console marked, never a named one.
    document.app.existingAppId = '0oa1';
    const named = planSetup(document, appliedOrg(document), {
      clientSecret: { objectId: undefined },
      testUserPassword: false,
    });
    expect(named.steps.map((step) => step.kind)).not.toContain('client-secret');
  });
});

describe('how long Okta’s limits make an apply', () => {
  function withUsers(count: number): SetupDocument {
    const document = kestra();
    document.assignments.users = Array.from({ length: count }, (_, index) => ({
      login: `user${String(index)}@example.com`,
    }));
    return document;
  }
  function orgWithUsers(document: SetupDocument): OrgSnapshot {
    return {
      ...emptyOrg(),
      usersByLogin: new Map(
        document.assignments.users.map(({ login }, index) => [
          login,
          { id: `00u${String(index)}` },
        ]),
      ),
      groupsByName: new Map([['Kestra Admins', { id: '00g1' }]]),
    };
  }

  it('says the apply takes minutes, and that one group would be one request', () => {
    const document = withUsers(2000);
    const plan = planSetup(document, orgWithUsers(document), NOTHING_OWED, { appsPerMinute: 20 });
    // The app, 2,000 people and the test user, and a group: 2,003 requests, 20 a minute.
    expect(plan.notes).toEqual([
      "This apply sends 2003 requests to Okta's app endpoints, which this org allows 20 a minute, so it takes about 100 minutes. The console paces itself and says each wait; if it is interrupted, plan again: the plan starts where it stopped. Assigning one group holding these 2001 people instead would be a single request.",
    ]);
  });

  it('says nothing when a minute is enough, or when the limit is not known', () => {
    const document = withUsers(10);
    expect(
      planSetup(document, orgWithUsers(document), NOTHING_OWED, { appsPerMinute: 100 }).notes,
    ).toEqual([]);
    const big = withUsers(500);
    expect(planSetup(big, orgWithUsers(big)).notes).toEqual([]);
  });
});
