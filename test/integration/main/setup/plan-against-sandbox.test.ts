import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { readOrgSnapshot } from '../../../../main/okta/org-snapshot.ts';
import { startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { appRequestBody } from '../../../../main/setup/okta-bodies.ts';
import { hasChanges, planSetup } from '../../../../main/setup/plan.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { injectSandboxFault } from '../../../support/sandbox-control.ts';
import { type OktaSdkClient, startSandboxWithClient } from '../../../support/sandbox-sdk.ts';

/**
 * The planner against a real org (the sandbox, seeded with the demo directory) through the real
 * SDK: what it reads, and what it concludes. The apply engine builds on exactly this.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;

beforeAll(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo']);
  client = sandbox.client;
});
afterAll(async () => {
  await sandbox.sandbox.stop();
});

function kestraDocument(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kestra', baseUrl: 'http://localhost:8080' });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.plan@example.com' },
  };
  return document;
}

describe('planning a Kestra setup against the org', () => {
  it('lists exactly the creates a fresh setup needs', async () => {
    const plan = planSetup(
      kestraDocument('fresh'),
      await readOrgSnapshot(client, kestraDocument('fresh')),
    );
    expect(plan.blockers).toEqual([]);
    expect(plan.steps.map((step) => [step.action, step.key])).toEqual([
      ['create', 'app'],
      ['create', 'test-user:ada.plan@example.com'],
      ['create', 'user-assignment:ada.plan@example.com'],
      ['create', 'user-assignment:alice.martin@example.com'],
      ['create', 'group-assignment:Kestra Admins'],
    ]);
  });

  it('recognises its app by the mark, even renamed among apps with the same label', async () => {
    const document = kestraDocument('marked');
    document.assignments = { users: [], groups: [] };
    // Another "Kestra" that is not ours: labels are not unique in Okta.
    const lookalike = createSetupDocument({ id: 'someone-else', preset: 'kestra' });
    await client.applicationApi.createApplication({
      application: appRequestBody(lookalike) as never,
    });
    const ours = (await client.applicationApi.createApplication({
      application: appRequestBody({
        ...document,
        app: { ...document.app, label: 'Kestra (renamed)' },
      }) as never,
    })) as { id: string };

    const snapshot = await readOrgSnapshot(client, document);
    expect(snapshot.app?.id).toBe(ours.id);
    const plan = planSetup(document, snapshot);
    expect(plan.steps.filter((step) => step.action !== 'unchanged')).toEqual([
      expect.objectContaining({
        key: 'app',
        action: 'update',
        changes: [{ field: 'label', before: 'Kestra (renamed)', after: 'Kestra' }],
      }),
    ]);
  });

  it('plans nothing for an org that matches, and one update for one changed redirect URI', async () => {
    const document = kestraDocument('matching');
    document.assignments = { users: [], groups: [{ name: 'Kestra Admins' }] };
    const app = (await client.applicationApi.createApplication({
      application: appRequestBody(document) as never,
    })) as { id: string };
    const admins = await client.groupApi.listGroups({ q: 'Kestra Admins' });
    let groupId = '';
    for await (const group of admins) {
      if (group?.profile?.name === 'Kestra Admins') {
        groupId = group.id ?? '';
      }
    }
    await client.applicationApi.assignGroupToApplication({ appId: app.id, groupId });

    expect(hasChanges(planSetup(document, await readOrgSnapshot(client, document)))).toBe(false);

    document.app.redirectUris = ['http://localhost:8080/oauth/callback/corp'];
    const changed = planSetup(document, await readOrgSnapshot(client, document)).steps.filter(
      (step) => step.action !== 'unchanged',
    );
    expect(changed.map((step) => [step.key, step.changes])).toEqual([
      [
        'app',
        [
          {
            field: 'redirectUris',
            before: ['http://localhost:8080/oauth/callback/okta'],
            after: ['http://localhost:8080/oauth/callback/corp'],
          },
        ],
      ],
    ]);
  });

  it('finds the trusted origin an admin typed with a trailing slash, which Okta keeps as typed', async () => {
    const document = createSetupDocument({
      id: 'slash-origin',
      preset: 'spa',
      baseUrl: 'https://slash-origin.example',
    });
    document.assignments = { users: [], groups: [] };
    expect(document.trustedOrigins.map((origin) => origin.origin)).toEqual([
      'https://slash-origin.example',
    ]);
    const typed = await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'Typed in the Admin Console',
        origin: 'https://slash-origin.example/',
        scopes: [{ type: 'CORS' }],
      } as never,
    });
    expect(typed.origin).toBe('https://slash-origin.example/');

    const snapshot = await readOrgSnapshot(client, document);
    expect(snapshot.trustedOrigins.get('https://slash-origin.example')).toMatchObject({
      id: typed.id,
      scopes: ['CORS'],
    });
    // The missing REDIRECT scope is added to that origin; no second one is made.
    const step = planSetup(document, snapshot).steps.find(
      (candidate) => candidate.key === 'trusted-origin:https://slash-origin.example',
    );
    expect(step?.action).toBe('update');
  });

  it('reads the default server for Kaimu: its scopes exist and its Default Policy admits any client', async () => {
    const document = createSetupDocument({ id: 'kaimu', preset: 'kaimu' });
    const plan = planSetup(document, await readOrgSnapshot(client, document));
    expect(plan.blockers).toEqual([]);
    expect(plan.steps.map((step) => [step.action, step.key])).toEqual([
      ['unchanged', 'scope:openid'],
      ['unchanged', 'scope:email'],
      ['unchanged', 'scope:profile'],
      ['create', 'app'],
      ['unchanged', 'access-policy'],
    ]);
  });
});

describe('looking users up by logins that would bend a hand-quoted expression', () => {
  const HOSTILE_LOGINS = [
    'o"neil@example.com',
    'back\\slash@example.com',
    'ends.in.backslash\\@example.com',
    'ada" or profile.login sw "a@example.com',
    'grace and bob or carol@example.com',
  ];

  it('finds each user by exactly their login, and no one for a login that only looks like one', async () => {
    for (const login of HOSTILE_LOGINS) {
      await client.userApi.createUser({
        body: { profile: { login, email: 'hostile@example.com', firstName: 'H', lastName: 'L' } },
        activate: false,
      });
    }
    const document = kestraDocument('hostile');
    document.assignments = {
      users: [
        ...HOSTILE_LOGINS.map((login) => ({ login })),
        // Would match every user named "a…" if the quote closed the value early.
        { login: 'nobody" or profile.login sw "a' },
      ],
      groups: [],
    };
    const snapshot = await readOrgSnapshot(client, document);
    expect([...snapshot.usersByLogin.keys()].sort()).toEqual([...HOSTILE_LOGINS].sort());
    const ids = new Set([...snapshot.usersByLogin.values()].map((user) => user.id));
    expect(ids.size).toBe(HOSTILE_LOGINS.length);
    expect(planSetup(document, snapshot).blockers).toEqual([
      'No user has the login nobody" or profile.login sw "a. Check the spelling, or add them as the test user.',
    ]);
  });
});

describe('planning a setup that names 300 users under integrator-free limits, 150 ms away', () => {
  it('reads them all, in batches and at the org’s pace, with no request refused for good', async () => {
    const large = await startSandbox({
      seed: { kind: 'large', users: 400, groups: 5, apps: 0 },
      rateLimits: 'integrator-free',
    });
    try {
      const logins = [...large.org.users.values()]
        .filter((user) => user.adminRoles.length === 0)
        .slice(0, 300)
        .map((user) => user.profile.login);
      await injectSandboxFault(large.orgUrl, large.apiToken, {
        method: '*',
        path: '/api/v1/**',
        latencyMs: 150,
        times: 10_000,
      });
      const document = kestraDocument('three-hundred');
      document.assignments = { users: logins.map((login) => ({ login })), groups: [] };
      const org = orgFromCredentials({ orgUrl: large.orgUrl, token: large.apiToken });
      const snapshot = await readOrgSnapshot(org.client, document);
      expect(snapshot.usersByLogin.size).toBe(300);
      expect(planSetup(document, snapshot).blockers).toEqual([]);
      // 300 logins, 20 to a request: 15 lookups, well inside the users bucket's 100.
      expect(org.scheduler.stats()).toMatchObject({ rateLimited: 0 });
      expect(org.scheduler.stats().sent).toBeLessThan(25);
    } finally {
      await large.close();
    }
  });
});
