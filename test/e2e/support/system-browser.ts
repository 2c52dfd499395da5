import { chromium, type Page, type TestInfo } from '@playwright/test';

import { expect } from './console-fixture.ts';

/**
 * A page in "the system browser", where the admin signs in (RFC 8252). In browser mode it is a
 * second page of the test's Chromium; against the Electron app, a separate Chromium, since the
 * app's own windows are not a system browser.
 */
export async function systemBrowserPage(page: Page, testInfo: TestInfo): Promise<Page> {
  if (testInfo.project.name !== 'electron') {
    return page.context().newPage();
  }
  const browser = await chromium.launch({
    executablePath: process.env.SSO_CONSOLE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const opened = await browser.newPage();
  opened.on('close', () => void browser.close());
  return opened;
}

/**
 * Signs `user` in at `href` (the console's "Open the sign-in page" link) in the system browser,
 * up to the page that says the window can be closed, and closes it: what the console shows next
 * is the test's to check.
 */
export async function signInInSystemBrowser(
  page: Page,
  testInfo: TestInfo,
  href: string,
  user: { login: string; password: string },
): Promise<void> {
  const browser = await systemBrowserPage(page, testInfo);
  await browser.goto(href);
  await browser.getByLabel('Username').fill(user.login);
  await browser.getByLabel('Password').fill(user.password);
  await browser.getByRole('button', { name: 'Sign in' }).click();
  await expect(browser.getByText(/close this tab/i)).toBeVisible();
  await browser.close();
}
