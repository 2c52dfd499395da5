import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import type { OktaClient } from '../../../../main/okta/okta-client.ts';
import { createJsonLinesJournal } from '../../../../main/platform/journal.ts';
import { clientSecretAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import {
  createThrowawayUser,
  THROWAWAY_LOGIN_PREFIX,
  type ThrowawayJournalEntry,
} from '../../../../main/preview/throwaway-user.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createFileJournal } from '../../../../main/setup/apply-journal.ts';
import { destroySetup, planTeardownFromOrg } from '../../../../main/teardown/teardown.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep, testKeychain } from '../../../support/apply-setup.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { clearSandboxFaults, injectSandboxFault } from '../../../support/sandbox-control.ts';
import { collect, kestraApp, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * Issue 17 item 4, "Teardown": against the sandbox with the real SDK, a destroy leaves the org
 * holding no object the setup made, and every object it did not make untouched.
 */

let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-teardown-'));
});
afterEach(async () => {
  await clearSandboxFaults(sandbox.orgUrl, sandbox.apiToken);
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function client(): OktaClient {
  return orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }).client;
}

function kestra(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kestra', label: `Kestra ${id}` });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${id}@example.com` },
  };
  document.trustedOrigins = [
    { name: `Kestra ${id}`, origin: `https://${id}.kestra.example.com`, scopes: ['CORS'] },
  ];
  return document;
}

function kaimu(id: string): SetupDocument {
  const document = createSetupDocument({ id, preset: 'kaimu', label: `Kaimu ${id}` });
  document.issuer = {
    kind: 'custom',
    server: { kind: 'new', name: `Kaimu ${id}`, audience: `api://${id}`, description: 'Kaimu' },
    issuerMode: 'ORG_URL',
    scopes: ['openid', 'email', 'profile', 'kaimu.read'],
    groupsClaim: { type: 'FILTER', name: 'groups', filterType: 'REGEX', value: '.*' },
  };
  return document;
}

function deps(document: SetupDocument) {
  const throwaways = createJsonLinesJournal<ThrowawayJournalEntry>(
    path.join(dataDir, 'journals', 'preview-users.jsonl'),
  );
  return {
    client: client(),
    document,
    orgUrl: sandbox.orgUrl,
    journal: createFileJournal(path.join(dataDir, 'journals', `${document.id}.jsonl`)),
    throwaways: { read: () => throwaways.read(), prefix: THROWAWAY_LOGIN_PREFIX },
    throwawayJournal: throwaways,
  };
}

async function apply(document: SetupDocument, keychain: KeytarSecretStore) {
  const { journal } = deps(document);
  return applyAndKeep({ client: client(), orgUrl: sandbox.orgUrl, document, journal, keychain });
}

/** Every object of the org a setup could touch, with its state: compared before and after. */
async function listing() {
  const sdk = sdkClient(sandbox.orgUrl, sandbox.apiToken);
  const apps = await collect(await sdk.applicationApi.listApplications({}));
  const users = await collect(await sdk.userApi.listUsers({}));
  const groups = await collect(await sdk.groupApi.listGroups({}));
  const origins = await collect(await sdk.trustedOriginApi.listTrustedOrigins({}));
  const servers = await collect(await sdk.authorizationServerApi.listAuthorizationServers({}));
  const serverItems = await Promise.all(
    servers.map(async (server) => {
      const authServerId = server.id ?? '';
      const api = sdk.authorizationServerApi;
      return {
        id: authServerId,
        name: server.name,
        status: server.status,
        scopes: (await collect(await api.listOAuth2Scopes({ authServerId }))).map((s) => s.id),
        claims: (await collect(await api.listOAuth2Claims({ authServerId }))).map((c) => c.id),
        policies: (await collect(await api.listAuthorizationServerPolicies({ authServerId }))).map(
          (p) => p.id,
        ),
      };
    }),
  );
  return {
    apps: apps.map((app) => [app.id, app.label, app.status]).sort(),
    users: users.map((user) => [user.id, user.profile?.login, user.status]).sort(),
    groups: groups.map((group) => [group.id, group.profile?.name]).sort(),
    origins: origins.map((origin) => [origin.id, origin.origin]).sort(),
    servers: serverItems.sort((a, b) => a.id.localeCompare(b.id)),
  };
}

describe('destroy against the sandbox', () => {
  it('removes exactly what two setups made, and leaves every other object untouched', async () => {
    const sdk = sdkClient(sandbox.orgUrl, sandbox.apiToken);
    // Unrelated objects: another app, a user, a trusted origin, a scope on the default server.
    await sdk.applicationApi.createApplication({ application: kestraApp('Not ours') });
    await sdk.userApi.createUser({
      body: {
        profile: {
          firstName: 'Bob',
          lastName: 'Other',
          email: 'bob.other@example.com',
          login: 'bob.other@example.com',
        },
      },
    });
    await sdk.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'Not ours',
        origin: 'https://not-ours.example.com',
        scopes: [{ type: 'CORS' }],
      },
    });
    await sdk.authorizationServerApi.createOAuth2Scope({
      authServerId: 'default',
      oAuth2Scope: { name: 'not.ours', consent: 'IMPLICIT', metadataPublish: 'NO_CLIENTS' },
    });
    const before = await listing();

    const keychain = testKeychain();
    const kestraDocument = kestra('td-kestra');
    const kaimuDocument = kaimu('td-kaimu');
    const appliedKestra = await apply(kestraDocument, keychain);
    await apply(kaimuDocument, keychain);
    // A preview of the Kestra app left a throwaway user behind.
    const throwaway = await createThrowawayUser(
      { client: client(), journal: deps(kestraDocument).throwawayJournal },
      { appId: appliedKestra.appId },
    );
    expect((await listing()).apps.length).toBe(before.apps.length + 2);

    const plan = await planTeardownFromOrg(deps(kestraDocument));
    expect(plan.removals.map((removal) => removal.key)).toEqual([
      'destroy:app',
      'destroy:test-user:ada.td-kestra@example.com',
      `destroy:throwaway-user:${throwaway.login}`,
      'destroy:trusted-origin:https://td-kestra.kestra.example.com',
    ]);
    expect(plan.leftAlone.map((left) => left.title)).toEqual([
      'User "alice.martin@example.com"',
      'Group "Kestra Admins"',
    ]);
    const forgotten: string[] = [];
    const forgetSecret = async (account: string) => {
      forgotten.push(account);
      return keychain.delete(account);
    };
    await destroySetup({ ...deps(kestraDocument), forgetSecret });
    expect(
      await keychain.get(clientSecretAccount(sandbox.orgUrl, appliedKestra.clientId)),
    ).toBeNull();
    expect(forgotten).toHaveLength(2);

    const kaimuPlan = await planTeardownFromOrg(deps(kaimuDocument));
    expect(kaimuPlan.removals.map((removal) => removal.key)).toEqual([
      'destroy:app',
      'destroy:auth-server',
    ]);
    await destroySetup({ ...deps(kaimuDocument), forgetSecret });

    expect(await listing()).toEqual(before);
    // Nothing is left: a second run has nothing to do.
    expect((await planTeardownFromOrg(deps(kestraDocument))).removals).toEqual([]);
    expect((await planTeardownFromOrg(deps(kaimuDocument))).removals).toEqual([]);
  });

  it('settles a lost answer to the app delete by reading, without sending it twice', async () => {
    const document = kestra('td-lost');
    const before = await listing();
    await apply(document, testKeychain());
    await injectSandboxFault(sandbox.orgUrl, sandbox.apiToken, {
      method: 'DELETE',
      path: '/api/v1/apps/*',
      connection: 'lose-response',
    });
    const progress: string[] = [];
    const result = await destroySetup({
      ...deps(document),
      forgetSecret: () => Promise.resolve(true),
      onProgress: (event) => progress.push(`${event.state} ${event.key}`),
    });
    expect(result.removed.map((removal) => removal.key)).toContain('destroy:app');
    const journal = (await deps(document).journal.read()).filter((line) =>
      line.stepKey.startsWith('destroy:app'),
    );
    expect(journal.map((line) => line.phase)).toEqual(['started', 'found']);
    expect(progress.filter((line) => line.endsWith('destroy:app'))).toEqual([
      'removing destroy:app',
      'removed destroy:app',
    ]);
    expect(await listing()).toEqual(before);
  });

  it('resumes a teardown killed in flight: the removal in doubt is settled by reading', async () => {
    const document = kestra('td-killed');
    const before = await listing();
    await apply(document, testKeychain());
    const { journal } = deps(document);
    // A teardown that was killed after asking Okta to delete the test user, before its answer.
    const plan = await planTeardownFromOrg(deps(document));
    const user = plan.removals.find((removal) => removal.kind === 'test-user');
    if (user === undefined) {
      throw new Error('No test user planned.');
    }
    await journal.append({
      setupId: document.id,
      orgUrl: sandbox.orgUrl,
      stepKey: user.key,
      phase: 'started',
      objectId: user.objectId,
      at: new Date().toISOString(),
    });
    await client().userApi.deactivateUser({ userId: user.objectId });
    await client().userApi.deleteUser({ userId: user.objectId });

    const result = await destroySetup({
      ...deps(document),
      forgetSecret: () => Promise.resolve(true),
    });
    expect(result.removed.map((removal) => removal.key)).not.toContain(user.key);
    const lines = (await journal.read()).filter((line) => line.stepKey === user.key);
    expect(lines.map((line) => line.phase)).toEqual(['started', 'found']);
    expect(await listing()).toEqual(before);
  });
});

describe('sso-console destroy', () => {
  function cli(args: string[]) {
    return startNodeScript('main/cli/sso-console.ts', args, {
      ...process.env,
      SSO_CONSOLE_API_TOKEN: sandbox.apiToken,
    });
  }

  it('exits 2 without --yes, 0 with it, and 0 once nothing is left', async () => {
    const document = kestra('td-cli');
    const file = path.join(dataDir, 'td-cli.json');
    writeFileSync(file, JSON.stringify(document));
    const org = ['--org-url', sandbox.orgUrl, '--user-data-dir', dataDir];
    const applied = cli(['apply', file, '--yes', ...org]);
    expect(await applied.waitForExit()).toBe(0);

    const asked = cli(['destroy', file, ...org]);
    expect(await asked.waitForExit()).toBe(2);
    expect(asked.stdout.join('\n')).toMatch(/^- App integration "Kestra td-cli" \(0oa/m);
    expect(asked.stdout.join('\n')).toMatch(/^= Group "Kestra Admins": left alone/m);

    const destroyed = cli(['destroy', file, '--yes', ...org]);
    expect(await destroyed.waitForExit()).toBe(0);
    expect(destroyed.stderr.join('\n')).toMatch(/^✓ App integration "Kestra td-cli"/m);
    expect(destroyed.stdout.join('\n')).toMatch(/Destroyed: 3 removed, 2 keychain entries/);
    expect(await new KeytarSecretStore().listAccounts()).not.toContain(
      expect.stringContaining(`test-user:${sandbox.orgUrl}:ada.td-cli@example.com`),
    );

    const again = cli(['destroy', file, ...org]);
    expect(await again.waitForExit()).toBe(0);
    expect(again.stdout.join('\n')).toContain('Nothing to remove');
  });
});
