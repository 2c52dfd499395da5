import type { Locator, Page } from '@playwright/test';

import { checkStateInBothThemes } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';

/**
 * M0 (issue 19, item 1): a new admin, with no documentation read, goes from opening the console
 * to a verified Kestra sign-in on the sandbox org — app created, test user created and assigned,
 * issuer set, login previewed, `application.yml` exported and verified — in at most 15
 * interactions, found by visible labels and roles only.
 *
 * @remarks
 * Every interaction goes through one counter: each click, each fill of one field, and each
 * switch back from the sign-in tab counts 1 (opening the tab is the click on its link). Each
 * state passed through is checked with axe and photographed in both themes
 * (`test/e2e/screenshots/m0-*`, the README's pictures of the steps).
 */

/** The admin's hands: every action on the page goes through here and is counted. */
function countingAdmin(page: Page) {
  let count = 0;
  return {
    count: () => count,
    click: async (target: Locator) => {
      count += 1;
      await target.click();
    },
    fill: async (target: Locator, value: string) => {
      count += 1;
      await target.fill(value);
    },
    /** Follows a link that opens the sign-in in a new tab, which the browser switches to. */
    openTab: async (link: Locator): Promise<Page> => {
      count += 1;
      const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
      await tab.waitForLoadState();
      return tab;
    },
    /** Done in the sign-in tab (it says it may be closed): back to the console's tab. */
    switchBack: async (tab: Page) => {
      count += 1;
      await tab.close();
      await page.bringToFront();
    },
  };
}

test('M0: from opening the console to a verified Kestra sign-in in at most 15 interactions', async ({
  consoleApp,
}, testInfo) => {
  test.skip(
    testInfo.project.name === 'electron',
    'M0 is measured in Chromium (browser mode), where the sign-in opens in a tab of the same browser.',
  );
  test.setTimeout(180_000);
  const { page } = consoleApp;
  const admin = countingAdmin(page);
  const steps = page.getByRole('navigation', { name: 'Setup steps' });

  // 1. Connect: the local sandbox org.
  await checkStateInBothThemes(page, 'm0-01-connect');
  await admin.click(page.getByRole('button', { name: 'Use the local sandbox org' }));
  await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');
  await admin.click(page.getByRole('button', { name: 'Next: target app' }));

  // 2. Target: Kestra is chosen; its defaults are one click, Customize walks the steps.
  await expect(page.getByRole('heading', { level: 1, name: 'Target app' })).toBeFocused();
  await expect(page.getByRole('radio', { name: 'Kestra' })).toBeChecked();
  await expect(page.getByRole('button', { name: 'Customize' })).toBeVisible();
  await checkStateInBothThemes(page, 'm0-02-target');
  await admin.click(page.getByRole('button', { name: 'Set up with Kestra’s defaults' }));

  // 3. Review: the app, the test user (created and assigned) and the issuer, in one plan; the
  // skipped steps stay open from the step list.
  await expect(page.getByRole('heading', { level: 1, name: 'Review and apply' })).toBeFocused();
  const changes = page.getByRole('list', { name: 'Changes' });
  await expect(
    changes.getByRole('listitem', { name: 'App integration "Kestra": create' }),
  ).toContainText('Okta URL');
  await expect(changes).toContainText(
    'kestra.tester@example.com will be created and assigned to the app',
  );
  for (const name of ['App integration', 'Users and groups', 'Issuer']) {
    await expect(steps.getByRole('button', { name: `${name}, done` })).toBeEnabled();
  }
  await checkStateInBothThemes(page, 'm0-03-review');
  await admin.click(page.getByRole('button', { name: 'Apply', exact: true }));
  await expect(page.getByRole('heading', { name: 'Setup applied' })).toBeFocused();
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 0 to create, 0 to update/);
  await checkStateInBothThemes(page, 'm0-04-applied');

  // 4. Preview: one action opens it and starts the test user's sign-in.
  await admin.click(page.getByRole('button', { name: 'Sign in as the test user' }));
  await expect(page.getByRole('heading', { level: 1, name: 'Preview the login' })).toBeVisible();
  const signIn = page.getByRole('region', { name: 'Sign in' });
  await expect(signIn).toContainText('Sign in as kestra.tester@example.com.');
  await checkStateInBothThemes(page, 'm0-05-preview-sign-in');
  await admin.click(signIn.getByRole('button', { name: 'Show password for the preview' }));
  const password =
    (await signIn.getByLabel('Password for the preview', { exact: true }).textContent()) ?? '';
  const previewTab = await admin.openTab(
    signIn.getByRole('link', { name: 'Open the sign-in page' }),
  );
  // login_hint: the org's page opens with the username filled in, the keyboard on the password.
  await expect(previewTab.getByLabel('Username')).toHaveValue('kestra.tester@example.com');
  await expect(previewTab.getByLabel('Password')).toBeFocused();
  await checkStateInBothThemes(previewTab, 'm0-06-sandbox-sign-in-page');
  await admin.fill(previewTab.getByLabel('Password'), password);
  await admin.click(previewTab.getByRole('button', { name: 'Sign in' }));
  await expect(previewTab.getByRole('heading', { name: 'Sign-in received' })).toBeVisible();
  await checkStateInBothThemes(previewTab, 'm0-07-sign-in-received');
  await admin.switchBack(previewTab);
  await expect(page.getByRole('heading', { name: 'Signed in' })).toBeFocused();
  await checkStateInBothThemes(page, 'm0-08-preview-signed-in');

  // 5. Export: application.yml is on screen as the step opens; verify by signing in with it.
  await admin.click(page.getByRole('button', { name: 'Next: export config files' }));
  const card = page.getByRole('region', { name: 'Kestra', exact: true });
  const contents = card.getByRole('region', { name: 'application.yml contents' });
  await expect(card.getByRole('heading', { level: 2, name: 'Kestra' })).toBeFocused();
  await expect(contents).toContainText('${OKTA_CLIENT_SECRET}');
  await expect(contents).toBeInViewport();
  await checkStateInBothThemes(page, 'm0-09-export');
  await admin.click(card.getByRole('button', { name: 'Verify by signing in' }));
  const verifyLink = card.getByRole('link', { name: 'Open the sign-in page' });
  await expect(verifyLink).toBeFocused();
  await checkStateInBothThemes(page, 'm0-10-verify-sign-in');
  // The browser holds the org's session from the preview: no form this time.
  const verifyTab = await admin.openTab(verifyLink);
  await expect(verifyTab.getByRole('heading', { name: 'Sign-in received' })).toBeVisible();
  await admin.switchBack(verifyTab);
  // One line says it held; the checks behind it stay folded while every one passed.
  await expect(
    card.getByText(/^Verified: all \d+ checks passed · .* · sha256 [0-9a-f]{12}$/),
  ).toBeFocused();
  await expect(card.getByRole('list', { name: 'Checks' })).toBeHidden();
  // The secret is at hand right under the next steps that ask for it.
  await expect(card.getByRole('button', { name: 'Show client secret' })).toBeVisible();
  await expect(page.getByTestId('end-of-setup')).toContainText('Kestra is set up and verified');
  await checkStateInBothThemes(page, 'm0-11-verified');

  console.log(`M0 interactions: ${String(admin.count())}`);
  expect(admin.count()).toBeLessThanOrEqual(15);

  // The verification names the secret's real source, in view: the console's environment has no
  // OKTA_CLIENT_SECRET here, so it says the keychain supplied it.
  const secretSource =
    process.env.OKTA_CLIENT_SECRET === undefined
      ? 'used the secret it keeps in the keychain'
      : 'resolves from OKTA_CLIENT_SECRET';
  await expect(card.getByText(secretSource).first()).toBeVisible();
  // Not part of M0: the checks, one click away.
  await card.getByText('Checks, what the files say and the ID token’s claims').click();
  await expect(card.getByRole('list', { name: 'Checks' })).toContainText(secretSource);

  // Not part of M0: the steps the quick path skipped, open from the step list, as the preset
  // filled them.
  await steps.getByRole('button', { name: 'App integration, done' }).click();
  await expect(page.getByLabel('Sign-in redirect URIs (one per line)')).toHaveValue(
    'http://localhost:8080/oauth/callback/okta',
  );
  await checkStateInBothThemes(page, 'm0-12-app-integration');
  await steps.getByRole('button', { name: 'Users and groups, done' }).click();
  await expect(page.getByLabel('Email (also the login)')).toHaveValue('kestra.tester@example.com');
  await checkStateInBothThemes(page, 'm0-13-users-and-groups');
  await steps.getByRole('button', { name: 'Issuer, done' }).click();
  await expect(page.getByRole('radio', { name: 'Okta URL (ORG_URL)' })).toBeChecked();
  await checkStateInBothThemes(page, 'm0-14-issuer');
});
