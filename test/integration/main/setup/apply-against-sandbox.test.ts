import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { issuerUrl } from '../../../../main/okta/issuer.ts';
import { readOrgSnapshot, setupMarkOf } from '../../../../main/okta/org-snapshot.ts';
import { hasChanges, planSetup } from '../../../../main/setup/plan.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep, memoryJournal } from '../../../support/apply-setup.ts';
import { injectSandboxFault, type SandboxFault } from '../../../support/sandbox-control.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';

/**
 * Applying a Kestra setup to the sandbox through the real SDK: the plain run, and a run
 * interrupted at every step by every kind of failure a write can meet. Each must reach the
 * same end state with nothing created twice.
 */

let sandbox: Awaited<ReturnType<typeof startSandboxWithClient>>;
let client: OktaSdkClient;

beforeEach(async () => {
  sandbox = await startSandboxWithClient(['--seed', 'demo', '--rate-limits', 'unlimited']);
  client = sandbox.client;
});
afterEach(async () => {
  await sandbox.sandbox.stop();
});

function kestra(): SetupDocument {
  const document = createSetupDocument({ id: 'kestra-1', preset: 'kestra' });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
  };
  return document;
}

/** The end state that matters: one marked app, its assignments, one test user. */
async function endState(document: SetupDocument) {
  const apps = (await collect(await client.applicationApi.listApplications({ limit: 200 }))).filter(
    (app) => setupMarkOf(app) === document.id,
  );
  const users = await collect(
    await client.userApi.listUsers({ search: 'profile.login eq "ada@example.com"' }),
  );
  const appId = apps[0]?.id ?? '';
  const appUsers =
    appId === '' ? [] : await collect(await client.applicationApi.listApplicationUsers({ appId }));
  const groups =
    appId === ''
      ? []
      : await collect(await client.applicationApi.listApplicationGroupAssignments({ appId }));
  return {
    apps: apps.length,
    testUsers: users.length,
    directUsers: appUsers
      .filter((user) => user.scope === 'USER')
      .map((user) => user.credentials?.userName)
      .sort(),
    groups: groups.length,
    pendingChanges: hasChanges(planSetup(document, await readOrgSnapshot(client, document))),
  };
}

/**
 * Whether Okta accepts a client's credentials: a token request with a made-up code fails with
 * `invalid_grant` when the secret is right, `invalid_client` when it is not.
 */
async function credentialProbe(clientId: string, secret: string): Promise<unknown> {
  const response = await fetch(`${sandbox.orgUrl}/oauth2/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: 'made-up',
      redirect_uri: 'http://localhost:8080/oauth/callback/okta',
    }).toString(),
  });
  return ((await response.json()) as { error?: unknown }).error;
}

const EXPECTED_END = {
  apps: 1,
  testUsers: 1,
  directUsers: ['ada@example.com', 'alice.martin@example.com'],
  groups: 1,
  pendingChanges: false,
};

describe('applying a Kestra setup', () => {
  it('creates what the plan lists, returns the secrets once, and leaves nothing to plan', async () => {
    const document = kestra();
    const journal = memoryJournal();
    const progress: string[] = [];
    const result = await applyAndKeep({
      client,
      orgUrl: sandbox.orgUrl,
      document,
      journal,
      onProgress: (event) => progress.push(`${event.state} ${event.stepKey}`),
    });
    expect(result.steps.map((step) => [step.action, step.key])).toEqual([
      ['create', 'app'],
      ['create', 'test-user:ada@example.com'],
      ['create', 'user-assignment:ada@example.com'],
      ['create', 'user-assignment:alice.martin@example.com'],
      ['create', 'group-assignment:Kestra Admins'],
    ]);
    expect(result.clientSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(result.testUserPassword).toMatch(/[A-Z]/);
    expect(result.clientId).toBe(result.appId);
    expect(await endState(document)).toEqual(EXPECTED_END);
    // The journal says every change before it was made, and again once it was done; and that
    // each secret went to the keychain the moment Okta handed it over.
    const lines = journal.entries.map((entry) => `${entry.phase} ${entry.stepKey}`);
    const at = (line: string) => lines.indexOf(line);
    expect(lines).toHaveLength(result.steps.length * 2 + 2);
    for (const step of result.steps) {
      expect(at(`started ${step.key}`), step.key).toBeGreaterThanOrEqual(0);
      expect(at(`done ${step.key}`), step.key).toBeGreaterThan(at(`started ${step.key}`));
    }
    expect(at('kept client-secret')).toBeGreaterThan(at('done app'));
    expect(at('kept test-user-password:ada@example.com')).toBeGreaterThan(
      at('done test-user:ada@example.com'),
    );
    // The app and the test user are made side by side; the assignments wait for both, and for
    // both secrets to be kept.
    expect(at('started test-user:ada@example.com')).toBeLessThan(at('done app'));
    const firstAssignment = Math.min(
      ...result.steps.slice(2).map((step) => at(`started ${step.key}`)),
    );
    expect(firstAssignment).toBeGreaterThan(
      Math.max(at('kept client-secret'), at('kept test-user-password:ada@example.com')),
    );
    expect(result.secrets).toHaveLength(2);
    expect(result.secrets).toEqual(
      expect.arrayContaining([
        { kind: 'client-secret', kept: true },
        { kind: 'test-user-password', kept: true },
      ]),
    );
    expect(progress[0]).toBe('running app');
    expect(JSON.stringify(journal.entries)).not.toContain(result.clientSecret ?? '-');
  });

  const WRITES: { step: string; method: string; path: string }[] = [
    { step: 'app', method: 'POST', path: '/api/v1/apps' },
    { step: 'test user', method: 'POST', path: '/api/v1/users' },
    { step: 'user assignments', method: 'POST', path: '/api/v1/apps/*/users' },
    { step: 'group assignment', method: 'PUT', path: '/api/v1/apps/*/groups/*' },
  ];
  const FAULTS: { name: string; fault: Partial<SandboxFault> }[] = [
    { name: 'a 500 after the change is committed', fault: { status: 500, afterCommit: true } },
    { name: 'a response lost after commit', fault: { connection: 'lose-response' } },
    { name: 'a dropped connection (nothing committed)', fault: { connection: 'drop' } },
  ];
  for (const write of WRITES) {
    for (const { name, fault } of FAULTS) {
      it(`reaches the same end state, without duplicates, after ${name} at the ${write.step} step`, async () => {
        const document = kestra();
        await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
          method: write.method,
          path: write.path,
          times: 1,
          ...fault,
        });
        const result = await applyAndKeep({
          client,
          orgUrl: sandbox.orgUrl,
          document,
          journal: memoryJournal(),
        });
        expect(await endState(document)).toEqual(EXPECTED_END);
        // A secret nobody saw is replaced, so the admin always gets a working one.
        expect(result.clientSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
        const secrets = await collect(
          await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId: result.appId }),
        );
        expect(secrets.map((secret) => secret.status)).toEqual(['ACTIVE']);
        expect(await credentialProbe(result.clientId, result.clientSecret ?? '')).toBe(
          'invalid_grant',
        );
      });
    }
  }

  it('resumes an apply that was stopped outright, by running it again', async () => {
    const document = kestra();
    // Every attempt at the group assignment fails before commit: the first run gives up there.
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'PUT',
      path: '/api/v1/apps/*/groups/*',
      times: 3,
      status: 503,
    });
    await expect(
      applyAndKeep({ client, orgUrl: sandbox.orgUrl, document, journal: memoryJournal() }),
    ).rejects.toMatchObject({
      status: 503,
    });
    const resumed = await applyAndKeep({
      client,
      orgUrl: sandbox.orgUrl,
      document,
      journal: memoryJournal(),
    });
    expect(resumed.steps.map((step) => [step.action, step.key])).toEqual([
      ['unchanged', 'app'],
      ['unchanged', 'test-user:ada@example.com'],
      ['unchanged', 'user-assignment:ada@example.com'],
      ['unchanged', 'user-assignment:alice.martin@example.com'],
      ['create', 'group-assignment:Kestra Admins'],
    ]);
    expect(await endState(document)).toEqual(EXPECTED_END);
  });
});

describe('applying a Kaimu setup on a custom authorization server', () => {
  function kaimuOnNewServer(): SetupDocument {
    const document = createSetupDocument({ id: 'kaimu-1', preset: 'kaimu' });
    document.issuer = {
      kind: 'custom',
      server: { kind: 'new', name: 'Kaimu API', audience: 'kaimu', description: 'For Kaimu' },
      issuerMode: 'ORG_URL',
      scopes: ['openid', 'email', 'profile', 'groups'],
      groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'STARTS_WITH', value: 'Kaimu' },
    };
    document.assignments = { users: [], groups: [{ name: 'Engineering' }] };
    return document;
  }

  it('creates the server, the missing scope, the claim, the app and the policy that admits it', async () => {
    const document = kaimuOnNewServer();
    const result = await applyAndKeep({
      client,
      orgUrl: sandbox.orgUrl,
      document,
      journal: memoryJournal(),
    });
    expect(
      result.steps.filter((step) => step.action !== 'unchanged').map((step) => step.key),
    ).toEqual([
      'auth-server',
      'scope:groups',
      'claim:groups',
      'app',
      'access-policy',
      'group-assignment:Engineering',
    ]);
    expect(hasChanges(planSetup(document, await readOrgSnapshot(client, document)))).toBe(false);
    // The issuer handed to the relying party is the one the new server's discovery names.
    const issuer = issuerUrl(sandbox.orgUrl, result.authServerId);
    const discovery = (await (
      await fetch(`${issuer}/.well-known/openid-configuration`)
    ).json()) as { issuer: string };
    expect(discovery.issuer).toBe(issuer);
  });

  it('creates one access policy even when the answer to its rule is lost', async () => {
    const document = kaimuOnNewServer();
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'POST',
      path: '/api/v1/authorizationServers/*/policies/*/rules',
      connection: 'lose-response',
      times: 1,
    });
    await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document, journal: memoryJournal() });
    const snapshot = await readOrgSnapshot(client, document);
    const policies = await collect(
      await client.authorizationServerApi.listAuthorizationServerPolicies({
        authServerId: snapshot.authServer?.id ?? '',
      }),
    );
    expect(policies.map((policy) => policy.name)).toEqual(['Kaimu access']);
    expect(hasChanges(planSetup(document, snapshot))).toBe(false);
  });
});
