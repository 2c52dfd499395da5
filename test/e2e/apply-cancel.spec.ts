import type { Page } from '@playwright/test';

import { orgFromCredentials } from '../../main/okta/active-org.ts';
import { SETUP_DOCUMENT_STORAGE_KEY } from '../../renderer/stores/setup-document-store.ts';
import { WIZARD_STEPS, WIZARD_STORAGE_KEY } from '../../renderer/stores/wizard-store.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import { countMade } from '../support/planned-state.ts';
import { injectSandboxFault } from '../support/sandbox-control.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';

/**
 * Cancel on a slow apply and a slow plan (issue 19, "Cancel on every slow step"): an apply held
 * by Okta's rate limit is cancelled from the review step. It stops at once, says what it made
 * with the keyboard on that message, and the plan of what is left — held by the same limit — is
 * cancelled in turn, saying nothing changed. The rate-limit notice promises nothing goes on.
 * Plan again and Apply again then finish the setup with each object made once.
 */

/**
 * Opens the review step of `document` directly, as a reload in the middle of a setup finds it:
 * the kept document and the kept place in the wizard, then a reload.
 */
async function openReview(page: Page, document: object) {
  const index = WIZARD_STEPS.findIndex((candidate) => candidate.id === 'review');
  const reached = WIZARD_STEPS.slice(0, index + 1).map((candidate) => candidate.id);
  await page.evaluate(
    ([documentKey, documentValue, wizardKey, wizardValue]) => {
      localStorage.setItem(documentKey, documentValue);
      sessionStorage.setItem(wizardKey, wizardValue);
    },
    [
      SETUP_DOCUMENT_STORAGE_KEY,
      JSON.stringify(document),
      WIZARD_STORAGE_KEY,
      JSON.stringify({ step: 'review', reached }),
    ] as const,
  );
  await page.reload();
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
}

test('an apply and then its plan, waiting on Okta’s rate limit, are cancelled at once; planning and applying again finish', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  const { page } = consoleApp;
  const { orgUrl, apiToken } = sandboxOrg;
  // The test's own sandbox org, whose control API makes Okta slow down.
  const form = page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByLabel('Org URL').fill(orgUrl);
  await form.getByLabel('API token').fill(apiToken);
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('banner')).toContainText('Active org: SSO Console Sandbox');

  const document = createSetupDocument({
    id: 'e2e-cancel',
    preset: 'kestra',
    baseUrl: 'http://localhost:8080',
    label: 'Kestra cancelled',
  });
  document.assignments.testUser = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada.cancel@example.com',
  };
  await openReview(page, document);
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 3 to create/);

  // Okta refuses the app's creation until a reset 15 s away: the apply waits for it, and so
  // does the plan made after it (its reads of apps count against the same limit).
  await injectSandboxFault(orgUrl, apiToken, {
    method: 'POST',
    path: '/api/v1/apps',
    status: 429,
    resetSeconds: 15,
  });
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByText(/waiting \d+ s for Okta's rate limit on apps/)).toBeVisible();

  const cancelledAt = Date.now();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  const heading = page.getByRole('heading', { name: 'Apply cancelled' });
  await expect(heading).toBeFocused({ timeout: 3_000 });
  // Well inside the 15 s the apply would have waited.
  expect(Date.now() - cancelledAt).toBeLessThan(5_000);
  expect(await page.evaluate(() => window.document.activeElement?.tagName)).not.toBe('BODY');
  const panel = page.getByTestId('apply-cancelled');
  await expect(panel).toContainText('with 1 of 3 changes made (Test user ada.cancel@example.com)');
  await expect(panel).toContainText('Nothing was made twice');
  await expect(panel).toContainText('Apply again to finish the setup');
  const progress = page.getByRole('list', { name: 'Apply progress' });
  await expect(progress).toContainText('App integration "Kestra cancelled" — not done (cancelled)');
  // Next to "Apply cancelled", the notice says only what stays true: when Okta's limit resets.
  const notice = page.getByRole('status').filter({ hasText: 'slow down' });
  await expect(notice).toContainText('a cancelled one is not sent');
  await expect(notice).not.toContainText(/goes on by itself/);

  // The plan of what is left waits for the same reset: its Cancel stops it at once too.
  await expect(page.getByText('Reading the org and planning…')).toBeVisible();
  const planCancelledAt = Date.now();
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Planning cancelled' })).toBeFocused({
    timeout: 3_000,
  });
  expect(Date.now() - planCancelledAt).toBeLessThan(5_000);
  await expect(page.getByTestId('plan-cancelled')).toContainText('nothing in the org was changed');
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('apply-cancelled.png'), fullPage: true });

  const reader = orgFromCredentials({ orgUrl, token: apiToken });
  expect(await countMade(reader.client, document)).toMatchObject({ apps: 0, testUsers: 1 });

  // Plan again, then Apply again: the plan of what is left is made once Okta's reset has
  // passed, then applied.
  await page.getByRole('button', { name: 'Plan again' }).click();
  await expect(page.getByRole('heading', { name: 'Review and apply' })).toBeFocused();
  await page.getByRole('button', { name: 'Apply again' }).click({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Setup applied' })).toBeFocused({
    timeout: 30_000,
  });
  expect(await countMade(reader.client, document)).toMatchObject({ apps: 1, testUsers: 1 });
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 0 to create, 0 to update/);
});
