import { createServer } from 'node:net';

import type { Page } from '@playwright/test';

import { createSandboxToken, injectSandboxFault } from '../support/sandbox-control.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, launchConsole, test } from './support/console-fixture.ts';

async function submit(page: Page, orgUrl: string, apiToken: string) {
  const form = page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByLabel('Org URL').fill(orgUrl);
  await form.getByLabel('API token').fill(apiToken);
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  return form;
}

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 9;
}

const A_TOKEN = `00${'x'.repeat(40)}`;

test.describe('bad input gets a clear error in place', () => {
  for (const [name, orgUrl, code, text] of [
    ['a malformed URL', 'https://dev 123.okta.com', 'ORG_URL_MALFORMED', 'is not a valid URL'],
    [
      'a URL with a stray character',
      'https://dev-123.okta.com%',
      'ORG_URL_MALFORMED',
      'is not a valid URL',
    ],
    [
      'the Admin Console domain',
      'https://dev-123456-admin.okta.com',
      'ORG_URL_ADMIN_DOMAIN',
      'https://dev-123456.okta.com',
    ],
    [
      'a placeholder',
      'https://{yourOktaDomain}',
      'ORG_URL_PLACEHOLDER',
      'Replace {yourOktaDomain}',
    ],
    ['an issuer path', 'https://dev-123456.okta.com/oauth2/default', 'ORG_URL_HAS_PATH', 'issuer'],
    ['a query', 'https://dev-123456.okta.com/?fromURI=/app', 'ORG_URL_HAS_PATH', 'bare address'],
    [
      'http outside loopback',
      'http://dev-123456.okta.com',
      'ORG_URL_INSECURE',
      'https://dev-123456.okta.com',
    ],
  ] as const) {
    test(`${name} is explained next to the org URL`, async ({ consoleApp }) => {
      const form = await submit(consoleApp.page, orgUrl, A_TOKEN);
      const field = form.getByLabel('Org URL');
      await expect(field).toHaveAttribute('aria-invalid', 'true');
      await expect(field).toBeFocused();
      const error = form.locator(`[data-error-code="${code}"]`);
      await expect(error).toBeVisible();
      await expect(error).toContainText(text);
      // Refused before anything was sent: no verification ran, and the typed token is kept so
      // the admin only has to fix the URL.
      await expect(form.getByRole('list', { name: 'Verification progress' })).toHaveCount(0);
    });
  }

  test('an unreachable host names the network failure', async ({ consoleApp }) => {
    const form = await submit(
      consoleApp.page,
      `http://127.0.0.1:${String(await closedLoopbackPort())}`,
      A_TOKEN,
    );
    const error = form.locator('[data-error-code="ORG_UNREACHABLE"]');
    await expect(error).toContainText('ECONNREFUSED');
    await expect(error).toContainText('Nothing is listening');
    await expect(form.getByLabel('Org URL')).toHaveAttribute('aria-invalid', 'true');
  });

  test('a connect to an org that never answers can be cancelled, and saves nothing', async ({
    consoleApp,
  }) => {
    // Accepts connections and never answers, like an org behind a black-holing firewall.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const form = await submit(consoleApp.page, `http://127.0.0.1:${String(port)}`, A_TOKEN);
      await expect(form.getByRole('button', { name: 'Verifying…' })).toBeDisabled();
      await form.getByRole('button', { name: 'Cancel' }).click();
      const error = form.locator('[data-error-code="CANCELLED"]');
      await expect(error).toContainText('nothing was saved');
      await expect(form.getByRole('button', { name: 'Verify and connect' })).toBeEnabled();
      await expect(form.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
      await expect(consoleApp.page.locator('body')).not.toBeFocused();
      await expect(consoleApp.page.getByRole('listitem', { name: /127\.0\.0\.1/ })).toHaveCount(0);
      await expectNoAxeViolations(consoleApp.page);
    } finally {
      silent.close();
    }
  });

  test('an invalid token is reported with Okta’s E0000011 next to the token', async ({
    consoleApp,
    sandboxOrg,
  }) => {
    const form = await submit(consoleApp.page, sandboxOrg.orgUrl, 'not-a-real-token');
    const error = form.locator('[data-error-code="TOKEN_INVALID"]');
    await expect(error).toContainText('E0000011');
    await expect(error).toContainText('Security › API › Tokens');
    await expect(form.getByLabel('API token')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('API token')).toBeFocused();
    await expect(form.getByRole('list', { name: 'Verification progress' })).toContainText(
      'Check the API token — failed',
    );
    await expectNoAxeViolations(consoleApp.page);
  });

  test('a token without admin permissions is reported with E0000006', async ({
    consoleApp,
    sandboxOrg,
  }) => {
    const token = await createSandboxToken(sandboxOrg.orgUrl, sandboxOrg.apiToken, []);
    const form = await submit(consoleApp.page, sandboxOrg.orgUrl, token);
    const error = form.locator('[data-error-code="PERMISSION_DENIED"]');
    await expect(error).toContainText('E0000006');
    await expect(error).toContainText('Super Administrator');
    await expect(form.getByRole('list', { name: 'Verification progress' })).toContainText(
      'Read the org’s settings — failed',
    );
  });

  test('a wait for Okta’s rate limit is shown while the console waits, then it connects', async ({
    consoleApp,
    sandboxOrg,
  }) => {
    await injectSandboxFault(sandboxOrg.orgUrl, sandboxOrg.apiToken, {
      method: 'GET',
      path: '/api/v1/users/me',
      status: 429,
      times: 1,
      resetSeconds: 3,
    });
    const form = await submit(consoleApp.page, sandboxOrg.orgUrl, sandboxOrg.apiToken);
    const notice = consoleApp.page.getByRole('status').filter({ hasText: 'slow down' });
    await expect(notice).toContainText(/waiting [34] s for Okta's rate limit on reading a user/);
    await expectNoAxeViolations(consoleApp.page);
    await expect(
      consoleApp.page.getByRole('listitem', { name: /SSO Console Sandbox/ }),
    ).toContainText('admin@sandbox.example', { timeout: 15_000 });
    await expect(form.getByLabel('API token')).toHaveValue('');
    await expect(notice).toBeHidden({ timeout: 5_000 });
  });

  test('rate limiting beyond any Okta window is reported with E0000047 and when to call again', async ({
    consoleApp,
    sandboxOrg,
  }) => {
    await injectSandboxFault(sandboxOrg.orgUrl, sandboxOrg.apiToken, {
      method: 'GET',
      path: '/api/v1/users/me',
      status: 429,
      times: 3,
      resetSeconds: 120,
    });
    const form = await submit(consoleApp.page, sandboxOrg.orgUrl, sandboxOrg.apiToken);
    const error = form.locator('[data-error-code="RATE_LIMITED"]');
    await expect(error).toContainText('E0000047');
    await expect(error).toContainText('Okta allows the next call at');
    await expect(error).toContainText('Wait a minute');
  });

  test('a missing keychain says what to install or start, before any Okta call', async ({
    page,
    sandboxOrg,
  }, testInfo) => {
    // A console whose D-Bus session leads nowhere: the real keytar with no Secret Service.
    const app = await launchConsole({
      projectName: testInfo.project.name,
      page,
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
    });
    try {
      const form = await submit(app.page, sandboxOrg.orgUrl, sandboxOrg.apiToken);
      const error = form.locator('[data-error-code="KEYCHAIN_UNAVAILABLE"]');
      await expect(error).toContainText('Secret Service');
      await expect(error).toContainText('gnome-keyring');
      await expect(form.getByRole('list', { name: 'Verification progress' })).toContainText(
        'Reach the org — waiting',
      );
      await expect(form.getByRole('list', { name: 'Verification progress' })).toContainText(
        'Keep the token in the OS keychain — failed',
      );
    } finally {
      await app.close();
    }
  });
});
