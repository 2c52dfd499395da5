import { createServer } from 'node:net';

import type { Locator, Page, TestInfo } from '@playwright/test';

import { SETUP_DOCUMENT_STORAGE_KEY } from '../../renderer/stores/setup-document-store.ts';
import { WIZARD_STEPS, WIZARD_STORAGE_KEY } from '../../renderer/stores/wizard-store.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';
import { systemBrowserPage } from './support/system-browser.ts';

/**
 * The wizard guides and never loses anything (issue 19, items 3–5): an address typed without
 * its scheme refused where it is typed, with the fix one click away; a half-filled setup that
 * survives a reload, and a restore that failed shown; the keyboard never dropped to the page
 * body after an action; the org's Remove confirmation safe by default and cancelled by Escape.
 */

/** The keyboard is on `locator`, and therefore not on the page body. */
async function expectFocusOn(page: Page, locator: Locator) {
  await expect(locator).toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.tagName)).not.toBe('BODY');
}

/** Connects the local sandbox org; the keyboard lands on the step's primary action. */
async function connectLocalSandbox(page: Page) {
  await page.getByRole('button', { name: 'Use the local sandbox org' }).click();
  await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');
  // The sandbox choice is gone from the page: the keyboard went to what comes next.
  await expectFocusOn(page, page.getByRole('button', { name: 'Next: target app' }));
}

/**
 * Puts the wizard at `step` with `document` as the setup, as a reload in the middle of a setup
 * would find them: the kept document and the kept place (every step up to `reachedUpTo`
 * reached), then a reload.
 */
async function resumeAt(page: Page, step: string, document: object, reachedUpTo = step) {
  const index = WIZARD_STEPS.findIndex((candidate) => candidate.id === reachedUpTo);
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
      JSON.stringify({ step, reached }),
    ] as const,
  );
  await page.reload();
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
}

/**
 * Signs `user` in at `href` in a second tab (the system browser), up to the page that says the
 * console has the sign-in, and closes the tab: the admin returns to the console. A browser that
 * already holds the org's session goes straight there.
 */
async function signInInTab(
  page: Page,
  testInfo: TestInfo,
  href: string,
  user: { login: string; password: string },
) {
  const browser = await systemBrowserPage(page, testInfo);
  await browser.goto(href);
  const received = browser.getByRole('heading', { name: 'Sign-in received' });
  const username = browser.getByLabel('Username');
  // A second sign-in in the same browser has the org's session already: no form to fill.
  await expect(received.or(username)).toBeVisible();
  if (await username.isVisible()) {
    await username.fill(user.login);
    await browser.getByLabel('Password').fill(user.password);
    await browser.getByRole('button', { name: 'Sign in' }).click();
  }
  await expect(received).toBeVisible();
  await browser.close();
}

/** A loopback port nobody listens on right now. */
async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

test('a base URL without its scheme is refused where it is typed, with the fix one click away', async ({
  consoleApp,
}, testInfo) => {
  const { page } = consoleApp;
  await connectLocalSandbox(page);
  await page.getByRole('button', { name: 'Next: target app' }).click();

  const baseUrl = page.getByLabel(/base URL/);
  await baseUrl.fill('localhost:8080/');
  await baseUrl.press('Tab');
  // Said as soon as the admin leaves the field, not at the preview.
  await expect(baseUrl).toHaveAttribute('aria-invalid', 'true');
  const described = page.locator(
    `#${(await baseUrl.getAttribute('aria-describedby'))?.split(' ').pop() ?? ''}`,
  );
  await expect(described).toContainText('has no scheme');
  const fix = page.getByRole('button', { name: 'Use http://localhost:8080/' });
  await expect(fix).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('target-step-fix.png') });
  await expectNoAxeViolations(page);

  // Next refuses it too, in place.
  await page.getByRole('button', { name: 'Customize' }).click();
  await expectFocusOn(page, baseUrl);
  await expect(page.getByRole('heading', { level: 1, name: 'Target app' })).toBeVisible();

  await fix.click();
  await expect(baseUrl).toHaveValue('http://localhost:8080/');
  await expect(baseUrl).toHaveAttribute('aria-invalid', 'false');
  await expect(fix).toBeHidden();
  await expectFocusOn(page, baseUrl);
  await page.getByRole('button', { name: 'Customize' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'App integration' })).toBeFocused();
  await expect(page.getByLabel('Sign-in redirect URIs (one per line)')).toHaveValue(
    'http://localhost:8080/oauth/callback/okta',
  );

  // A redirect URI typed without its scheme gets the same offer.
  const signIn = page.getByLabel('Sign-in redirect URIs (one per line)');
  await signIn.fill('localhost:8080/oauth/callback/okta');
  const findings = page.getByRole('list', { name: 'Checks on the sign-in redirect URIs' });
  await expect(findings).toContainText('Has no scheme');
  await findings
    .getByRole('button', { name: 'Use http://localhost:8080/oauth/callback/okta' })
    .click();
  await expect(signIn).toHaveValue('http://localhost:8080/oauth/callback/okta');

  // The step's one primary action is in view at 1280×800, and the step list stays in view
  // however far the step scrolls.
  await expect(page.getByRole('button', { name: 'Next: users and groups' })).toBeInViewport();
  await page.mouse.wheel(0, 2000);
  await expect(page.getByRole('navigation', { name: 'Setup steps' })).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath('app-step-scrolled.png') });
  await expect(page.getByRole('button', { name: 'Next: users and groups' })).toBeInViewport();
  await expect(
    page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', {
      name: 'Target app, done',
    }),
  ).toBeVisible();
  await expectNoAxeViolations(page);
});

test('a half-filled setup survives a reload, and a setup that cannot be restored says so', async ({
  consoleApp,
}) => {
  const { page } = consoleApp;
  await connectLocalSandbox(page);
  await page.getByRole('button', { name: 'Next: target app' }).click();

  // Half filled: no name yet, and a base URL still being typed.
  await page.getByLabel('App integration name').fill('');
  await page.getByLabel(/base URL/).fill('localhost:80');
  await page.reload();
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();

  await expect(page.getByRole('heading', { level: 1, name: 'Target app' })).toBeVisible();
  await expect(page.getByLabel(/base URL/)).toHaveValue('localhost:80');
  await expect(page.getByLabel('App integration name')).toHaveValue('');
  await expect(page.getByTestId('restore-problem')).toHaveCount(0);

  // Finished later, after the reload, as if nothing happened.
  await page.getByLabel(/base URL/).fill('http://localhost:8080');
  await page.getByLabel('App integration name').fill('Kestra after a reload');
  await page.getByRole('button', { name: 'Customize' }).click();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'App integration' })).toBeVisible();
  await expect(
    page.getByText('Creates Kestra after a reload, named on the Target app step.'),
  ).toBeVisible();

  // A kept setup this console cannot read is set aside and the admin is told, not left guessing.
  await page.evaluate(
    ([key]) => {
      localStorage.setItem(key, '{"formatVersion":9}');
    },
    [SETUP_DOCUMENT_STORAGE_KEY] as const,
  );
  await page.reload();
  const problem = page.getByTestId('restore-problem');
  await expect(problem).toContainText('The setup kept from the last run could not be restored');
  await expect(problem).toContainText('newer than this console reads');
  await expectNoAxeViolations(page);
  await problem.getByRole('button', { name: 'Dismiss' }).click();
  await expect(problem).toBeHidden();
});

test('the keyboard is never dropped: Assign, the preview, Show password, the return from the sign-in tab, Write and Verify', async ({
  consoleApp,
}, testInfo) => {
  test.setTimeout(120_000);
  const { page } = consoleApp;
  const email = `ada.focus.${String(Date.now())}@example.com`;
  const port = await freeLoopbackPort();
  await connectLocalSandbox(page);

  const document = createSetupDocument({
    id: `focus-${String(Date.now())}`,
    preset: 'kestra',
    baseUrl: `http://localhost:${String(port)}`,
    label: 'Kestra focus',
  });
  document.assignments.testUser = { firstName: 'Ada', lastName: 'Lovelace', email };
  await resumeAt(page, 'people', document, 'review');
  await expect(page.getByRole('heading', { level: 1, name: 'Users and groups' })).toBeVisible();

  // Assign: the button stays under the keyboard and says what happened.
  await page.getByLabel('Search users').fill('alice');
  const assign = page.getByRole('button', { name: 'Assign alice.martin@example.com' });
  await assign.focus();
  await page.keyboard.press('Enter');
  await expectFocusOn(page, page.getByRole('button', { name: 'alice.martin@example.com added' }));

  await page
    .getByRole('navigation', { name: 'Setup steps' })
    .getByRole('button', { name: /^Review and apply/ })
    .click();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expectFocusOn(page, page.getByRole('heading', { name: 'Setup applied' }));
  // Applied: signing in as the test user is the one primary action, not Apply again; the plain
  // Next beside it opens the preview without starting it.
  await expect(page.locator('[data-primary-action]')).toHaveText('Sign in as the test user');
  const next = page.getByRole('button', { name: 'Next: preview the login' });
  await expect(next).toBeInViewport();
  await expect(page.locator('.button--primary')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('review-applied.png') });
  await next.click();

  // Start the preview: the keyboard goes to the sign-in link, the next thing to do.
  await page.getByRole('button', { name: 'Start the preview' }).click();
  const signIn = page.getByRole('region', { name: 'Sign in' });
  const link = signIn.getByRole('link', { name: 'Open the sign-in page' });
  await expectFocusOn(page, link);
  // Show password: the keyboard goes to Copy.
  await signIn.getByRole('button', { name: 'Show password for the preview' }).click();
  await expectFocusOn(page, signIn.getByRole('button', { name: 'Copy password for the preview' }));
  const password =
    (await signIn.getByLabel('Password for the preview', { exact: true }).textContent()) ?? '';
  await signInInTab(page, testInfo, (await link.getAttribute('href')) ?? '', {
    login: email,
    password,
  });
  // Back from the sign-in tab: the keyboard is on the outcome.
  await expectFocusOn(page, page.getByRole('heading', { name: 'Signed in' }));
  // After a sign-in, the next step is the primary action, not "Start the preview" again.
  const toExport = page.locator('[data-primary-action]');
  await expect(toExport).toHaveText('Next: export config files');
  await expect(page.getByRole('button', { name: 'Preview again' })).toBeVisible();
  await expectNoAxeViolations(page);
  await toExport.click();

  // The files are written as the step opens, and the keyboard goes to the target's card; so it
  // does when they are written again.
  const card = page.getByRole('region', { name: 'Kestra', exact: true });
  await expectFocusOn(page, card.getByRole('heading', { level: 2, name: 'Kestra' }));
  await expect(card.getByRole('region', { name: 'application.yml contents' })).toBeInViewport();
  await page.getByRole('button', { name: 'Write the files again' }).click();
  await expectFocusOn(page, card.getByRole('heading', { level: 2, name: 'Kestra' }));

  // Verify: the keyboard goes to the sign-in link, then to the outcome.
  await card.getByRole('radio', { name: 'The setup’s test user' }).check();
  await card.getByRole('button', { name: 'Verify by signing in' }).click();
  const verifyLink = card.getByRole('link', { name: 'Open the sign-in page' });
  await expectFocusOn(page, verifyLink);
  await signInInTab(page, testInfo, (await verifyLink.getAttribute('href')) ?? '', {
    login: email,
    password,
  });
  await expectFocusOn(
    page,
    card.getByText(/^Verified: all \d+ checks passed · .* · sha256 [0-9a-f]{12}$/),
  );

  // The end: what is done, and where to go — never a lone Back.
  const end = page.getByTestId('end-of-setup');
  await expect(end).toContainText('Kestra focus is set up and verified');
  await page.screenshot({ path: testInfo.outputPath('export-end.png') });
  await expect(
    page.getByRole('navigation', { name: 'Setup steps' }).getByRole('button', {
      name: 'Export config files, done',
    }),
  ).toBeVisible();
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: 'Set up another app' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Target app' })).toBeFocused();
  await expect(page.getByLabel('App integration name')).toHaveValue('Kestra');
});

test('removing an org asks with Cancel focused, and Escape cancels', async ({ consoleApp }) => {
  const { page } = consoleApp;
  await connectLocalSandbox(page);
  const local = page.getByRole('listitem', { name: /Local sandbox org/ });
  await local.getByRole('button', { name: 'Remove…' }).click();
  const question = local.getByRole('group', { name: 'Confirm removing Local sandbox org' });
  await expectFocusOn(page, question.getByRole('button', { name: 'Cancel' }));
  await expectNoAxeViolations(page);

  await page.keyboard.press('Escape');
  await expect(question).toBeHidden();
  await expectFocusOn(page, local.getByRole('button', { name: 'Remove…' }));
  await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');
});
