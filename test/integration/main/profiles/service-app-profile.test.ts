import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createActiveOrg, createOrgSchedulers } from '../../../../main/okta/active-org.ts';
import { planPrivileges, TASK_IDS } from '../../../../main/okta/least-privilege.ts';
import { createOktaClient, type OktaClient } from '../../../../main/okta/okta-client.ts';
import type { PublicJwk } from '../../../../main/okta/service-app-key.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import {
  serviceAppKeyAccount,
  testUserPasswordAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createPreviewService } from '../../../../main/preview/preview-service.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import {
  consoleServiceAppScopes,
  createProfileService,
} from '../../../../main/profiles/profile-service.ts';
import {
  CONSOLE_SERVICE_APP_LABEL,
  provisionServiceApp,
} from '../../../../main/profiles/service-app-provisioning.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import { applyAndKeep } from '../../../support/apply-setup.ts';
import { freePort } from '../../../support/free-port.ts';
import { oidcHttp } from '../../../support/oidc-http.ts';
import { startNodeScript } from '../../../support/processes.ts';
import {
  type PrivateJwk,
  registerServiceApp as registerWith,
  requestToken,
} from '../../../support/service-app.ts';

/**
 * A profile that connects with an API services app: the console makes the key pair, the admin
 * registers its public half (here through the management API, as the Admin Console would), and
 * then the real SDK in `PrivateKey` mode runs a whole Kestra setup, the preview and the export
 * against the sandbox, with only the planner's scopes granted.
 */

/** The keychain the command line reads too (`with-keyring.ts` gives the run a private one). */
const secrets = new KeytarSecretStore();
const logLines: string[] = [];
let sandbox: RunningSandbox;
let folder: string;
let dataDir: string;
let admin: OktaClient;
const madeAccounts: string[] = [];

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-service-app-'));
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
    logger: createLogger({ write: (line) => logLines.push(line), minLevel: 'debug' }),
  });
}

/** What an admin does in the Admin Console: an API services app with the key, scopes and roles. */
function registerServiceApp(
  publicJwk: PublicJwk,
  scopes: readonly string[],
  roles: readonly string[],
  options: { dpop?: boolean } = {},
): Promise<{ appId: string; clientId: string }> {
  return registerWith(admin, sandbox.orgUrl, {
    publicJwk,
    label: 'Service app an admin made',
    scopes,
    roles,
    ...options,
  });
}

/** Every file under `dir`, as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'));
}

describe('connecting with a service app and running the Kestra setup on it', () => {
  it('keeps the private key in the keychain only and runs setup, preview and export', async () => {
    const service = newService();
    const key = await service.newServiceAppKey({ orgUrl: sandbox.orgUrl });
    const account = serviceAppKeyAccount(sandbox.orgUrl, key.keyId);
    madeAccounts.push(account);
    expect(key.publicJwk).toMatchObject({ kty: 'RSA', kid: key.keyId, use: 'sig', alg: 'RS256' });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.scopes).toEqual(consoleServiceAppScopes());
    const privateKey = await secrets.get(account);
    expect(JSON.parse(privateKey ?? '{}')).toMatchObject({ kid: key.keyId, n: key.publicJwk.n });

    const plan = planPrivileges(TASK_IDS);
    const { clientId } = await registerServiceApp(key.publicJwk, key.scopes, plan.roles);
    const profile = await service.addServiceApp({
      orgUrl: sandbox.orgUrl,
      clientId,
      keyId: key.keyId,
      label: 'Sandbox by service app',
    });
    expect(profile).toMatchObject({
      kind: 'okta',
      label: 'Sandbox by service app',
      orgName: 'SSO Console Sandbox',
      owner: { id: clientId, login: clientId },
      adminRoles: null,
      tokenHint: null,
      method: { type: 'service-app', clientId, keyId: key.keyId, scopes: key.scopes },
    });
    // No API token was ever stored for this org.
    expect(await secrets.get(sandbox.orgUrl)).toBeNull();

    // The console's active org is the service app: its client is the SDK in PrivateKey mode.
    const activeOrg = createActiveOrg({
      profiles: service,
      createClient: (credentials) => createOktaClient(credentials),
      schedulerFor: createOrgSchedulers(),
    });
    const org = await activeOrg();
    expect(org.serviceApp).toEqual({ clientId, keyId: key.keyId, scopes: key.scopes });
    expect((org.client as unknown as { authorizationMode: string }).authorizationMode).toBe(
      'PrivateKey',
    );

    // The whole Kestra setup, with a user, a group and a test user assigned.
    const document = createSetupDocument({
      id: 'service-app-kestra',
      preset: 'kestra',
      baseUrl: `http://localhost:${String(await freePort())}`,
      label: 'Kestra by service app',
    });
    const [user] = [...sandbox.org.users.values()].filter((u) => u.status === 'ACTIVE');
    const [group] = [...sandbox.org.groups.values()].filter((g) => g.type === 'OKTA_GROUP');
    document.assignments.users = [{ login: user?.profile.login ?? '' }];
    document.assignments.groups = [{ name: group?.profile.name ?? '' }];
    document.assignments.testUser = {
      firstName: 'Ada',
      lastName: 'Service',
      email: 'ada.service@example.com',
    };
    const applied = await applyAndKeep({
      client: org.client,
      orgUrl: org.orgUrl,
      document,
      keychain: secrets,
    });
    madeAccounts.push(...(await secrets.listAccounts()).filter((a) => !madeAccounts.includes(a)));
    const app = await admin.applicationApi.getApplication({ appId: applied.appId });
    expect(app.label).toBe('Kestra by service app');

    // The wizard's preview, with a throwaway user the preview makes and removes.
    const previews = createPreviewService({
      activeOrg,
      secrets,
      dataDir: path.join(folder, 'preview'),
      emitProgress: () => undefined,
    });
    const started = await previews.start({
      document,
      user: { kind: 'throwaway' },
      operationId: 'preview-service-app',
      allowAppChange: true,
    });
    const login = started.user.login ?? '';
    const password = (await secrets.get(testUserPasswordAccount(sandbox.orgUrl, login))) ?? '';
    const back = await oidcHttp(sandbox.orgUrl, document.app.redirectUris[0] ?? '').signInAt(
      started.authorizeUrl ?? '',
      { login, password },
    );
    if (started.strategy.kind === 'paste-url') {
      previews.pasteCallback(started.previewId, back.toString());
    } else {
      await fetch(back);
    }
    const report = await previews.wait(started.previewId);
    expect(report.ok, JSON.stringify(report.diagnosis)).toBe(true);
    madeAccounts.push(...(await secrets.listAccounts()).filter((a) => !madeAccounts.includes(a)));

    // The export from the command line, with the saved service-app profile (key from the keychain).
    const out = path.join(folder, 'export', 'out');
    const exported = startNodeScript('main/cli/sso-console.ts', [
      'export',
      '--profile',
      'Sandbox by service app',
      '--user-data-dir',
      dataDir,
      '--app',
      applied.appId,
      '--target',
      'kestra',
      '--out',
      out,
    ]);
    expect(await exported.waitForExit(), exported.stderr.join('\n')).toBe(0);
    expect(filesUnder(path.join(folder, 'export')).length).toBeGreaterThan(0);

    // The private key is nowhere but in the keychain: not in the data folder, the export or a log.
    const jwk = JSON.parse(privateKey ?? '{}') as { d: string; p: string };
    for (const text of [
      ...filesUnder(folder),
      logLines.join('\n'),
      exported.stderr.join('\n'),
      exported.stdout.join('\n'),
    ]) {
      expect(text).not.toContain(jwk.d);
      expect(text).not.toContain(jwk.p);
    }
  });

  it('lets CI use the service app from SSO_CONSOLE_CLIENT_ID and a PEM key file', async () => {
    const service = newService();
    const key = await service.newServiceAppKey({ orgUrl: sandbox.orgUrl });
    madeAccounts.push(serviceAppKeyAccount(sandbox.orgUrl, key.keyId));
    const listPlan = planPrivileges(['connect', 'managed-apps']);
    const readScopes = listPlan.scopes.map(({ scope }) => scope);
    const { clientId } = await registerServiceApp(key.publicJwk, readScopes, listPlan.roles);
    const { createPrivateKey } = await import('node:crypto');
    const jwk = JSON.parse(
      (await secrets.get(serviceAppKeyAccount(sandbox.orgUrl, key.keyId))) ?? '{}',
    ) as { d: string };
    const pem = createPrivateKey({ key: jwk, format: 'jwk' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const keyFile = path.join(folder, 'ci-key.pem');
    writeFileSync(keyFile, pem, { mode: 0o600 });
    const listed = startNodeScript(
      'main/cli/sso-console.ts',
      ['list', '--json', '--org-url', sandbox.orgUrl],
      {
        ...process.env,
        SSO_CONSOLE_API_TOKEN: '',
        SSO_CONSOLE_CLIENT_ID: clientId,
        SSO_CONSOLE_PRIVATE_KEY_FILE: keyFile,
        // A PEM has no `kid`: the one the key is registered under.
        SSO_CONSOLE_KEY_ID: key.keyId,
        SSO_CONSOLE_SCOPES: readScopes.join(' '),
      },
    );
    expect(await listed.waitForExit(), listed.stderr.join('\n')).toBe(0);
    expect(listed.stdout.join('')).toContain('Kestra by service app');
    rmSync(keyFile);
  });

  it('refuses to connect an app whose key is not registered, and saves nothing', async () => {
    const service = newService();
    const registered = await service.newServiceAppKey({ orgUrl: sandbox.orgUrl });
    const other = await service.newServiceAppKey({ orgUrl: sandbox.orgUrl });
    madeAccounts.push(
      serviceAppKeyAccount(sandbox.orgUrl, registered.keyId),
      serviceAppKeyAccount(sandbox.orgUrl, other.keyId),
    );
    const { clientId } = await registerServiceApp(registered.publicJwk, registered.scopes, [
      'SUPER_ADMIN',
    ]);
    const before = await service.list();
    const refused = await service
      .addServiceApp({ orgUrl: sandbox.orgUrl, clientId, keyId: other.keyId })
      .then(
        () => undefined,
        (error: unknown) => error as { name: string; code: string; message: string },
      );
    // Okta's own answer, not the SDK's `Bearer undefined` and its E0000011 about an API token.
    expect(refused).toMatchObject({ name: 'AppError', code: 'TOKEN_INVALID' });
    expect(refused?.message).toContain(`the service app ${clientId}`);
    expect(refused?.message).toContain('invalid_client');
    expect(refused?.message).not.toContain('API token');
    expect(await service.list()).toEqual(before);
  });

  it('meets a service app that requires DPoP: every token and call carries a proof', async () => {
    const service = newService();
    const key = await service.newServiceAppKey({ orgUrl: sandbox.orgUrl });
    madeAccounts.push(serviceAppKeyAccount(sandbox.orgUrl, key.keyId));
    const plan = planPrivileges(TASK_IDS);
    const { clientId } = await registerServiceApp(key.publicJwk, key.scopes, plan.roles, {
      dpop: true,
    });
    const profile = await service.addServiceApp({
      orgUrl: sandbox.orgUrl,
      clientId,
      keyId: key.keyId,
      label: 'DPoP service app',
    });
    expect(profile.method).toMatchObject({ type: 'service-app', clientId, notGranted: [] });

    // The app requires DPoP: a token request without a proof is refused, as Okta refuses it.
    const privateKey = (await secrets.get(serviceAppKeyAccount(sandbox.orgUrl, key.keyId))) ?? '';
    const privateJwk = JSON.parse(privateKey) as PrivateJwk;
    const bare = await requestToken(
      sandbox.orgUrl,
      { appId: '', clientId, privateJwk },
      'okta.apps.read',
    );
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: string }).error).toBe('invalid_dpop_proof');

    // The console's own path: the active org lists apps and the CLI lists the managed ones.
    const activeOrg = createActiveOrg({
      profiles: service,
      createClient: (credentials) => createOktaClient(credentials),
      schedulerFor: createOrgSchedulers(),
    });
    const org = await activeOrg();
    const labels: string[] = [];
    for await (const app of await org.client.applicationApi.listApplications({ limit: 5 })) {
      labels.push(app?.label ?? '');
    }
    expect(labels.length).toBeGreaterThan(0);
    const listed = startNodeScript('main/cli/sso-console.ts', [
      'list',
      '--profile',
      'DPoP service app',
      '--user-data-dir',
      dataDir,
    ]);
    expect(await listed.waitForExit(), listed.stderr.join('\n')).toBe(0);
  });

  it('creates its own service app with the API token, once, and switches the profile to it', async () => {
    const service = newService();
    const tokenProfile = await service.add({
      orgUrl: sandbox.orgUrl,
      apiToken: sandbox.apiToken,
      label: 'Made for me',
    });
    madeAccounts.push(sandbox.orgUrl);
    const plan = planPrivileges(TASK_IDS);
    const scopes = plan.scopes.map(({ scope }) => scope);
    // An interrupted first run: the app made, then the console stopped before switching.
    const first = await provisionServiceApp({
      client: admin,
      orgUrl: sandbox.orgUrl,
      token: sandbox.apiToken,
      secrets,
      scopes: scopes.slice(0, 2),
      roles: [],
    });
    madeAccounts.push(serviceAppKeyAccount(sandbox.orgUrl, first.keyId));
    expect(first.created).toBe(true);

    const switched = await service.createServiceApp({ profileId: tokenProfile.id });
    expect(switched).toMatchObject({
      id: tokenProfile.id,
      method: { type: 'service-app', clientId: first.clientId, keyId: first.keyId, scopes },
    });
    const apps = [];
    for await (const app of await admin.applicationApi.listApplications({
      q: CONSOLE_SERVICE_APP_LABEL,
    })) {
      if (app?.label === CONSOLE_SERVICE_APP_LABEL) {
        apps.push(app);
      }
    }
    expect(apps).toHaveLength(1);
    const grants = [];
    for await (const grant of await admin.applicationApi.listScopeConsentGrants({
      appId: first.appId,
    })) {
      grants.push(grant?.scopeId);
    }
    expect([...grants].sort()).toEqual([...scopes].sort());
    const roles = [];
    for await (const role of await admin.roleAssignmentApi.listRolesForClient({
      clientId: first.clientId,
    })) {
      roles.push(role?.type);
    }
    expect(roles.sort()).toEqual([...plan.roles].sort());

    // Connected as the app; the token is forgotten on request.
    const org = await service.getCredentials(switched.id);
    expect(org.serviceApp?.clientId).toBe(first.clientId);
    await service.forgetToken(switched.id);
    expect(await secrets.get(sandbox.orgUrl)).toBeNull();
    await service.verify(switched.id);
  });
});
