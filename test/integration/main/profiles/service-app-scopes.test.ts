import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createActiveOrg, createOrgSchedulers } from '../../../../main/okta/active-org.ts';
import { planPrivileges, TASK_IDS } from '../../../../main/okta/least-privilege.ts';
import { createOktaClient, type OktaClient } from '../../../../main/okta/okta-client.ts';
import type { PublicJwk } from '../../../../main/okta/service-app-key.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import { serviceAppKeyAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import { createProfileService } from '../../../../main/profiles/profile-service.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupService } from '../../../../main/setup/setup-service.ts';
import { connectMethodOf } from '../../../../shared/profiles/profile.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { registerServiceApp as registerWith } from '../../../support/service-app.ts';

/**
 * A service app granted less than the planner lists, connected through the console's own path:
 * the connection asks for what was granted and names what was not and what is never used; work
 * that writes is refused before its first call, naming the scope to grant; a read Okta refuses
 * (403, `insufficient_scope`) and a token request Okta refuses (`invalid_scope`, a grant revoked
 * since) are each diagnosed with the scope to grant.
 */

const secrets = new KeytarSecretStore();
let sandbox: RunningSandbox;
let folder: string;
let dataDir: string;
let admin: OktaClient;
const madeAccounts: string[] = [];

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-scopes-'));
  dataDir = path.join(folder, 'data');
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  admin = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
});

afterAll(async () => {
  for (const account of madeAccounts) {
    await secrets.delete(account);
  }
  await sandbox.close();
  rmSync(folder, { recursive: true, force: true });
});

function newService() {
  return createProfileService({
    repository: createFileProfileRepository(dataDir),
    secrets,
    createClient: (credentials) => createOktaClient({ ...credentials, requestTimeoutMs: 10_000 }),
    emitProgress: () => undefined,
    logger: createLogger({ write: () => undefined }),
  });
}

/** An API services app with the key, as an admin registers it in the Admin Console. */
function registerServiceApp(publicJwk: PublicJwk, scopes: readonly string[]) {
  return registerWith(admin, sandbox.orgUrl, {
    publicJwk,
    label: 'Service app granted less',
    scopes,
    roles: planPrivileges(TASK_IDS).roles,
  });
}

async function grantIds(appId: string): Promise<Map<string, string>> {
  const grants = new Map<string, string>();
  for await (const grant of await admin.applicationApi.listScopeConsentGrants({ appId })) {
    if (grant?.scopeId !== undefined && grant.id !== undefined) {
      grants.set(grant.scopeId, grant.id);
    }
  }
  return grants;
}

async function appsLabelled(label: string): Promise<number> {
  let count = 0;
  for await (const app of await admin.applicationApi.listApplications({ q: label })) {
    if (app?.label === label) {
      count += 1;
    }
  }
  return count;
}

describe('a service app granted less than the planner lists', () => {
  const withheld = ['okta.users.manage', 'okta.logs.read'];
  const extra = 'okta.policies.manage';
  let service: ReturnType<typeof newService>;
  let appId: string;
  let profileId: string;

  it('connects with what was granted, and names what was not and what is never used', async () => {
    service = newService();
    const key = await service.newServiceAppKey({ orgUrl: sandbox.orgUrl });
    madeAccounts.push(serviceAppKeyAccount(sandbox.orgUrl, key.keyId));
    const granted = [...key.scopes.filter((scope) => !withheld.includes(scope)), extra];
    const registered = await registerServiceApp(key.publicJwk, granted);
    appId = registered.appId;
    const profile = await service.addServiceApp({
      orgUrl: sandbox.orgUrl,
      clientId: registered.clientId,
      keyId: key.keyId,
      label: 'Granted less',
    });
    profileId = profile.id;
    const method = connectMethodOf(profile);
    expect(method).toMatchObject({
      type: 'service-app',
      scopes: key.scopes.filter((scope) => !withheld.includes(scope)),
      notGranted: withheld,
      unused: [extra],
    });
  });

  it('refuses a setup that needs a scope not granted before any write, naming it', async () => {
    const activeOrg = createActiveOrg({
      profiles: service,
      createClient: (credentials) => createOktaClient(credentials),
      schedulerFor: createOrgSchedulers(),
    });
    const setup = createSetupService({
      activeOrg,
      secrets,
      dataDir,
      emitProgress: () => undefined,
    });
    const document = createSetupDocument({
      id: 'scopes-kestra',
      preset: 'kestra',
      label: 'Kestra granted less',
    });
    document.assignments.testUser = {
      firstName: 'Ada',
      lastName: 'Scope',
      email: 'ada.scope@example.com',
    };
    const refused = await setup.plan(document).then(
      () => undefined,
      (error: unknown) => error as { code: string; message: string; hint: string },
    );
    expect(refused?.code).toBe('PERMISSION_DENIED');
    expect(refused?.message).toContain('okta.users.manage (Create the setup’s test user');
    expect(refused?.message).toContain('nothing was changed');
    expect(refused?.hint).toMatch(/^Grant okta\.users\.manage \(Admin Console → Applications/);
    expect(await appsLabelled('Kestra granted less')).toBe(0);

    // Granted in the Admin Console, and verified again: the same setup goes through.
    await admin.applicationApi.grantConsentToScope({
      appId,
      oAuth2ScopeConsentGrant: { issuer: sandbox.orgUrl, scopeId: 'okta.users.manage' },
    });
    const verified = await service.verify(profileId);
    expect(connectMethodOf(verified)).toMatchObject({ notGranted: ['okta.logs.read'] });
    const outcome = await setup.applyReviewed(document, 'op-scopes-kestra');
    expect(outcome.outcome).toBe('applied');
    expect(await appsLabelled('Kestra granted less')).toBe(1);
  });

  it('diagnoses a read Okta refuses with 403 insufficient_scope, naming the scope', async () => {
    const logs = startNodeScript('main/cli/sso-console.ts', [
      'logs',
      '--profile',
      'Granted less',
      '--user-data-dir',
      dataDir,
      '--app',
      'Kestra granted less',
    ]);
    expect(await logs.waitForExit()).not.toBe(0);
    const said = logs.stderr.join('');
    expect(said).toContain('lacks the scope okta.logs.read');
    expect(said).toContain('insufficient_scope');
    expect(said).toContain('Grant okta.logs.read');
  });

  it('diagnoses a grant revoked since connecting, from the token request Okta refuses', async () => {
    const revoked = (await grantIds(appId)).get('okta.apps.read');
    expect(revoked).toBeDefined();
    await admin.applicationApi.revokeScopeConsentGrant({ appId, grantId: revoked ?? '' });
    const listed = startNodeScript('main/cli/sso-console.ts', [
      'list',
      '--profile',
      'Granted less',
      '--user-data-dir',
      dataDir,
    ]);
    expect(await listed.waitForExit()).not.toBe(0);
    const said = listed.stderr.join('');
    expect(said).toContain('the scope okta.apps.read is not granted to it');
    expect(said).toContain('invalid_scope');
    expect(said).toContain('Grant okta.apps.read');
    expect(said).not.toContain('E0000011');
  });
});
