import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

import type { Page } from '@playwright/test';

import { clientSecretAccount } from '../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../main/platform/secrets/keytar-secret-store.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import { oidcHttp } from '../support/oidc-http.ts';
import { startNodeScript } from '../support/processes.ts';
import { collect, type OktaSdkClient, sdkClient } from '../support/sandbox-sdk.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { applyWithCli, connectWithToken } from './support/cli-apply.ts';
import { expect, test } from './support/console-fixture.ts';
import { signInInSystemBrowser } from './support/system-browser.ts';

/**
 * Day two in the console, continued: a Kestra app's client secret rotated from the window
 * without downtime (the old secret signs in until the admin confirms, the new files verify by
 * signing in in the browser, then the old secret is refused at /token, and the org never holds
 * no ACTIVE secret); and drift made behind the console's back, shown field by field, restored,
 * a deployed application.yml with a wrong client id caught with its fix, and the file as exported
 * signed in with from the drift view ("Sign in with this file"). Both views pass axe.
 */

const ADA = {
  login: 'ada.rotation@example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  password: 'Analytical-Engine-1843',
};

const keychain = new KeytarSecretStore();

/** A loopback port nobody listens on right now: the verification listens on the files' port. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** Ada assigned to a Kestra setup, applied by the command line into the console's data folder. */
async function appliedKestra(options: {
  client: OktaSdkClient;
  orgUrl: string;
  apiToken: string;
  dataDir: string;
  id: string;
  label: string;
}) {
  const { client, orgUrl, apiToken, dataDir } = options;
  await client.userApi.createUser({
    body: {
      profile: {
        firstName: ADA.firstName,
        lastName: ADA.lastName,
        email: ADA.login,
        login: ADA.login,
      },
      credentials: { password: { value: ADA.password } },
    },
    activate: true,
  });
  const baseUrl = `http://127.0.0.1:${String(await freeLoopbackPort())}`;
  const setup = createSetupDocument({
    id: options.id,
    preset: 'kestra',
    baseUrl,
    label: options.label,
  });
  setup.assignments.users = [{ login: ADA.login }];
  const { app, folder } = await applyWithCli({
    client,
    orgUrl,
    apiToken,
    dataDir,
    setup,
    folderPrefix: 'sso-console-e2e-rotation-',
  });
  return {
    appId: app?.id ?? '',
    clientId: app?.credentials.oauthClient.client_id ?? '',
    redirectUri: `${baseUrl}/oauth/callback/okta`,
    folder,
  };
}

/** Connects the console to the org and opens an app's card in "Managed apps". */
async function openCard(page: Page, orgUrl: string, apiToken: string, label: string) {
  await connectWithToken(page, orgUrl, apiToken);
  await page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('button', { name: 'Managed apps' })
    .click();
  return page.getByRole('article', { name: new RegExp(label) });
}

/** axe in both themes, and the view fits 1280 px. */
async function checkView(page: Page) {
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
}

test('rotate a Kestra app’s secret from the window: old works until confirmed, new verified, old refused', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  test.setTimeout(120_000);
  const { page, dataDir } = consoleApp;
  const { orgUrl, apiToken } = sandboxOrg;
  const client = sdkClient(orgUrl, apiToken);
  const { appId, clientId, redirectUri } = await appliedKestra({
    client,
    orgUrl,
    apiToken,
    dataDir,
    id: 'e2e-rotation',
    label: 'Kestra rotation',
  });
  const oldSecret = (await keychain.get(clientSecretAccount(orgUrl, clientId))) ?? '';
  expect(oldSecret).not.toBe('');

  /** The org's ACTIVE client secrets of the app, read through the management API. */
  const activeSecrets = async () =>
    (await collect(await client.applicationSSOPublicKeysApi.listOAuth2ClientSecrets({ appId })))
      .filter((secret) => String(secret.status) === 'ACTIVE')
      .map((secret) => secret.id);
  /** Ada signs in; the code is exchanged at /token with `secret`. */
  const exchangeWith = async (secret: string) => {
    const http = oidcHttp(orgUrl, redirectUri);
    const back = await http.signInAt(
      http.authorizeUrl(`${orgUrl}/oauth2`, {
        client_id: clientId,
        response_type: 'code',
        scope: 'openid email',
        redirect_uri: redirectUri,
        state: 'state-e2e',
        nonce: 'nonce-e2e',
      }),
      ADA,
    );
    return http.token(
      `${orgUrl}/oauth2`,
      {
        grant_type: 'authorization_code',
        code: back.searchParams.get('code') ?? '',
        redirect_uri: redirectUri,
      },
      { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    );
  };
  expect((await exchangeWith(oldSecret)).status).toBe(200);
  expect(await activeSecrets()).toHaveLength(1);

  const card = await openCard(page, orgUrl, apiToken, 'Kestra rotation');
  await card.getByRole('button', { name: 'Rotate secret' }).click();
  await expect(
    page.getByRole('heading', { name: 'Rotate the client secret of “Kestra rotation”', level: 1 }),
  ).toBeFocused();
  await expect(page.getByTestId('rotation-phase')).toHaveText('No rotation in progress');
  await checkView(page);

  // Start: a second secret, kept in the keychain; the old one still signs in.
  await page.getByRole('button', { name: 'Start rotation' }).click();
  await expect(page.getByTestId('rotation-phase')).toHaveText(
    'New secret made and kept in the keychain: deploy it, then verify',
  );
  const secrets = page.getByRole('table', { name: 'Client secrets' });
  await expect(secrets.getByRole('row')).toHaveCount(3);
  await expect(secrets).toContainText('Old (in use until you confirm)');
  await expect(secrets).toContainText('New (kept in the keychain)');
  expect(await activeSecrets()).toHaveLength(2);
  expect((await exchangeWith(oldSecret)).status).toBe(200);

  // The new files: the secret referenced, the variable named; browser mode downloads them.
  const files = page.getByRole('list', { name: 'New files' });
  await expect(files).toContainText('${OKTA_CLIENT_SECRET}');
  await expect(page.getByTestId('secret-reference')).toContainText(
    'set OKTA_CLIENT_SECRET to the new secret where the target runs',
  );
  if (testInfo.project.name !== 'electron') {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      files.getByRole('button', { name: 'Save application.yml' }).click(),
    ]);
    const saved = readFileSync(await download.path(), 'utf8');
    expect(saved).toContain(clientId);
    expect(saved).not.toContain(oldSecret);
  }
  await checkView(page);
  await page.screenshot({ path: testInfo.outputPath('rotation-files.png'), fullPage: true });

  // Verify: Ada signs in, in the browser, with exactly the new files and the new secret.
  await page.getByLabel('Who signs in (login)').fill(ADA.login);
  await page.getByRole('button', { name: 'Verify by signing in' }).click();
  const href =
    (await page.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')) ?? '';
  await signInInSystemBrowser(page, testInfo, href, ADA);
  await expect(
    page.getByText(/^Verified with the new secret .* · sha256 [0-9a-f]{12}/),
  ).toBeVisible();
  await expect(page.getByTestId('rotation-phase')).toHaveText(
    'The new files signed in: confirm the target runs on the new secret',
  );
  expect(await activeSecrets()).toHaveLength(2);
  expect((await exchangeWith(oldSecret)).status).toBe(200);

  // The confirmation retires the old secret; keyboard only.
  const retire = page.getByRole('button', { name: 'Retire the old secret' });
  await expect(retire).toBeDisabled();
  await page.getByRole('checkbox', { name: 'The target runs on the new secret' }).focus();
  await page.keyboard.press('Space');
  await retire.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('rotation-phase')).toHaveText(
    'Finished: the old secret is retired',
  );
  await checkView(page);
  const left = await activeSecrets();
  expect(left).toHaveLength(1);
  const refused = await exchangeWith(oldSecret);
  expect(refused.status).toBe(401);
  expect(refused.body.error).toBe('invalid_client');
  const newSecret = (await keychain.get(clientSecretAccount(orgUrl, clientId))) ?? '';
  expect(newSecret).not.toBe(oldSecret);
  expect((await exchangeWith(newSecret)).status).toBe(200);

  // No secret ever reached the window.
  const answers = consoleApp.contractResponses.join('\n');
  expect(answers).not.toContain(oldSecret);
  expect(answers).not.toContain(newSecret);
});

test('drift: an edit behind the console’s back shown field by field and restored; a wrong client id caught', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  test.setTimeout(120_000);
  const { page, dataDir } = consoleApp;
  const { orgUrl, apiToken } = sandboxOrg;
  const client = sdkClient(orgUrl, apiToken);
  const { appId, clientId, redirectUri, folder } = await appliedKestra({
    client,
    orgUrl,
    apiToken,
    dataDir,
    id: 'e2e-drift',
    label: 'Kestra drift',
  });

  // The deployed application.yml, as the export writes it, with a wrong client id.
  const wrongFile = path.join(folder, 'application.yml');
  const cli = startNodeScript(
    'main/cli/sso-console.ts',
    [
      'export',
      '--app',
      appId,
      '--target',
      'kestra',
      '--out',
      wrongFile,
      '--org-url',
      orgUrl,
      '--user-data-dir',
      dataDir,
    ],
    { ...process.env, SSO_CONSOLE_API_TOKEN: apiToken },
  );
  expect(await cli.waitForExit(), cli.stderr.join('\n')).toBe(0);
  const deployed = readFileSync(wrongFile, 'utf8');
  expect(deployed).toContain(clientId);
  writeFileSync(wrongFile, deployed.replace(clientId, '0oaWRONGCLIENT1234567'));

  // Someone adds a redirect URI in the Admin Console.
  const extra = 'https://elsewhere.example.com/oauth/callback/okta';
  const app = (await client.applicationApi.getApplication({ appId })) as unknown as {
    settings: { oauthClient: { redirect_uris: string[] } };
  };
  app.settings.oauthClient.redirect_uris.push(extra);
  await client.applicationApi.replaceApplication({ appId, application: app as never });

  const card = await openCard(page, orgUrl, apiToken, 'Kestra drift');
  await card.getByRole('button', { name: 'Check drift' }).click();
  await expect(
    page.getByRole('heading', { name: 'Drift of “Kestra drift”', level: 1 }),
  ).toBeFocused();
  const table = page.getByRole('table', { name: 'Field-level differences' });
  const row = table.getByRole('row', { name: /app\.redirectUris/ });
  await expect(row).toContainText(`["${redirectUri}"]`);
  await expect(row).toContainText(extra);
  await checkView(page);
  await page.screenshot({ path: testInfo.outputPath('drift.png'), fullPage: true });

  // Restore: what goes back is shown first; then no drift.
  await page.getByRole('button', { name: 'Restore…' }).click();
  await expect(page.getByRole('list', { name: 'Restore changes' })).toContainText(
    'app.redirectUris',
  );
  await page.getByRole('button', { name: 'Restore the document' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Restored' })).toHaveText(
    'Restored: the setup document was applied, and the app matches it.',
  );
  await expect(table).toHaveCount(0);
  const restored = (await client.applicationApi.getApplication({ appId })) as unknown as {
    settings: { oauthClient: { redirect_uris: string[] } };
  };
  expect(restored.settings.oauthClient.redirect_uris).toEqual([redirectUri]);

  // The deployed file with a wrong client id: the finding and its fix.
  const form = page.getByRole('form', { name: 'Check a deployed config file' });
  await form.getByLabel('Path of the config file').fill(wrongFile);
  await form.getByRole('button', { name: 'Check the file' }).click();
  const findings = page.getByRole('list', { name: 'Findings' });
  const wrong = findings.getByRole('listitem').filter({ hasText: 'client-id' });
  await expect(wrong).toContainText('Failed: client-id');
  await expect(wrong).toContainText(
    `Fix: Replace the client id 0oaWRONGCLIENT1234567 with ${clientId} in ${wrongFile} line`,
  );
  await checkView(page);
  await page.screenshot({ path: testInfo.outputPath('drift-target.png'), fullPage: true });

  // The deployed file as exported (under the admin's own name): Ada signs in with exactly it.
  const goodFile = path.join(folder, 'kestra-prod.yml');
  writeFileSync(goodFile, deployed);
  await form.getByLabel('Path of the config file').fill(goodFile);
  await form.getByLabel('Who signs in with the file (login)').fill(ADA.login);
  await form.getByRole('button', { name: 'Sign in with this file' }).click();
  const href =
    (await page.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')) ?? '';
  await signInInSystemBrowser(page, testInfo, href, ADA);
  await expect(
    page.getByText(/kestra-prod\.yml, read as Kestra, matches Okta and signed in .* · sha256/),
  ).toBeVisible();
  await expect(findings.locator('li[data-check="sign-in"]')).toContainText('Passed: sign-in');
  await expect(page.getByRole('list', { name: 'Sign-in checks' })).not.toContainText('Failed');
  await checkView(page);
  await page.screenshot({ path: testInfo.outputPath('drift-sign-in.png'), fullPage: true });
});
