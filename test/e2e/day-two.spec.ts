import { createSetupDocument } from '../../shared/setup/presets.ts';
import { oidcHttp } from '../support/oidc-http.ts';
import { collect, sdkClient } from '../support/sandbox-sdk.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { applyWithCli, connectWithToken } from './support/cli-apply.ts';
import { expect, test } from './support/console-fixture.ts';

/**
 * Day two in the console: a setup applied from the command line into the console's data folder
 * shows in "Managed apps" with its counts; sign-in failures caused on purpose (a wrong password,
 * an unassigned user) show in the app's sign-in activity with their diagnosis; the teardown's
 * plan is reviewed and applied, and the app is gone from the list and from the org. Each view
 * passes axe.
 */

const BASE_URL = 'http://localhost:8080';
const CALLBACK = `${BASE_URL}/oauth/callback/okta`;
const ASSIGNED = { login: 'ada.lovelace@example.com', firstName: 'Ada', lastName: 'Lovelace' };
const UNASSIGNED = {
  login: 'grace.hopper@example.com',
  firstName: 'Grace',
  lastName: 'Hopper',
  password: 'Compiler-Pioneer-1952',
};
const GROUP = 'Kestra Operators';

test('managed apps: counts, sign-in failures with their diagnosis, and teardown', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  test.setTimeout(120_000);
  const { page, dataDir } = consoleApp;
  const { orgUrl, apiToken } = sandboxOrg;
  const client = sdkClient(orgUrl, apiToken);

  // The org: an assigned user, an unassigned one, and a group to assign.
  for (const user of [ASSIGNED, UNASSIGNED]) {
    await client.userApi.createUser({
      body: {
        profile: {
          firstName: user.firstName,
          lastName: user.lastName,
          email: user.login,
          login: user.login,
        },
        credentials: { password: { value: UNASSIGNED.password } },
      },
      activate: true,
    });
  }
  await client.groupApi.createGroup({
    group: { profile: { name: GROUP, description: 'Operators of Kestra' } },
  });

  // The setup, applied by the command line into the console's own data folder.
  const setup = createSetupDocument({
    id: 'e2e-day-two',
    preset: 'kestra',
    baseUrl: BASE_URL,
    label: 'Kestra day two',
  });
  setup.assignments.users = [{ login: ASSIGNED.login }];
  setup.assignments.groups = [{ name: GROUP }];
  const { app } = await applyWithCli({
    client,
    orgUrl,
    apiToken,
    dataDir,
    setup,
    folderPrefix: 'sso-console-e2e-day-two-',
  });
  expect(app).toBeDefined();
  const appId = app?.id ?? '';
  const clientId = app?.credentials.oauthClient.client_id ?? '';

  // Connect the console to the org; the areas appear.
  await connectWithToken(page, orgUrl, apiToken);
  const areas = page.getByRole('navigation', { name: 'Console' });
  await areas.getByRole('button', { name: 'Managed apps' }).click();

  // The list: the app with its counts, issuer, target and document.
  await expect(page.getByRole('heading', { name: 'Managed apps', level: 1 })).toBeFocused();
  const card = page.getByRole('article', { name: /Kestra day two/ });
  await expect(card.getByTestId('assigned-counts')).toHaveText('1 user, 1 group');
  await expect(card).toContainText(orgUrl);
  await expect(card).toContainText('TargetKestra');
  await expect(card).toContainText('e2e-day-two.json');
  await expect(card).toContainText('No: the org matches the setup document');
  await expect(page.getByRole('status').filter({ hasText: 'managed app' })).toHaveText(
    '1 managed app.',
  );
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await page.screenshot({ path: testInfo.outputPath('managed-apps.png'), fullPage: true });

  // "Open and edit" takes the kept document through plan and review: nothing to change.
  await card.getByRole('button', { name: 'Open and edit' }).click();
  await expect(page.getByRole('heading', { name: 'Review and apply', level: 1 })).toBeFocused();
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 0 to create, 0 to update/);
  await areas.getByRole('button', { name: 'Managed apps' }).click();
  await expect(card.getByTestId('assigned-counts')).toHaveText('1 user, 1 group');

  // Failures on purpose: a wrong password for the assigned user, and a user not assigned.
  const http = oidcHttp(orgUrl, CALLBACK);
  const authorize = http.authorizeUrl(`${orgUrl}/oauth2`, {
    client_id: clientId,
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: CALLBACK,
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: http.pkce().challenge,
    code_challenge_method: 'S256',
  });
  const go = http.browserSession();
  const start = await go(authorize);
  const signInPage = new URL(start.headers.get('location') ?? '', orgUrl).toString();
  const wrong = await go(signInPage, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      username: ASSIGNED.login,
      password: 'Not-The-Password-1',
    }).toString(),
  });
  expect(wrong.status).toBe(401);
  await wrong.text();
  const refused = await http.signInAt(authorize, UNASSIGNED);
  expect(refused.searchParams.get('error')).toBe('access_denied');

  // The activity: both failures, each with its diagnosis code and fix.
  await card.getByRole('button', { name: 'Sign-in activity' }).click();
  await expect(
    page.getByRole('heading', { name: 'Sign-in activity: Kestra day two', level: 1 }),
  ).toBeFocused();
  const entries = page.getByRole('list', { name: 'Sign-ins and failures' });
  const notAssigned = entries.getByRole('listitem').filter({ hasText: 'USER_NOT_ASSIGNED' });
  const wrongPassword = entries.getByRole('listitem').filter({ hasText: 'INVALID_CREDENTIALS' });
  await expect(notAssigned).toContainText(UNASSIGNED.login);
  await expect(notAssigned).toContainText('is not assigned to the app');
  await expect(notAssigned).toContainText('Fix:');
  await expect(wrongPassword).toContainText(ASSIGNED.login);
  await expect(wrongPassword).toContainText(`reset it: Directory → People → ${ASSIGNED.login}`);
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: testInfo.outputPath('activity.png'), fullPage: true });

  // Filtered by user, then by outcome.
  const filters = page.getByRole('form', { name: 'Filter sign-ins' });
  await filters.getByLabel('User (part of the login)').fill('grace');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(entries.getByRole('listitem')).toHaveCount(1);
  await expect(entries).toContainText('USER_NOT_ASSIGNED');
  await filters.getByLabel('User (part of the login)').fill('');
  await filters.getByLabel('Outcome').selectOption('SUCCESS');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByText('No sign-ins match the filters in this window yet.')).toBeVisible();

  // Polled live: a new failure appears without a reload.
  await filters.getByLabel('Outcome').selectOption('FAILURE');
  await filters.getByRole('button', { name: 'Apply filters' }).click();
  await expect(entries.getByRole('listitem')).toHaveCount(2);
  await http.signInAt(authorize, UNASSIGNED);
  await expect(entries.getByRole('listitem')).toHaveCount(3, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Back to managed apps' }).click();

  // The teardown: its plan, then the removal, and the app is gone.
  await page
    .getByRole('article', { name: /Kestra day two/ })
    .getByRole('button', { name: 'Tear down…' })
    .click();
  await expect(
    page.getByRole('heading', { name: 'Tear down “Kestra day two”', level: 1 }),
  ).toBeFocused();
  const removals = page.getByRole('list', { name: 'To remove' });
  await expect(removals).toContainText(`App integration "Kestra day two" (${appId})`);
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('teardown-plan.png'), fullPage: true });
  const confirm = page.getByRole('button', { name: /^Remove \d+ objects?$/ });
  await confirm.click();
  await expect(page.getByRole('status').filter({ hasText: 'Torn down' })).toContainText(
    /Torn down: \d+ objects? removed/,
  );
  await expect(page.getByRole('list', { name: 'Teardown progress' })).toContainText(
    `App integration "Kestra day two" (${appId}): removed`,
  );
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Back to managed apps' }).click();
  await expect(
    page.getByText(`No app this console created or adopted is in ${orgUrl}.`),
  ).toBeVisible();
  await expect(page.getByRole('article', { name: /Kestra day two/ })).toHaveCount(0);
  const left = await collect(await client.applicationApi.listApplications({ q: 'Kestra day two' }));
  expect(left).toEqual([]);
  // The group and the users the setup did not make are untouched.
  const groups = await collect(await client.groupApi.listGroups({ q: GROUP }));
  expect(groups).toHaveLength(1);
});
