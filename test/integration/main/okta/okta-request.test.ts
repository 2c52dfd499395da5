import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { oktaLogPageReader } from '../../../../main/activity/sign-in-activity.ts';
import { getAppGroupsClaim, setAppGroupsClaim } from '../../../../main/okta/app-groups-claim.ts';
import { createOktaClient, type OktaClient } from '../../../../main/okta/okta-client.ts';
import { requestOktaJson } from '../../../../main/okta/okta-request.ts';
import { readUserStatus } from '../../../../main/preview/diagnosis/org-facts.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import type { GroupsClaim } from '../../../../shared/setup/setup-document.ts';
import { type OidcAppUnderTest, setUpOidcApp } from '../../../support/oidc-setup.ts';
import { sdkClient } from '../../../support/sandbox-sdk.ts';
import { createServiceApp } from '../../../support/service-app.ts';

/**
 * The management requests the console makes outside the SDK's typed API, each as an API token
 * and as a service app whose tokens are DPoP-bound: such a token is refused unless the proof
 * names the method in capitals and the path as Okta decodes it (`@`, not `%40`), which the SDK's
 * own `getJson`/`postJson` and an escaped login did not.
 */

/** A plus-addressed login: `+` is sent as is, since Okta decodes the path a proof names. */
const PLUS_LOGIN = 'ada+dpop@example.com';
const SCOPES = ['okta.users.read', 'okta.apps.read', 'okta.apps.manage', 'okta.logs.read'];

let sandbox: RunningSandbox;
let app: OidcAppUnderTest;
const clients: [string, OktaClient][] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  const admin = sdkClient(sandbox.orgUrl, sandbox.apiToken);
  await admin.userApi.createUser({
    body: { profile: { firstName: 'Ada', lastName: 'Plus', email: PLUS_LOGIN, login: PLUS_LOGIN } },
    activate: false,
  });
  app = await setUpOidcApp(admin, {
    label: 'Kestra requests',
    applicationType: 'web',
    redirectUri: 'http://127.0.0.1:9/callback',
  });
  const service = await createServiceApp(admin, sandbox.orgUrl, {
    label: 'Console with DPoP',
    scopes: SCOPES,
    role: 'SUPER_ADMIN',
    dpop: true,
  });
  clients.push(
    ['an API token', createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken })],
    [
      'a DPoP-bound service app',
      createOktaClient({
        orgUrl: sandbox.orgUrl,
        token: JSON.stringify(service.privateJwk),
        serviceApp: { clientId: service.clientId, keyId: service.privateJwk.kid, scopes: SCOPES },
      }),
    ],
  );
});
afterAll(async () => {
  await sandbox.close();
});

describe.each([0, 1])(
  'raw management requests, as client %i (an API token, then a DPoP service app)',
  (which) => {
    const client = (): OktaClient => {
      const found = clients[which];
      if (found === undefined) {
        throw new Error('The clients are made in beforeAll.');
      }
      return found[1];
    };

    it('reads a user’s status by a login with @, and a plus-addressed one', async () => {
      await expect(readUserStatus(client(), 'suspended.user@example.com')).resolves.toBe(
        'SUSPENDED',
      );
      await expect(readUserStatus(client(), PLUS_LOGIN)).resolves.toBe('STAGED');
    });

    it('sets and reads an app’s groups claim (an internal endpoint, POST then GET)', async () => {
      const claim: GroupsClaim = {
        type: 'FILTER',
        name: 'groups',
        filterType: 'STARTS_WITH',
        value: 'Kestra',
      };
      if (which === 0) {
        await setAppGroupsClaim(client(), app.appId, claim, 'ORG_URL');
        await expect(getAppGroupsClaim(client(), app.appId)).resolves.toEqual(claim);
        return;
      }
      // Okta's internal API admits no OAuth scope: the proof is accepted (no 401), the call is not.
      const refused = { status: 403, errorCode: 'E0000006' };
      await expect(setAppGroupsClaim(client(), app.appId, claim, 'ORG_URL')).rejects.toMatchObject(
        refused,
      );
      await expect(getAppGroupsClaim(client(), app.appId)).rejects.toMatchObject(refused);
    });

    it('reads a page of the System Log with its Link header', async () => {
      const page = await oktaLogPageReader(client())(`${sandbox.orgUrl}/api/v1/logs?limit=1`);
      expect(page.events).toHaveLength(1);
      expect(page.next).toMatch(/\/api\/v1\/logs\?/);
    });

    it('a refusal throws the SDK’s own error, with Okta’s status and code', async () => {
      const missing = requestOktaJson(client(), 'GET', `${sandbox.orgUrl}/api/v1/users/nobody`);
      await expect(missing).rejects.toMatchObject({ status: 404, errorCode: 'E0000007' });
    });
  },
);
