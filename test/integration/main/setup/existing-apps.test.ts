import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createActiveOrg, createOrgSchedulers } from '../../../../main/okta/active-org.ts';
import { createOktaClient, type OktaClient } from '../../../../main/okta/okta-client.ts';
import { createLogger } from '../../../../main/platform/logging/logger.ts';
import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';
import { createProfileService } from '../../../../main/profiles/profile-service.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupService, type SetupService } from '../../../../main/setup/setup-service.ts';
import { CHANNELS } from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { kestraApp } from '../../../support/sandbox-sdk.ts';

/**
 * "Edit an existing app" and "who can sign in" against the demo sandbox org, through the setup
 * service the wizard calls: pick an app by label, read it into a document, list assignments.
 */

let sandbox: RunningSandbox;
let dataDir: string;
let setup: SetupService;
let client: OktaClient;
const secrets = new KeytarSecretStore();
/** Keychain accounts the applies here filled, emptied at the end. */
const keptAccounts: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'existing-apps-'));
  const profiles = createProfileService({
    repository: createFileProfileRepository(dataDir),
    secrets,
    createClient: (credentials) => createOktaClient(credentials),
    emitProgress: () => undefined,
    logger: createLogger({ write: () => undefined }),
  });
  await profiles.add({ orgUrl: sandbox.orgUrl, apiToken: sandbox.apiToken, label: 'Sandbox' });
  setup = createSetupService({
    activeOrg: createActiveOrg({
      profiles,
      createClient: (credentials) => createOktaClient(credentials),
      schedulerFor: createOrgSchedulers(),
    }),
    secrets,
    dataDir,
    emitProgress: () => undefined,
  });
  client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
});

afterAll(async () => {
  for (const account of keptAccounts) {
    await secrets.delete(account);
  }
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function apply(document: SetupDocument) {
  const outcome = await setup.applyReviewed(document, `op-${document.id}`);
  if (outcome.outcome !== 'applied') {
    throw new Error('The org changed while the test applied.');
  }
  const { applied } = outcome;
  keptAccounts.push(clientSecretAccount(sandbox.orgUrl, applied.clientId));
  if (applied.testUserLogin !== null) {
    keptAccounts.push(testUserPasswordAccount(sandbox.orgUrl, applied.testUserLogin));
  }
  return applied;
}

async function appIdByLabel(label: string): Promise<string> {
  for await (const app of await client.applicationApi.listApplications({ q: label })) {
    if (app?.label === label) {
      return app.id ?? '';
    }
  }
  throw new Error(`No app labelled ${label}`);
}

describe('listing OIDC apps to edit', () => {
  it('finds apps by label prefix and reports the setup id the console marked them with', async () => {
    const document = createSetupDocument({ id: 'listed-1', preset: 'kestra' });
    document.app.label = 'Kestra wizard';
    const applied = await apply(document);

    const listed = await setup.listApps('kestra');
    expect(CHANNELS['setup:list-apps'].response.safeParse(listed).success).toBe(true);
    expect(listed.more).toBe(false);
    expect(listed.apps.map((app) => [app.label, app.setupId])).toEqual([
      ['Kestra (staging)', null],
      ['Kestra wizard', 'listed-1'],
    ]);
    expect(listed.apps[1]).toEqual({
      id: applied.appId,
      label: 'Kestra wizard',
      signOnMode: 'OPENID_CONNECT',
      notEditable: null,
      clientId: applied.clientId,
      applicationType: 'web',
      status: 'ACTIVE',
      setupId: 'listed-1',
    });
  });

  it('lists apps that are not OIDC too, as not editable, saying why', async () => {
    // The demo org's "Team Wiki" is a bookmark app; a SAML app stands for a real org's others.
    await client.applicationApi.createApplication({
      application: {
        label: 'Team Grafana',
        signOnMode: 'SAML_2_0',
        settings: {
          signOn: { ssoAcsUrl: 'https://grafana.example.com/saml/acs', audience: 'grafana' },
        },
      } as never,
    });
    const team = await setup.listApps('Team');
    expect(CHANNELS['setup:list-apps'].response.safeParse(team).success).toBe(true);
    expect(
      team.apps.map((app) => [app.label, app.signOnMode, app.applicationType, app.clientId]),
    ).toEqual([
      ['Team Wiki', 'BOOKMARK', 'Bookmark', ''],
      ['Team Grafana', 'SAML_2_0', 'SAML 2.0', ''],
    ]);
    expect(team.apps[1]?.notEditable).toBe(
      'A SAML 2.0 app: the console sets up OIDC sign-in only, and Okta cannot turn an existing app into an OIDC one. Keep editing it in the Admin Console, or create a new OIDC app integration.',
    );
    expect(team.apps[0]?.notEditable).toMatch(/^A bookmark app only links to a URL/);
    const all = await setup.listApps('');
    expect(all.apps.find((app) => app.label === 'Kaimu')?.notEditable).toBeNull();
  });

  it('answers one page of 20 and says there are more, for a query and for none', async () => {
    for (let index = 0; index < 22; index += 1) {
      await client.applicationApi.createApplication({
        application: kestraApp(`Paged ${String(index).padStart(2, '0')}`),
      });
    }
    const paged = await setup.listApps('Paged');
    expect(paged.apps).toHaveLength(20);
    expect(paged.more).toBe(true);
    expect(paged.apps[0]?.label).toBe('Paged 00');
    const first = await setup.listApps('');
    expect(first.apps).toHaveLength(20);
    expect(first.more).toBe(true);
    expect(CHANNELS['setup:list-apps'].response.safeParse(first).success).toBe(true);
  });
});

describe('reading an existing app into a document', () => {
  it('round-trips: a read app equals the applied settings, and planning it changes nothing', async () => {
    const document = createSetupDocument({ id: 'read-1', preset: 'spa', label: 'Round trip SPA' });
    document.app.initiateLoginUri = 'http://localhost:5173/login';
    const applied = await apply(document);

    const read = await setup.readApp(applied.appId);
    expect(CHANNELS['setup:read-app'].response.safeParse(read).success).toBe(true);
    expect(read.app).toEqual({ ...document.app, existingAppId: applied.appId });
    // A browser app brings the trusted origin its sign-in needs.
    expect(read.trustedOrigins).toEqual(document.trustedOrigins);

    const edited: SetupDocument = {
      ...document,
      id: 'read-1-edit',
      app: read.app,
      trustedOrigins: read.trustedOrigins,
    };
    const { plan } = await setup.plan(edited);
    expect(plan.blockers).toEqual([]);
    expect(plan.steps.filter((step) => step.action !== 'unchanged')).toEqual([]);
  });

  it('reads an app the console did not create, keeping its initiate-login URI', async () => {
    const appId = await appIdByLabel('Kestra (staging)');
    const read = await setup.readApp(appId);
    expect(read).toEqual({
      app: {
        label: 'Kestra (staging)',
        existingAppId: appId,
        applicationType: 'web',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['https://kestra-staging.example.com/oauth/callback/okta'],
        postLogoutRedirectUris: ['https://kestra-staging.example.com/logout'],
        initiateLoginUri: 'https://kestra-staging.example.com',
        pkceRequired: false,
        tokenEndpointAuthMethod: 'client_secret_basic',
        consentMethod: 'TRUSTED',
        implicitAssignment: false,
      },
      trustedOrigins: [],
    });
  });

  it('reads the trusted origin of a browser app that Okta keeps with a trailing slash', async () => {
    const spa = kestraApp('Slash SPA') as unknown as {
      credentials: { oauthClient: Record<string, unknown> };
      settings: { oauthClient: Record<string, unknown> };
    };
    spa.credentials.oauthClient = { token_endpoint_auth_method: 'none', pkce_required: true };
    spa.settings.oauthClient.application_type = 'browser';
    spa.settings.oauthClient.redirect_uris = ['https://slash-spa.example/login/callback'];
    const created = await client.applicationApi.createApplication({
      application: spa as unknown as Parameters<
        OktaClient['applicationApi']['createApplication']
      >[0]['application'],
    });
    await client.trustedOriginApi.createTrustedOrigin({
      trustedOrigin: {
        name: 'Slash SPA',
        origin: 'https://slash-spa.example/',
        scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }],
      } as never,
    });
    const read = await setup.readApp(created.id ?? '');
    expect(CHANNELS['setup:read-app'].response.safeParse(read).success).toBe(true);
    // As Okta holds it: the document then finds it again by the same text.
    expect(read.trustedOrigins).toEqual([
      { name: 'Slash SPA', origin: 'https://slash-spa.example/', scopes: ['CORS', 'REDIRECT'] },
    ]);
  });

  it('leaves out grant types the console does not set up, and refuses a service app', async () => {
    const mixed = kestraApp('Mixed grants') as unknown as {
      settings: { oauthClient: { grant_types: string[] } };
    };
    mixed.settings.oauthClient.grant_types = ['authorization_code', 'client_credentials'];
    const created = await client.applicationApi.createApplication({
      application: mixed as unknown as Parameters<
        OktaClient['applicationApi']['createApplication']
      >[0]['application'],
    });
    expect((await setup.readApp(created.id ?? '')).app.grantTypes).toEqual(['authorization_code']);

    const service = {
      name: 'oidc_client',
      label: 'Machine to machine',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
      settings: {
        oauthClient: {
          application_type: 'service',
          grant_types: ['client_credentials'],
          response_types: ['token'],
        },
      },
    };
    const machine = await client.applicationApi.createApplication({
      application: service as unknown as Parameters<
        OktaClient['applicationApi']['createApplication']
      >[0]['application'],
    });
    await expect(setup.readApp(machine.id ?? '')).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(
        /applicationType "service".*grant types \["client_credentials"\]/,
      ) as unknown,
      hint: expect.stringContaining('Admin Console') as unknown,
    });
  });

  it('refuses an app that is not OIDC, and says so', async () => {
    const appId = await appIdByLabel('Team Wiki');
    await expect(setup.readApp(appId)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('Only OIDC app integrations can be edited here') as unknown,
    });
  });

  it('says an app that is gone was not found, and to pick another', async () => {
    await expect(setup.readApp('0oa000000000gone0000')).rejects.toMatchObject({
      code: 'OKTA_ERROR',
      message: expect.stringContaining('may have been deleted') as unknown,
      hint: expect.stringContaining('Pick another app integration') as unknown,
    });
  });
});

describe('who can sign in to the document’s app', () => {
  it('has no app before the apply, then lists direct and group assignments', async () => {
    const document = createSetupDocument({ id: 'assign-1', preset: 'kestra' });
    document.app.label = 'Assigned Kestra';
    document.assignments.groups = [{ name: 'Kestra Users' }];
    document.assignments.testUser = {
      firstName: 'Ada',
      lastName: 'Assigned',
      email: 'ada.assigned@example.com',
    };
    const before = await setup.assignments(document);
    expect(before).toEqual({ appId: null, users: [], groups: [], more: false });
    expect(CHANNELS['setup:assignments'].response.safeParse(before).success).toBe(true);

    const applied = await apply(document);
    const after = await setup.assignments(document);
    expect(CHANNELS['setup:assignments'].response.safeParse(after).success).toBe(true);
    expect(after.appId).toBe(applied.appId);
    expect(after.more).toBe(false);
    expect(after.groups).toEqual([{ id: expect.any(String) as unknown, name: 'Kestra Users' }]);
    expect(
      after.users
        .map((user) => [user.login, user.displayName, user.via])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['ada.assigned@example.com', 'Ada Assigned', 'direct'],
      ['bilal.haddad@example.com', 'Bilal Haddad', 'group'],
      ['chen.wei@example.com', 'Chen Wei', 'group'],
    ]);
  });

  it('finds an edited app by its id, and pages at 50', async () => {
    const appId = await appIdByLabel('Kaimu');
    const document = createSetupDocument({ id: 'assign-2', preset: 'kaimu' });
    document.app.existingAppId = appId;
    // Kaimu's demo assignments: Engineering (4 people) and Dana directly.
    const listed = await setup.assignments(document);
    expect(listed.groups.map((group) => group.name)).toEqual(['Engineering']);
    expect(listed.users.filter((user) => user.via === 'direct').map((user) => user.login)).toEqual([
      'dana.kowalski@example.com',
    ]);
    expect(listed.users).toHaveLength(5);
    expect(listed.more).toBe(false);

    for (let index = 0; index < 50; index += 1) {
      const login = `paged.user${String(index)}@example.com`;
      const user = await client.userApi.createUser({
        body: { profile: { firstName: 'Paged', lastName: String(index), email: login, login } },
      });
      await client.applicationApi.assignUserToApplication({
        appId,
        appUser: { id: user.id ?? '' },
      });
    }
    const paged = await setup.assignments(document);
    expect(paged.users).toHaveLength(50);
    expect(paged.more).toBe(true);
    expect(CHANNELS['setup:assignments'].response.safeParse(paged).success).toBe(true);
  });
});
