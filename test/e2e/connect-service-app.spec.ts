import { planPrivileges, TASK_IDS } from '../../main/okta/least-privilege.ts';
import { createOktaClient } from '../../main/okta/okta-client.ts';
import { KeytarSecretStore } from '../../main/platform/secrets/keytar-secret-store.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';
import { findSecretOutsideKeychain } from './support/secret-scan.ts';

// The console's own keychain entries (the default service name), as the console writes them.
const keychain = new KeytarSecretStore();

test('connects with a service app: shows the public key, registers it, reaches the wizard, and keeps the private key only in the keychain', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  const { page } = consoleApp;
  const form = page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByRole('radio', { name: 'Service app (OAuth 2.0, private key)' }).check();
  await form.getByLabel('Org URL').fill(sandboxOrg.orgUrl);
  await form.getByRole('button', { name: 'Make a key pair' }).click();

  // The public key, as a JWK to paste into the app, with the scopes to grant.
  const jwkText = (await form.getByTestId('public-jwk').textContent()) ?? '';
  const publicJwk = JSON.parse(jwkText) as Record<string, string>;
  expect(publicJwk).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
  expect(publicJwk).not.toHaveProperty('d');
  const scopes = (await form.getByRole('list', { name: 'Scopes to grant' }).innerText())
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  expect(scopes).toContain('okta.apps.manage');
  await expect(form).toContainText('Create App Integration');
  await expectNoAxeViolations(page);

  // What the admin does in the Admin Console: an API services app with this key, the scopes
  // listed and the planner's role — here through the management API.
  const admin = createOktaClient({ orgUrl: sandboxOrg.orgUrl, token: sandboxOrg.apiToken });
  const created = (await admin.applicationApi.createApplication({
    application: {
      name: 'oidc_client',
      label: 'SSO Setup Console',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
      settings: {
        oauthClient: {
          application_type: 'service',
          grant_types: ['client_credentials'],
          response_types: ['token'],
          redirect_uris: [],
          jwks: { keys: [publicJwk] },
        },
      },
    } as never,
  })) as unknown as { id: string; credentials: { oauthClient: { client_id: string } } };
  const clientId = created.credentials.oauthClient.client_id;
  for (const scopeId of scopes) {
    await admin.applicationApi.grantConsentToScope({
      appId: created.id,
      oAuth2ScopeConsentGrant: { issuer: sandboxOrg.orgUrl, scopeId },
    });
  }
  for (const role of planPrivileges(TASK_IDS).roles) {
    await admin.roleAssignmentApi.assignRoleToClient({
      clientId,
      assignRoleRequest: { type: role } as never,
    });
  }

  await form.getByLabel('Client ID').fill(clientId);
  await form.getByLabel(/Label/).fill('Service app sandbox');
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  const item = page.getByRole('listitem', { name: /Service app sandbox/ });
  await expect(item).toContainText(`Service app ${clientId}`);
  await expect(item).toContainText('Active');
  await expect(page.getByRole('banner')).toContainText('Active org: Service app sandbox');

  // The wizard runs on it: its first step lists the org's apps through the service app.
  await page.getByRole('button', { name: 'Next: target app' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Target app' })).toBeFocused();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // The private key is in the keychain under its key id…
  const accounts = (await keychain.listAccounts()).filter((account) =>
    account.startsWith(`service-app-key:${sandboxOrg.orgUrl}:${publicJwk.kid ?? ''}`),
  );
  expect(accounts).toHaveLength(1);
  const privateKey = (await keychain.get(accounts[0] ?? '')) ?? '';
  const privateJwk = JSON.parse(privateKey) as Record<string, string>;
  expect(privateJwk.n).toBe(publicJwk.n);
  // …and nowhere else: not the page, an IPC answer, a log line or a file in the data folder.
  for (const secret of [privateKey, privateJwk.d, privateJwk.p, privateJwk.q]) {
    expect(await findSecretOutsideKeychain(secret ?? '', consoleApp, [testInfo.outputDir])).toEqual(
      [],
    );
  }
  expect(consoleApp.contractResponses.length).toBeGreaterThan(3);
  // No API token was stored for this org.
  expect(await keychain.get(sandboxOrg.orgUrl)).toBeNull();

  // Removing the profile deletes the key from the keychain.
  await page
    .getByRole('navigation', { name: 'Setup steps' })
    .getByRole('button', { name: /Connect/ })
    .click();
  const listed = page.getByRole('listitem', { name: /Service app sandbox/ });
  await listed.getByRole('button', { name: 'Remove…' }).click();
  await page.getByRole('button', { name: 'Remove Service app sandbox' }).click();
  await expect(listed).toBeHidden();
  expect(await keychain.get(accounts[0] ?? '')).toBeNull();
});

test('creates its own service app with the API token, switches to it, and forgets the token on request', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  const { page } = consoleApp;
  const form = page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByLabel('Org URL').fill(sandboxOrg.orgUrl);
  await form.getByLabel('API token').fill(sandboxOrg.apiToken);
  await form.getByLabel(/Label/).fill('Made for me');
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  const item = page.getByRole('listitem', { name: /Made for me/ });
  await expect(item).toContainText('ending …');
  expect(await keychain.get(sandboxOrg.orgUrl)).toBe(sandboxOrg.apiToken);

  await item.getByRole('button', { name: 'Create a service app for Made for me' }).click();
  await expect(item).toContainText(/Service app 0oa\w+ \(OAuth 2\.0, private key\)/);
  // Granted exactly the planner's scopes: nothing missing, nothing unused.
  await expect(item).not.toContainText('Not granted');
  await expect(item).not.toContainText('Granted, never used');
  const scopes = planPrivileges(TASK_IDS).scopes.map(({ scope }) => scope);
  await expect(item).toContainText(scopes.join(', '));
  await expectNoAxeViolations(page);

  // The token is still in the keychain until the admin says so.
  expect(await keychain.get(sandboxOrg.orgUrl)).toBe(sandboxOrg.apiToken);
  await item.getByRole('button', { name: 'Forget the API token of Made for me' }).click();
  await expect.poll(() => keychain.get(sandboxOrg.orgUrl)).toBeNull();

  // Still connected, as the service app: the wizard's first step reads the org.
  await page.getByRole('button', { name: 'Next: target app' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Target app' })).toBeFocused();
  await expect(page.getByRole('alert')).toHaveCount(0);
  const keys = (await keychain.listAccounts()).filter((account) =>
    account.startsWith(`service-app-key:${sandboxOrg.orgUrl}:`),
  );
  expect(keys.length).toBeGreaterThan(0);
  for (const account of keys) {
    const privateJwk = JSON.parse((await keychain.get(account)) ?? '{}') as Record<string, string>;
    expect(
      await findSecretOutsideKeychain(privateJwk.d ?? '', consoleApp, [testInfo.outputDir]),
    ).toEqual([]);
  }
  expect(
    await findSecretOutsideKeychain(sandboxOrg.apiToken, consoleApp, [testInfo.outputDir]),
  ).toEqual([]);
});
