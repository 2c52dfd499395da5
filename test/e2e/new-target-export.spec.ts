import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';

/**
 * Issue 21: a target other than Kestra, from the wizard's target step to a verified export, in
 * Chromium. Grafana: found with the target search, set up with its preset's defaults (its
 * callback `<root_url>/login/okta`, PKCE, the app's groups claim), applied, previewed as the test
 * user, and its `grafana.ini` verified by signing in with exactly what the file says.
 */
test('Grafana: from the target step to a verified grafana.ini', async ({
  consoleApp,
}, testInfo) => {
  test.skip(
    testInfo.project.name === 'electron',
    'The sign-in opens in a tab of the same browser here; in the desktop app it is a window of its own.',
  );
  test.setTimeout(180_000);
  const { page } = consoleApp;

  await page.getByRole('button', { name: 'Use the local sandbox org' }).click();
  await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');
  await page.getByRole('button', { name: 'Next: target app' }).click();

  // The target step: found by searching, chosen, and set up with its preset's defaults.
  await page.getByLabel('Find a target').fill('grafana');
  await page.getByRole('radio', { name: 'Grafana' }).check();
  await page.getByRole('button', { name: 'Set up with Grafana’s defaults' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Review and apply' })).toBeFocused();
  const changes = page.getByRole('list', { name: 'Changes' });
  await expect(changes).toContainText('/login/okta');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Setup applied' })).toBeFocused();

  // The preview, as the test user: the org's page opens with the username filled in.
  await page.getByRole('button', { name: 'Sign in as the test user' }).click();
  const signIn = page.getByRole('region', { name: 'Sign in' });
  await signIn.getByRole('button', { name: 'Show password for the preview' }).click();
  const password =
    (await signIn.getByLabel('Password for the preview', { exact: true }).textContent()) ?? '';
  const [tab] = await Promise.all([
    page.context().waitForEvent('page'),
    signIn.getByRole('link', { name: 'Open the sign-in page' }).click(),
  ]);
  await expect(tab.getByLabel('Username')).toHaveValue(/@example\.com$/);
  await tab.getByLabel('Password').fill(password);
  await tab.getByRole('button', { name: 'Sign in' }).click();
  await expect(tab.getByRole('heading', { name: 'Sign-in received' })).toBeVisible();
  await tab.close();
  await page.bringToFront();
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeFocused();

  // The export: Grafana's file, on screen as the step opens, then verified by signing in.
  await page.getByRole('button', { name: 'Next: export config files' }).click();
  const card = page.getByRole('region', { name: 'Grafana', exact: true });
  const contents = card.getByRole('region', { name: 'grafana.ini contents' });
  await expect(contents).toContainText('[auth.okta]');
  await expect(contents).toContainText('/login/okta');
  await expect(contents).toContainText('groups');
  await expectNoAxeViolations(page);
  await card.getByRole('button', { name: 'Verify by signing in' }).click();
  const [verifyTab] = await Promise.all([
    page.context().waitForEvent('page'),
    card.getByRole('link', { name: 'Open the sign-in page' }).click(),
  ]);
  // The org's session from the preview signs the verification in without a form.
  await expect(verifyTab.getByRole('heading', { name: 'Sign-in received' })).toBeVisible();
  await verifyTab.close();
  await page.bringToFront();
  await expect(
    card.getByText(/^Verified: all \d+ checks passed · .* · sha256 [0-9a-f]{12}$/),
  ).toBeVisible();
  // The checks are one click away once every one passed.
  await card.getByText('Checks, what the files say and the ID token’s claims').click();
  const checks = card.getByRole('list', { name: 'Checks' });
  await expect(checks).toContainText('Read grafana.ini as Grafana does');
  await expect(checks).not.toContainText('✗');
  await expectNoAxeViolations(page);
});
