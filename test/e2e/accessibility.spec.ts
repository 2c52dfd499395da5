import { injectSandboxFault } from '../support/sandbox-control.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';

test('the whole connect flow works with the keyboard alone', async ({ consoleApp }) => {
  const { page } = consoleApp;
  // Tab until the sandbox button has focus, then press Enter: no mouse anywhere.
  const sandboxButton = page.getByRole('button', { name: 'Use the local sandbox org' });
  for (
    let presses = 0;
    presses < 20 && !(await sandboxButton.evaluate((el) => el === document.activeElement));
    presses += 1
  ) {
    await page.keyboard.press('Tab');
  }
  await expect(sandboxButton).toBeFocused();
  await page.keyboard.press('Enter');
  const local = page.getByRole('listitem', { name: /Local sandbox org/ });
  await expect(local).toContainText('Active');

  const removeButton = local.getByRole('button', { name: 'Remove…' });
  await removeButton.focus();
  await page.keyboard.press('Enter');
  // The confirmation takes the focus on its safe answer: a stray Enter keeps the org.
  await expect(local.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Remove Local sandbox org' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(local).toBeHidden();
});

test('follows the system theme, light and dark, and passes axe in both', async ({ consoleApp }) => {
  const { page } = consoleApp;
  const background = () =>
    page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await background();
  await expectNoAxeViolations(page);
  const luminance = (rgb: string) =>
    (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((sum, part) => sum + Number(part), 0);
  expect(luminance(light)).toBeGreaterThan(600);
  expect(luminance(dark)).toBeLessThan(150);
});

test('fits 1280×800 without horizontal scrolling', async ({ consoleApp }) => {
  const { page } = consoleApp;
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(1280);
  await expect(page.getByRole('button', { name: 'Use the local sandbox org' })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Verify and connect' })).toBeInViewport();
});

test('shows progress while verifying', async ({ consoleApp, sandboxOrg }) => {
  const { page } = consoleApp;
  const form = page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByLabel('Org URL').fill(sandboxOrg.orgUrl);
  await form.getByLabel('API token').fill(sandboxOrg.apiToken);
  // The sandbox holds the token check long enough to watch the running state on a slow machine,
  // in the browser and in Electron alike (no request interception needed).
  await injectSandboxFault(sandboxOrg.orgUrl, sandboxOrg.apiToken, {
    method: 'GET',
    path: '/api/v1/users/me',
    latencyMs: 4000,
    times: 1,
  });
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(form.getByRole('button', { name: 'Verifying…' })).toBeDisabled();
  await expect(form.locator('form')).toHaveAttribute('aria-busy', 'true');
  const progress = form.getByRole('list', { name: 'Verification progress' });
  await expect(progress.getByRole('listitem').filter({ hasText: 'Reach the org' })).toContainText(
    'in progress',
  );
  await expect(page.getByRole('listitem', { name: /SSO Console Sandbox/ })).toBeVisible();
});

test('reaches "Managed apps" with the keyboard alone, fits 1280×800, and passes axe light and dark', async ({
  consoleApp,
}) => {
  const { page } = consoleApp;
  await page.getByRole('button', { name: 'Use the local sandbox org' }).click();
  await expect(page.getByRole('listitem', { name: /Local sandbox org/ })).toContainText('Active');
  const managed = page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('button', { name: 'Managed apps' });
  await managed.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Managed apps', level: 1 })).toBeFocused();
  await expect(managed).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('status').filter({ hasText: /managed app|No app/ })).toBeVisible();
  await expect(page.getByText(/No app this console created or adopted is in/)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await page.emulateMedia({ colorScheme: 'light' });
  await expectNoAxeViolations(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(page);
  // Back to the wizard with the keyboard: it is where the admin left it.
  await page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('button', { name: 'Set up' })
    .press('Enter');
  await expect(page.getByRole('region', { name: 'Connect your Okta org' })).toBeVisible();
});
