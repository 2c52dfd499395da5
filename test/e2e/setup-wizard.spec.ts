import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

import { type Locator, type Page } from '@playwright/test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { parse as parseYaml } from 'yaml';

import {
  clientSecretAccount,
  testUserPasswordAccount,
} from '../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../main/platform/secrets/keytar-secret-store.ts';
import { foldersNotPrivate } from '../support/private-folders.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { type ConsoleUnderTest, expect, test } from './support/console-fixture.ts';
import { startWebAppSignIn } from './support/openid-client-rp.ts';
import { startRelyingPartyServer } from './support/relying-party-server.ts';
import { findSecretOutsideKeychain } from './support/secret-scan.ts';
import { signInInSystemBrowser, systemBrowserPage } from './support/system-browser.ts';

/**
 * The whole wizard, as an admin goes through it: the local sandbox org (the console's default),
 * a target preset, the app integration, a test user and a group, the issuer, the plan, apply,
 * the result — and then the test user signing in to the new app through the sandbox's sign-in
 * page, with the client id, issuer, client secret and password the wizard handed over.
 */

const keychain = new KeytarSecretStore();

let relyingParty: Awaited<ReturnType<typeof startRelyingPartyServer>>;
test.beforeEach(async () => {
  relyingParty = await startRelyingPartyServer();
});
test.afterEach(async () => {
  await relyingParty.close();
});

/** The step fits the 1280×800 window's width: nothing to scroll sideways. */
async function expectFitsWidth(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
}

async function connectLocalSandbox(page: Page) {
  await page.getByRole('button', { name: 'Use the local sandbox org' }).click();
  await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');
  await page.getByRole('button', { name: 'Next: target app' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Target app' })).toBeFocused();
}

async function fillTestUser(page: Page, email: string) {
  await page.getByRole('checkbox', { name: 'Create a test user to try the sign-in' }).check();
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByLabel('Email (also the login)').fill(email);
}

/** Reviews, applies, and returns what the result panel shows. */
async function applyAndReadResult(
  page: Page,
  appLabel: string,
  applyWith: (button: Locator) => Promise<void>,
) {
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: \d+ to create, 0 to update/);
  const changes = page.getByRole('list', { name: 'Changes' });
  await expect(
    changes.getByRole('listitem', { name: `App integration "${appLabel}": create` }),
  ).toBeVisible();
  await expectNoAxeViolations(page);
  await applyWith(page.getByRole('button', { name: 'Apply', exact: true }));
  const result = page.getByRole('region', { name: 'Setup applied' });
  await expect(result).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Setup applied' })).toBeFocused();
  await expect(page.getByRole('list', { name: 'Apply progress' })).toContainText(
    `App integration "${appLabel}" — done`,
  );
  // Main planned again after applying: the org now matches the document.
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 0 to create, 0 to update/);
  await expect(result).toContainText('The local sandbox org has no Admin Console');
  await expectNoAxeViolations(page);
  return {
    result,
    clientId: (await page.getByTestId('result-client-id').textContent()) ?? '',
    issuer: (await page.getByTestId('result-issuer').textContent()) ?? '',
    orgUrl: new URL((await page.getByTestId('result-issuer').textContent()) ?? '').origin,
  };
}

/** Shows a kept secret on request and reads it off the page. */
async function reveal(result: Locator, label: 'Client secret' | 'Test user password') {
  await result.getByRole('button', { name: `Show ${label.toLowerCase()}` }).click();
  const value = (await result.getByLabel(label, { exact: true }).textContent()) ?? '';
  expect(value.length).toBeGreaterThan(8);
  return value;
}

/** Signs the test user in to the app at its callback, as the target app's back end would. */
async function signInAsTestUser(
  page: Page,
  app: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    redirectUri: string;
    scope?: string;
  },
  user: { login: string; password: string },
) {
  const { configuration, authorizationUrl, finish } = await startWebAppSignIn(app);
  await page.goto(authorizationUrl.toString());
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username').fill(user.login);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Back at the app' })).toBeVisible();
  expect(page.url().startsWith(app.redirectUri)).toBe(true);
  const tokens = await finish(new URL(page.url()));
  const jwks = createRemoteJWKSet(new URL(configuration.serverMetadata().jwks_uri ?? ''));
  const { payload } = await jwtVerify(tokens.id_token ?? '', jwks, {
    issuer: app.issuer,
    audience: app.clientId,
    algorithms: ['RS256'],
  });
  return payload;
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(folder, name))
    .filter((file) => statSync(file).isFile());
}

/** Secrets the admin did not ask to see are nowhere outside the keychain, main and Okta. */
async function expectSecretsOnlyInKeychain(consoleApp: ConsoleUnderTest, secrets: string[]) {
  for (const secret of secrets) {
    expect(await findSecretOutsideKeychain(secret, consoleApp, [])).toEqual([]);
  }
  // Issue 14 item 7: every folder the run made under the data folder (logs, journals, exports).
  expect(await foldersNotPrivate(consoleApp.dataDir)).toEqual([]);
}

test('Kestra: the whole wizard, then the test user signs in to the new app', async ({
  consoleApp,
}, testInfo) => {
  const { page } = consoleApp;
  const label = `Kestra e2e ${String(testInfo.workerIndex)}`;
  const email = `ada.kestra.${String(Date.now())}@example.com`;
  await connectLocalSandbox(page);

  // Target: the Kestra preset, served where the relying party listens.
  await page.getByRole('radio', { name: 'Kestra' }).check();
  await page.getByLabel(/base URL/).fill(relyingParty.origin);
  await page.getByLabel('App integration name').fill(label);
  const callback = `${relyingParty.origin}/oauth/callback/okta`;
  await expect(page.getByText(`Callback: ${callback}`)).toBeVisible();
  await page.getByRole('button', { name: 'Customize' }).click();

  // App integration: the preset's values, and live URI lint with a one-click fix.
  const signIn = page.getByLabel('Sign-in redirect URIs (one per line)');
  await expect(signIn).toHaveValue(callback);
  await signIn.fill(`${callback}/`);
  const findings = page.getByRole('list', { name: 'Checks on the sign-in redirect URIs' });
  await expect(findings).toContainText('only by a trailing slash');
  await page.screenshot({ path: testInfo.outputPath('wizard-app-step.png') });
  await page.getByRole('button', { name: 'Next: users and groups' }).click();
  // Next refuses while an error stands, and says so in place.
  await expect(signIn).toBeFocused();
  await expect(signIn).toHaveAttribute('aria-invalid', 'true');
  await findings.getByRole('button', { name: `Use ${callback}` }).click();
  await expect(signIn).toHaveValue(callback);
  await expect(findings).toBeHidden();
  await expect(page.getByLabel('Client authentication')).toHaveValue('client_secret_basic');
  await expectNoAxeViolations(page);
  await expectFitsWidth(page);
  await page.getByRole('button', { name: 'Next: users and groups' }).click();

  // Users and groups: a test user, and a group found by searching as you type.
  await expect(page.getByRole('region', { name: 'Already assigned' })).toContainText(
    'The app does not exist in the org yet',
  );
  await fillTestUser(page, 'not-an-email');
  await page.getByRole('button', { name: 'Next: issuer' }).click();
  await expect(page.getByLabel('Email (also the login)')).toBeFocused();
  await expect(page.getByText('Enter an email address, e.g. ada@example.com.')).toBeVisible();
  await page.getByLabel('Email (also the login)').fill(email);
  await page.getByLabel('Search groups').fill('Kestra');
  await expect(page.getByRole('status').filter({ hasText: /group/ })).toHaveText('2 groups found.');
  await page.getByRole('button', { name: 'Assign Kestra Admins' }).click();
  await expect(page.getByRole('list', { name: 'Groups to assign' })).toContainText('Kestra Admins');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Next: issuer' }).click();

  // Issuer: Kestra's guide uses the org authorization server with the Okta URL as issuer.
  await expect(page.getByRole('radio', { name: 'Org authorization server' })).toBeChecked();
  await expect(page.getByRole('radio', { name: 'Okta URL (ORG_URL)' })).toBeChecked();
  // The org server's groups claim is a setting of the app (its Sign On tab): every group.
  await page.getByRole('checkbox', { name: 'Add a groups claim' }).check();
  await expect(page.getByLabel('Groups claim type')).toHaveValue('FILTER');
  await expect(page.getByLabel('Filter value')).toHaveValue('.*');
  await expectNoAxeViolations(page);
  await expectFitsWidth(page);
  await page.getByRole('button', { name: 'Next: review' }).click();
  await expect(
    page.getByRole('list', { name: 'Changes' }).getByRole('listitem', {
      name: `Groups claim "groups" in the ID tokens of "${label}": create`,
    }),
  ).toBeVisible();

  const { result, clientId, issuer, orgUrl } = await applyAndReadResult(page, label, (button) =>
    button.click(),
  );
  expect(issuer).toBe(orgUrl);

  // Secrets went to the keychain only; the renderer sees them when the admin asks, not before.
  const keptSecret = (await keychain.get(clientSecretAccount(orgUrl, clientId))) ?? '';
  const keptPassword = (await keychain.get(testUserPasswordAccount(orgUrl, email))) ?? '';
  expect(keptSecret).not.toBe('');
  expect(keptPassword).not.toBe('');
  await expectSecretsOnlyInKeychain(consoleApp, [keptSecret, keptPassword]);
  const clientSecret = await reveal(result, 'Client secret');
  const password = await reveal(result, 'Test user password');
  await expectFitsWidth(page);
  // Dark theme too, with the secrets shown: axe checks contrast in both.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await result.scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('wizard-result.png') });
  expect(clientSecret).toBe(keptSecret);
  expect(password).toBe(keptPassword);
  await result.getByRole('button', { name: 'Hide' }).first().click();
  // Never in a log line or a file of the console's, even after being shown.
  expect(consoleApp.outputLines().join('\n')).not.toContain(clientSecret);
  for (const file of filesUnder(consoleApp.dataDir)) {
    expect(readFileSync(file, 'utf8'), file).not.toContain(clientSecret);
    expect(readFileSync(file, 'utf8'), file).not.toContain(password);
  }

  const claims = await signInAsTestUser(
    page,
    { issuer, clientId, clientSecret, redirectUri: callback, scope: 'openid profile email groups' },
    { login: email, password },
  );
  expect(claims).toMatchObject({
    email,
    preferred_username: email,
    name: 'Ada Lovelace',
    // The test user is assigned directly, so Okta's built-in group is all they are in.
    groups: ['Everyone'],
  });
});

test('Kaimu: the whole wizard with the keyboard, on the default custom server, then the test user signs in', async ({
  consoleApp,
}) => {
  const { page } = consoleApp;
  const email = `ada.kaimu.${String(Date.now())}@example.com`;
  const press = async (locator: Locator, key: string) => {
    await locator.focus();
    await page.keyboard.press(key);
  };
  const type = async (locator: Locator, text: string) => {
    await locator.focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text);
  };

  await press(page.getByRole('button', { name: 'Use the local sandbox org' }), 'Enter');
  await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');
  await press(page.getByRole('button', { name: 'Next: target app' }), 'Enter');

  await press(page.getByRole('radio', { name: 'Kaimu' }), 'Space');
  await expect(page.getByRole('radio', { name: 'Kaimu' })).toBeChecked();
  await type(page.getByLabel(/base URL/), relyingParty.origin);
  await type(page.getByLabel('Client key'), 'corp-okta');
  const callback = `${relyingParty.origin}/auth/oidc/corp-okta/callback`;
  await press(page.getByRole('button', { name: 'Customize' }), 'Enter');
  await expect(page.getByLabel('Sign-in redirect URIs (one per line)')).toHaveValue(callback);
  // Kaimu has no sign-out.
  await expect(page.getByLabel('Sign-out redirect URIs (one per line)')).toHaveValue('');
  await press(page.getByRole('button', { name: 'Next: users and groups' }), 'Enter');

  await press(
    page.getByRole('checkbox', { name: 'Create a test user to try the sign-in' }),
    'Space',
  );
  await type(page.getByLabel('First name'), 'Ada');
  await type(page.getByLabel('Last name'), 'Lovelace');
  await type(page.getByLabel('Email (also the login)'), email);
  await type(page.getByLabel('Search users'), 'alice');
  await press(page.getByRole('button', { name: 'Assign alice.martin@example.com' }), 'Enter');
  await expect(page.getByRole('list', { name: 'Users to assign' })).toContainText(
    'alice.martin@example.com',
  );
  await press(page.getByRole('button', { name: 'Next: issuer' }), 'Enter');

  await expect(page.getByRole('radio', { name: 'Custom authorization server' })).toBeChecked();
  await expect(page.getByTestId('issuer-preview')).toHaveText(/\/oauth2\/default$/);
  await expect(page.getByRole('note')).toContainText('API Access Management');
  await press(page.getByRole('button', { name: 'Next: review' }), 'Enter');

  const { result, clientId, issuer, orgUrl } = await applyAndReadResult(page, 'Kaimu', (button) =>
    press(button, 'Enter'),
  );
  expect(issuer).toBe(`${orgUrl}/oauth2/default`);
  await press(result.getByRole('button', { name: 'Show client secret' }), 'Enter');
  const clientSecret =
    (await result.getByLabel('Client secret', { exact: true }).textContent()) ?? '';
  await press(result.getByRole('button', { name: 'Show test user password' }), 'Enter');
  const password =
    (await result.getByLabel('Test user password', { exact: true }).textContent()) ?? '';

  // Back on Users and groups, the app now exists: who is assigned, and how.
  await press(page.getByRole('button', { name: 'Users and groups' }), 'Enter');
  const assignedUsers = page.getByRole('list', { name: 'Assigned users' });
  await expect(assignedUsers).toContainText(`(${email}) — assigned directly`);
  await expect(assignedUsers).toContainText('(alice.martin@example.com) — assigned directly');

  // A new setup can pick the app just made, and reads its settings back.
  await press(page.getByRole('button', { name: 'New setup' }), 'Enter');
  await press(page.getByRole('button', { name: 'Customize' }), 'Enter');
  await press(page.getByRole('radio', { name: 'Edit an existing app integration' }), 'Space');
  await type(page.getByLabel('Search app integrations'), 'Kaimu');
  const pick = page.getByRole('button', { name: 'Edit Kaimu' }).first();
  await expect(page.getByRole('list', { name: 'App integrations' })).toContainText(
    'made by this console',
  );
  await press(
    page
      .getByRole('listitem')
      .filter({ hasText: `client ${clientId}` })
      .getByRole('button', { name: 'Edit Kaimu' }),
    'Enter',
  );
  await expect(pick).toBeHidden();
  await expect(page.getByText(`Editing Kaimu (${clientId})`)).toBeVisible();
  await expect(page.getByLabel('Sign-in redirect URIs (one per line)')).toHaveValue(callback);

  const claims = await signInAsTestUser(
    page,
    { issuer, clientId, clientSecret, redirectUri: callback },
    { login: email, password },
  );
  expect(claims).toMatchObject({ email, email_verified: true });
});

test('the login preview from the wizard: sign in in a second page, then the timeline and claims, and the temporary redirect URI gone', async ({
  consoleApp,
}, testInfo) => {
  const { page } = consoleApp;
  const email = `ada.preview.${String(Date.now())}@example.com`;
  await connectLocalSandbox(page);
  await page.getByRole('radio', { name: 'Kestra' }).check();
  // The relying party listens on the app's own callback port, so the preview cannot: it adds
  // a temporary loopback redirect URI instead, and must remove it afterwards.
  await page.getByLabel(/base URL/).fill(relyingParty.origin);
  await page.getByLabel('App integration name').fill('Kestra preview');
  await page.getByRole('button', { name: 'Customize' }).click();
  await page.getByRole('button', { name: 'Next: users and groups' }).click();
  await fillTestUser(page, email);
  await page.getByRole('button', { name: 'Next: issuer' }).click();
  await page.getByRole('button', { name: 'Next: review' }).click();
  await applyAndReadResult(page, 'Kestra preview', (button) => button.click());
  await page.getByRole('button', { name: 'Next: preview the login' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Preview the login' })).toBeFocused();

  await expect(page.getByRole('radio', { name: 'The setup’s test user' })).toBeChecked();
  await page.getByRole('button', { name: 'Start the preview' }).click();
  const signIn = page.getByRole('region', { name: 'Sign in' });
  await expect(signIn).toContainText('adds a temporary loopback redirect URI');
  await expect(signIn).toContainText(`Sign in as ${email}.`);
  await signIn.getByRole('button', { name: 'Show password for the preview' }).click();
  const password =
    (await signIn.getByLabel('Password for the preview', { exact: true }).textContent()) ?? '';
  const authorizeUrl =
    (await signIn.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')) ?? '';
  await expectNoAxeViolations(page);

  // A second page stands in for the system browser.
  const browser = await systemBrowserPage(page, testInfo);
  await browser.goto(authorizeUrl);
  await expect(browser.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await browser.getByLabel('Username').fill(email);
  await browser.getByLabel('Password').fill(password);
  await browser.getByRole('button', { name: 'Sign in' }).click();
  await expect(browser.getByText(/close this tab/i)).toBeVisible();
  expect(new URL(browser.url()).pathname).toBe('/sso-console/preview/callback');
  await browser.close();

  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  const timeline = page.getByRole('table', { name: 'Timeline' });
  for (const step of ['discovery', 'authorize', 'callback', 'token', 'keys', 'userinfo']) {
    await expect(
      timeline.getByRole('rowheader', { name: step, exact: true }).first(),
    ).toBeVisible();
  }
  // Codes and states never reach the page.
  await expect(timeline).toContainText('[redacted]');
  const claims = page.getByRole('table', { name: 'ID token claims' });
  await expect(claims.getByRole('row', { name: /^email / })).toContainText(email);
  await expect(claims.getByRole('row', { name: /^iss / })).toContainText('Issuer:');
  await expect(
    page.getByText("The org authorization server's access tokens are for Okta's own APIs"),
  ).toBeVisible();
  await expect(page.getByRole('list', { name: 'Cleaned up' })).toContainText(
    'Removed the temporary redirect URI http://127.0.0.1:',
  );
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('preview-report.png'), fullPage: true });

  // The app is as the setup left it: planning again finds nothing to change.
  await page.getByRole('button', { name: 'Review and apply' }).click();
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 0 to create, 0 to update/);
});

test('the existing-app picker shows a real org’s SAML, SWA and bookmark apps as not editable, saying why', async ({
  consoleApp,
}) => {
  const { page } = consoleApp;
  await connectLocalSandbox(page);
  await page.getByRole('radio', { name: 'Kestra' }).check();
  await page.getByRole('button', { name: 'Customize' }).click();
  await page.getByRole('radio', { name: 'Edit an existing app integration' }).check();
  const apps = page.getByRole('list', { name: 'App integrations' });
  const row = (label: string) =>
    apps.getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) });
  await expect(row('Grafana')).toContainText('SAML 2.0 · ACTIVE');
  await expect(row('Grafana')).toContainText(
    'A SAML 2.0 app: the console sets up OIDC sign-in only, and Okta cannot turn an existing app into an OIDC one.',
  );
  await expect(row('Payroll')).toContainText('A SWA app: the console sets up OIDC sign-in only');
  await expect(row('Team Wiki')).toContainText('A bookmark app only links to a URL');
  for (const label of ['Grafana', 'Payroll', 'Team Wiki']) {
    await expect(row(label).getByRole('button')).toHaveCount(0);
  }
  await expect(row('Kaimu').getByRole('button', { name: 'Edit Kaimu' })).toBeEnabled();
  await expectNoAxeViolations(page);
});

test('a failed preview is diagnosed in place, its one-click fix goes through review and apply, and the next preview signs in through a pasted address', async ({
  consoleApp,
}, testInfo) => {
  test.setTimeout(120_000);
  const { page } = consoleApp;
  // Dana is in the demo org (Finance) but not assigned to the app; her password is the seed's.
  const dana = { login: 'dana.kowalski@example.com', password: 'Sandbox-Demo-1' };
  await connectLocalSandbox(page);
  await page.getByRole('radio', { name: 'Kestra' }).check();
  await page.getByLabel(/base URL/).fill(relyingParty.origin);
  await page.getByLabel('App integration name').fill('Kestra fix');
  await page.getByRole('button', { name: 'Customize' }).click();
  await page.getByRole('button', { name: 'Next: users and groups' }).click();
  await page.getByRole('button', { name: 'Next: issuer' }).click();
  await page.getByRole('button', { name: 'Next: review' }).click();
  await applyAndReadResult(page, 'Kestra fix', (button) => button.click());
  await page.getByRole('button', { name: 'Next: preview the login' }).click();

  /**
   * Dana signs in in the system browser. With `paste`, the admin does not let the console change
   * the app (no temporary redirect URI): the browser ends on the app's own callback, and the
   * admin copies that address and pastes it into the console.
   */
  const signInAs = async (options: { paste: boolean }) => {
    await page.getByRole('radio', { name: /Someone who already exists/ }).check();
    await page.getByLabel('Login', { exact: true }).fill(dana.login);
    await page
      .getByRole('checkbox', { name: /add a temporary redirect URI/ })
      .setChecked(!options.paste);
    await page.getByRole('button', { name: 'Start the preview' }).click();
    const signIn = page.getByRole('region', { name: 'Sign in' });
    await expect(signIn).toContainText(
      options.paste ? 'paste the address it ends on' : 'adds a temporary loopback redirect URI',
    );
    const href =
      (await signIn.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')) ??
      '';
    if (options.paste) {
      const browser = await systemBrowserPage(page, testInfo);
      // The browser still has Dana's Okta session, so Okta sends it straight back. Follow the
      // redirects with the browser's cookies, but stop short of the app's callback — the
      // address the browser would have ended on is what the admin pastes.
      let address = href;
      while (!address.startsWith(`${relyingParty.origin}/oauth/callback/okta?`)) {
        const response = await browser.request.get(address, { maxRedirects: 0 });
        address = new URL(response.headers().location ?? '', address).toString();
      }
      await signIn.getByLabel('Or paste the address the browser ended on').fill(address);
      await signIn.getByRole('button', { name: 'Use this address' }).click();
      await browser.close();
      return;
    }
    await signInInSystemBrowser(page, testInfo, href, dana);
  };

  // The demo org's suspended user: Okta would refuse the sign-in, so the preview says so before
  // it, with the fix, rather than wait at a sign-in page that only says "Unable to sign in".
  await page.getByRole('radio', { name: /Someone who already exists/ }).check();
  await page.getByLabel('Login', { exact: true }).fill('suspended.user@example.com');
  await page.getByRole('button', { name: 'Start the preview' }).click();
  await expect(page.getByRole('heading', { name: 'The sign-in failed' })).toBeVisible();
  const suspended = page.getByRole('list', { name: 'Diagnosis' }).getByRole('listitem').first();
  await expect(suspended).toHaveAttribute('data-diagnosis-code', 'USER_NOT_ACTIVE');
  await expect(suspended).toContainText('suspended.user@example.com is suspended');
  await expect(suspended).toContainText(
    'Fix: Unsuspend suspended.user@example.com: Directory → People → suspended.user@example.com → More Actions → Unsuspend',
  );
  await expectNoAxeViolations(page);

  await signInAs({ paste: false });
  await expect(page.getByRole('heading', { name: 'The sign-in failed' })).toBeVisible();
  const diagnosis = page.getByRole('list', { name: 'Diagnosis' }).getByRole('listitem').first();
  await expect(diagnosis).toHaveAttribute('data-diagnosis-code', 'USER_NOT_ASSIGNED');
  await expect(diagnosis).toContainText(
    'Okta said: User is not assigned to the client application.',
  );
  await expect(diagnosis).toContainText(`${dana.login} (`);
  await expectNoAxeViolations(page);

  // The fix is a change of the setup, seen as a plan before it is made.
  await diagnosis.getByRole('button', { name: 'Fix it: review the change' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Review and apply' })).toBeVisible();
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 1 to create, 0 to update/);
  await expect(page.getByRole('list', { name: 'Changes' })).toContainText(dana.login);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 0 to create, 0 to update/);
  await page.getByRole('button', { name: 'Next: preview the login' }).click();

  await signInAs({ paste: true });
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'ID token claims' }).getByRole('row', { name: /^email / }),
  ).toContainText(dana.login);
  // Nothing was added to the app for this preview, so nothing had to be removed.
  await expect(page.getByText(/temporary redirect URI http/)).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('export: the Kestra application.yml written after apply, downloaded and parsed, then verified by signing in with what it says', async ({
  consoleApp,
}, testInfo) => {
  test.setTimeout(120_000);
  const { page } = consoleApp;
  const email = `ada.export.${String(Date.now())}@example.com`;
  // A loopback base URL nobody listens on: the verification receives the sign-in on the file's
  // own redirect URI, as it would before Kestra runs.
  const port = await freeLoopbackPort();
  await connectLocalSandbox(page);
  await page.getByRole('radio', { name: 'Kestra' }).check();
  await page.getByLabel(/base URL/).fill(`http://localhost:${String(port)}`);
  await page.getByLabel('App integration name').fill('Kestra export');
  await page.getByRole('button', { name: 'Customize' }).click();
  await page.getByRole('button', { name: 'Next: users and groups' }).click();
  await fillTestUser(page, email);
  await page.getByRole('button', { name: 'Next: issuer' }).click();
  await page.getByRole('button', { name: 'Next: review' }).click();
  const { clientId, orgUrl } = await applyAndReadResult(page, 'Kestra export', (button) =>
    button.click(),
  );
  await page.getByRole('button', { name: 'Next: preview the login' }).click();
  await page.getByRole('button', { name: 'Next: export config files' }).click();
  // The files are written as the step opens: no click to see them, the keyboard on their card.
  await expect(
    page
      .getByRole('region', { name: 'Kestra', exact: true })
      .getByRole('heading', { level: 2, name: 'Kestra' }),
  ).toBeFocused();
  await expect(
    page
      .getByRole('group', { name: 'Targets' })
      .getByRole('checkbox', { name: 'Kestra', exact: true }),
  ).toBeChecked();
  await expect(
    page.getByRole('checkbox', { name: 'Put the client secret in the files' }),
  ).not.toBeChecked();

  const card = page.getByRole('region', { name: 'Kestra', exact: true });
  const contents = card.getByRole('region', { name: 'application.yml contents' });
  await expect(contents).toContainText('client-id: "' + clientId + '"');
  await expect(contents).toContainText('${OKTA_CLIENT_SECRET}');
  await expect(card.getByRole('list', { name: 'Next steps for Kestra' })).toBeVisible();
  await expectNoAxeViolations(page);
  await expectFitsWidth(page);

  // Browser mode downloads the file; what lands on disk is what Kestra would read.
  if (testInfo.project.name !== 'electron') {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('application.yml');
    const saved = readFileSync(await download.path(), 'utf8');
    const parsed = parseYaml(saved) as {
      micronaut: { security: { oauth2: { clients: Record<string, Record<string, unknown>> } } };
    };
    expect(parsed.micronaut.security.oauth2.clients.okta).toMatchObject({
      'client-id': clientId,
      'client-secret': '${OKTA_CLIENT_SECRET}',
      openid: { issuer: orgUrl },
    });
  }

  // Verify: sign in with exactly what the file says, in a second page standing in for the
  // system browser.
  await card.getByRole('radio', { name: 'The setup’s test user' }).check();
  await card.getByRole('button', { name: 'Verify by signing in' }).click();
  const facts = card.getByRole('definition').filter({ hasText: 'environment variable' });
  await expect(facts.first()).toContainText('OKTA_CLIENT_SECRET');
  const href =
    (await card.getByRole('link', { name: 'Open the sign-in page' }).getAttribute('href')) ?? '';
  const password = (await keychain.get(testUserPasswordAccount(orgUrl, email))) ?? '';
  await signInInSystemBrowser(page, testInfo, href, { login: email, password });

  await expect(
    card.getByText(/^Verified: all \d+ checks passed · .* · sha256 [0-9a-f]{12}$/),
  ).toBeVisible();
  // The checks are one click away once every one passed.
  await card.getByText('Checks, what the files say and the ID token’s claims').click();
  const checks = card.getByRole('list', { name: 'Checks' });
  for (const name of ['read', 'discovery', 'sign-in', 'issuer', 'audience']) {
    await expect(checks).toContainText(name);
  }
  await expect(card.getByRole('table', { name: 'ID token claims' })).toContainText(email);
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('export-verified.png'), fullPage: true });
});

/** A loopback port nobody listens on right now. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
