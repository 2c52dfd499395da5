import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CapturedProcess } from '../../../support/processes.ts';
import {
  collect,
  type OktaSdkClient,
  startSandboxWithClient,
} from '../../../support/sandbox-sdk.ts';
import {
  createServiceApp,
  dpopProof,
  privateKeyClient,
  requestToken,
  type ServiceApp,
} from '../../../support/service-app.ts';

/**
 * An API services app against `npm run sandbox` through the real SDK in `PrivateKey` mode:
 * client credentials with `private_key_jwt` at the org authorization server, only the Okta API
 * scopes granted to the app, each management operation held to the scope management.yaml
 * declares for it and to the app's admin role, and DPoP when the app requires it.
 */
let sandbox: CapturedProcess;
let admin: OktaSdkClient;
let orgUrl: string;
let apiToken: string;

const READ_SCOPES = ['okta.users.read', 'okta.apps.read'] as const;

beforeAll(async () => {
  ({ sandbox, client: admin, orgUrl, apiToken } = await startSandboxWithClient());
});

afterAll(async () => {
  await sandbox.stop();
});

/** The error an SDK call rejects with (the SDK's `OktaApiError`). */
async function sdkError(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { status?: number; errorCode?: string; headers?: Headers } | undefined;
  expect(error, 'the call should have been refused').toBeDefined();
  return {
    status: error?.status,
    errorCode: error?.errorCode,
    challenge: error?.headers?.get('www-authenticate') ?? '',
  };
}

describe('a service app with granted scopes and the Read Only Admin role', () => {
  let app: ServiceApp;
  let client: OktaSdkClient;

  beforeAll(async () => {
    app = await createServiceApp(admin, orgUrl, {
      label: 'Reader service app',
      scopes: READ_SCOPES,
      role: 'READ_ONLY_ADMIN',
    });
    client = privateKeyClient(orgUrl, app, READ_SCOPES);
  });

  it('lists its grants, and the role as a client role', async () => {
    const grants = await collect(
      await admin.applicationApi.listScopeConsentGrants({ appId: app.appId }),
    );
    expect(
      grants.map((grant) => [grant.scopeId, grant.issuer, grant.status, grant.source]),
    ).toEqual([
      ['okta.users.read', orgUrl, 'ACTIVE', 'ADMIN'],
      ['okta.apps.read', orgUrl, 'ACTIVE', 'ADMIN'],
    ]);
    const roles = await collect(
      await admin.roleAssignmentApi.listRolesForClient({ clientId: app.clientId }),
    );
    expect(roles.map((role) => [role.type, role.assignmentType])).toEqual([
      ['READ_ONLY_ADMIN', 'CLIENT'],
    ]);
  });

  it('lists users and apps with a Bearer token from its client credentials', async () => {
    const users = await collect(await client.userApi.listUsers({}));
    expect(users.map((user) => user.profile?.login)).toContain('admin@sandbox.example');
    const apps = await collect(await client.applicationApi.listApplications({}));
    expect(apps.map((listed) => listed.label)).toContain('Reader service app');
  });

  it('is refused a call whose scope it lacks with Okta’s 403, naming the scope to grant', async () => {
    const refused = await sdkError(client.groupApi.listGroups({}).then(collect));
    expect(refused).toMatchObject({ status: 403, errorCode: 'E0000006' });
    expect(refused.challenge).toMatch(/^Bearer /);
    expect(refused.challenge).toContain('scope="okta.groups.read"');
    expect(refused.challenge).toContain('error="insufficient_scope"');
    expect(refused.challenge).toContain('resource="/api/v1/groups"');
  });

  it('is refused a change its role does not allow, though a manage scope would be granted', async () => {
    await admin.applicationApi.grantConsentToScope({
      appId: app.appId,
      oAuth2ScopeConsentGrant: { issuer: orgUrl, scopeId: 'okta.users.manage' },
    });
    const manager = privateKeyClient(orgUrl, app, ['okta.users.manage']);
    // `okta.users.manage` covers the read (Okta's docs: read "or" manage)…
    expect((await collect(await manager.userApi.listUsers({}))).length).toBeGreaterThan(0);
    // …but a Read Only Admin may not create a user: Okta's E0000006, without a scope challenge.
    const refused = await sdkError(
      manager.userApi.createUser({
        body: {
          profile: {
            firstName: 'Nope',
            lastName: 'Reader',
            login: 'nope.reader@example.com',
            email: 'nope.reader@example.com',
          },
        },
      }),
    );
    expect(refused).toMatchObject({ status: 403, errorCode: 'E0000006', challenge: '' });
  });

  it('gets no token for a scope the app was not granted (Okta’s invalid_scope)', async () => {
    const answer = await requestToken(orgUrl, app, 'okta.users.read okta.groups.manage');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      error: 'invalid_scope',
      error_description: 'The following scopes are not allowed: okta.groups.manage',
    });
  });

  it('gets no token for a scope once its grant is revoked', async () => {
    const grants = await collect(
      await admin.applicationApi.listScopeConsentGrants({ appId: app.appId }),
    );
    const appsRead = grants.find((grant) => grant.scopeId === 'okta.apps.read');
    await admin.applicationApi.revokeScopeConsentGrant({
      appId: app.appId,
      grantId: appsRead?.id ?? '',
    });
    const answer = await requestToken(orgUrl, app, 'okta.apps.read');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('answers 401 E0000011 to an unknown access token, as Bearer or DPoP', async () => {
    for (const scheme of ['Bearer', 'DPoP']) {
      const answer = await fetch(`${orgUrl}/api/v1/users`, {
        headers: { Authorization: `${scheme} not-a-token` },
      });
      expect(answer.status).toBe(401);
      expect(await answer.json()).toMatchObject({
        errorCode: 'E0000011',
        errorSummary: 'Invalid token provided',
      });
    }
  });

  it('answers a token request signed with another key with invalid_client', async () => {
    const impostor = await createServiceApp(admin, orgUrl, { scopes: [], role: null });
    const answer = await requestToken(
      orgUrl,
      { ...impostor, clientId: app.clientId },
      'okta.users.read',
    );
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('leaves SSWS tokens unbounded by scopes', async () => {
    const answer = await fetch(`${orgUrl}/api/v1/groups`, {
      headers: { Authorization: `SSWS ${apiToken}` },
    });
    expect(answer.status).toBe(200);
  });
});

describe('a service app without an admin role', () => {
  it('is refused every call with Okta’s E0000006, whatever its scopes', async () => {
    const app = await createServiceApp(admin, orgUrl, { scopes: READ_SCOPES, role: null });
    const client = privateKeyClient(orgUrl, app, READ_SCOPES);
    const refused = await sdkError(collect(await client.userApi.listUsers({})));
    expect(refused).toMatchObject({ status: 403, errorCode: 'E0000006' });
  });
});

describe('a service app that requires DPoP', () => {
  let app: ServiceApp;

  beforeAll(async () => {
    app = await createServiceApp(admin, orgUrl, {
      label: 'DPoP service app',
      scopes: ['okta.users.read', 'okta.logs.read'],
      role: 'ORG_ADMIN',
      dpop: true,
    });
  });

  it('first answers a token request with use_dpop_nonce and a DPoP-Nonce, as Okta does', async () => {
    const htu = `${orgUrl}/oauth2/v1/token`;
    const first = await requestToken(orgUrl, app, 'okta.users.read', {
      DPoP: await dpopProof(app, { htm: 'POST', htu }),
    });
    expect(first.status).toBe(400);
    expect(await first.json()).toMatchObject({ error: 'use_dpop_nonce' });
    const nonce = first.headers.get('dpop-nonce') ?? '';
    expect(nonce).toMatch(/^\S{16,}$/);
    const second = await requestToken(orgUrl, app, 'okta.users.read', {
      DPoP: await dpopProof(app, { htm: 'POST', htu, nonce }),
    });
    expect(second.status).toBe(200);
    const token = (await second.json()) as { token_type: string; access_token: string };
    expect(token).toMatchObject({ token_type: 'DPoP', scope: 'okta.users.read' });
    // At the management API: `DPoP <token>` with a fresh proof bound to it, once.
    const users = `${orgUrl}/api/v1/users`;
    const proof = await dpopProof(app, { htm: 'GET', htu: users, accessToken: token.access_token });
    const call = (dpop: string) =>
      fetch(users, { headers: { Authorization: `DPoP ${token.access_token}`, DPoP: dpop } });
    expect((await call(proof)).status).toBe(200);
    const replayed = await call(proof);
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toContain(
      `error="invalid_dpop_proof", error_description="'jti' claim in the DPoP proof JWT is invalid."`,
    );
    const otherToken = await call(
      await dpopProof(app, { htm: 'GET', htu: users, accessToken: 'another token' }),
    );
    expect(otherToken.status).toBe(401);
    expect(otherToken.headers.get('www-authenticate')).toContain("'ath' claim");
    const otherMethod = await call(
      await dpopProof(app, { htm: 'POST', htu: users, accessToken: token.access_token }),
    );
    expect(otherMethod.headers.get('www-authenticate')).toContain("'htm' claim");
    // Without any proof, the request is refused outright.
    const bare = await requestToken(orgUrl, app, 'okta.users.read');
    expect(bare.status).toBe(400);
    expect(await bare.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof JWT header is missing.',
    });
  });

  it('the SDK goes through the nonce round itself and calls with its DPoP token and proofs', async () => {
    const client = privateKeyClient(orgUrl, app, ['okta.users.read']);
    const users = await collect(await client.userApi.listUsers({}));
    expect(users.map((user) => user.profile?.login)).toContain('admin@sandbox.example');
    const token = (
      client as unknown as { oauth: { accessToken: { token_type: string; access_token: string } } }
    ).oauth.accessToken;
    expect(token.token_type).toBe('DPoP');
    // Without its proof, the token is refused: as Bearer, and as DPoP without a proof.
    for (const scheme of ['Bearer', 'DPoP']) {
      const answer = await fetch(`${orgUrl}/api/v1/users`, {
        headers: { Authorization: `${scheme} ${token.access_token}` },
      });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^DPoP algs="RS256 /);
    }
  });

  it('refuses a call whose scope the DPoP token lacks with a DPoP challenge naming the scope', async () => {
    const client = privateKeyClient(orgUrl, app, ['okta.users.read']);
    const refused = await sdkError(collect(await client.groupApi.listGroups({})));
    expect(refused).toMatchObject({ status: 403, errorCode: 'E0000006' });
    expect(refused.challenge).toMatch(/^DPoP algs="/);
    expect(refused.challenge).toContain('scope="okta.groups.read"');
  });

  it('logs its changes with the app as actor', async () => {
    await admin.applicationApi.grantConsentToScope({
      appId: app.appId,
      oAuth2ScopeConsentGrant: { issuer: orgUrl, scopeId: 'okta.groups.manage' },
    });
    const client = privateKeyClient(orgUrl, app, ['okta.groups.manage', 'okta.logs.read']);
    const group = await client.groupApi.createGroup({
      group: { profile: { name: 'Made by a service app' } },
    });
    // The System Log always links a next page (it is polled), so only the first page is read.
    const events: { actor?: { type?: string; id?: string } }[] = [];
    const pages = await client.systemLogApi.listLogEvents({
      filter: `eventType eq "group.lifecycle.create" and target.id eq "${group.id ?? ''}"`,
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    for await (const event of pages) {
      if (event === null) {
        break;
      }
      events.push(event);
      break;
    }
    expect(events.map((event) => [event.actor?.type, event.actor?.id])).toEqual([
      ['PublicClientApp', app.clientId],
    ]);
  });
});
