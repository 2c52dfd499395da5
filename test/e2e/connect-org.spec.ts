import path from 'node:path';

import { KeytarSecretStore } from '../../main/platform/secrets/keytar-secret-store.ts';
import { ROOT } from '../support/processes.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';
import { findSecretOutsideKeychain } from './support/secret-scan.ts';

// The console's own keychain entries (the default service name), as the console writes them.
const keychain = new KeytarSecretStore();

test('first run offers the local sandbox org as the default, next to connecting an Okta org', async ({
  consoleApp,
}) => {
  const { page } = consoleApp;
  await expect(page.getByRole('heading', { level: 1, name: 'Connect an org' })).toBeVisible();
  const sandboxCard = page.getByRole('region', { name: /Local sandbox org/ });
  await expect(sandboxCard).toContainText('Default');
  await expect(sandboxCard).toContainText('Local emulation — not a real Okta org');
  await expect(
    sandboxCard.getByRole('button', { name: 'Use the local sandbox org' }),
  ).toBeVisible();
  await expect(page.getByRole('region', { name: 'Connect your Okta org' })).toBeVisible();
  await expect(page.getByText('No org connected')).toBeVisible();
  await expectNoAxeViolations(page);
});

test('connects the sandbox org through the UI, switches and removes profiles, and keeps the token only in the keychain', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  const { page } = consoleApp;
  const form = page.getByRole('region', { name: 'Connect your Okta org' });

  // Connect the separately started sandbox as if it were an Okta org: URL and token.
  await form.getByLabel('Org URL').fill(sandboxOrg.orgUrl);
  await form.getByLabel('API token').fill(sandboxOrg.apiToken);
  await form.getByLabel(/Label/).fill('Team sandbox');
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  const team = page.getByRole('listitem', { name: /Team sandbox/ });
  await expect(team).toContainText('SSO Console Sandbox');
  await expect(team).toContainText('admin@sandbox.example');
  await expect(team).toContainText('SUPER_ADMIN');
  await expect(team).toContainText(`ending …${sandboxOrg.apiToken.slice(-4)}`);
  await expect(team).toContainText('Active');
  await expect(form.getByLabel('API token')).toHaveValue('');

  // The embedded sandbox, offered again under "Connect another org".
  await page.getByRole('button', { name: 'Use the local sandbox org' }).click();
  const local = page.getByRole('listitem', { name: /Local sandbox org/ });
  await expect(local).toContainText('Active');
  await expect(local).toContainText('Held in memory by the local sandbox');
  await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');

  // Switch back.
  await page.getByRole('button', { name: 'Switch to Team sandbox' }).click();
  await expect(page.getByRole('banner')).toContainText('Active org: Team sandbox');
  await expect(team).toContainText('Active');
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('console.png') });
  if (process.env.SSO_CONSOLE_UPDATE_SCREENSHOT === '1') {
    await page.screenshot({ path: path.join(ROOT, 'test/e2e/screenshots/console.png') });
  }

  // The token is in the keychain, under the org URL…
  expect(await keychain.get(sandboxOrg.orgUrl)).toBe(sandboxOrg.apiToken);
  // …and nowhere else the run could have put it.
  expect(
    await findSecretOutsideKeychain(sandboxOrg.apiToken, consoleApp, [testInfo.outputDir]),
  ).toEqual([]);
  expect(consoleApp.contractResponses.length).toBeGreaterThan(3);

  // Remove both; the keychain entry goes with the Okta-style profile.
  await local.getByRole('button', { name: 'Remove…' }).click();
  await page.getByRole('button', { name: 'Remove Local sandbox org' }).click();
  await expect(local).toBeHidden();
  await team.getByRole('button', { name: 'Remove…' }).click();
  await expect(team).toContainText('Its API token is deleted from the OS keychain');
  await page.getByRole('button', { name: 'Remove Team sandbox' }).click();
  await expect(team).toBeHidden();
  await expect(page.getByText('No org connected')).toBeVisible();
  expect(await keychain.get(sandboxOrg.orgUrl)).toBeNull();
});

test('a connection survives a restart of the console', async ({ sandboxOrg, page }, testInfo) => {
  test.skip(testInfo.project.name === 'electron', 'relaunching is covered by the browser-mode run');
  const { launchConsole } = await import('./support/console-fixture.ts');
  const first = await launchConsole({ projectName: testInfo.project.name, page });
  const form = first.page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByLabel('Org URL').fill(sandboxOrg.orgUrl);
  await form.getByLabel('API token').fill(sandboxOrg.apiToken);
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(first.page.getByRole('listitem', { name: /SSO Console Sandbox/ })).toBeVisible();
  await first.close();
  // Same data folder, new process: the profile is read back and its token is still usable.
  const { startNodeScript } = await import('../support/processes.ts');
  const second = startNodeScript('main/launcher.ts', [
    '--browser',
    '--no-open',
    '--port',
    '0',
    '--user-data-dir',
    first.dataDir,
  ]);
  try {
    const entryUrl =
      /(http:\/\/\S+)/.exec(await second.waitForLine(/running in browser mode at http/))?.[1] ?? '';
    await page.goto(entryUrl);
    const item = page.getByRole('listitem', { name: /SSO Console Sandbox/ });
    const verifyButton = item.getByRole('button', { name: /^Verify/ });
    await verifyButton.click();
    await expect(verifyButton).toBeEnabled();
    await expect(page.getByRole('alert')).toHaveCount(0);
    // The same check fails once the keychain no longer holds the token: it really read it.
    await keychain.delete(sandboxOrg.orgUrl);
    await verifyButton.click();
    await expect(page.locator('[data-error-code="TOKEN_MISSING"]')).toBeVisible();
  } finally {
    await second.stop();
    await keychain.delete(sandboxOrg.orgUrl);
  }
});
