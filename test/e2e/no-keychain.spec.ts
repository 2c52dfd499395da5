import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Page } from '@playwright/test';

import { SETUP_DOCUMENT_STORAGE_KEY } from '../../renderer/stores/setup-document-store.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, launchConsole, test } from './support/console-fixture.ts';

/**
 * A first run on a machine with no Secret Service (the console's D-Bus session address leads
 * nowhere; the real keytar): the window says so at start, with what it means and how to get
 * one; an apply that would make a client secret and a test user's password is refused before
 * anything reaches the org, in words that are true; and only the admin's explicit choice of
 * this session's memory, its consequences stated first, lets the same apply go through.
 */

/** Every write the console's own sandbox org received, from its recorded exchanges. */
function writesTo(recordDir: string): string[] {
  if (!existsSync(recordDir)) {
    return [];
  }
  return readdirSync(recordDir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) => readFileSync(path.join(recordDir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { method: string; path: string })
    .filter((exchange) => exchange.method !== 'GET')
    .map((exchange) => `${exchange.method} ${exchange.path}`);
}

/**
 * From the setup kept in the window to its review, by the wizard's own buttons: Customize on the
 * target step (the quick path would replace the kept test user), then each step's Next.
 */
async function walkToReview(page: Page) {
  const apply = page.getByRole('button', { name: 'Apply', exact: true });
  const next = page
    .getByRole('button', { name: /^Next: / })
    .or(page.getByRole('button', { name: 'Customize', exact: true }));
  for (let step = 0; step < 8 && !(await apply.isVisible()); step += 1) {
    await next.first().click();
    await expect(next.or(apply).first()).toBeVisible();
  }
  await expect(apply).toBeVisible();
}

test('without a keychain: said at start, apply refused before any write, then applied on the explicit in-memory choice', async ({
  page,
}, testInfo) => {
  const recordDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-e2e-no-keychain-'));
  const app = await launchConsole({
    projectName: testInfo.project.name,
    page,
    env: {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
      // The console's own sandbox org records each exchange here: the proof of what it received.
      SSO_CONSOLE_SANDBOX_RECORD_DIR: recordDir,
    },
  });
  try {
    // At start, before anything is asked of it.
    const notice = page.getByRole('region', { name: 'No keychain is reachable' });
    await expect(notice).toContainText('only in the OS keychain (Secret Service), never in a file');
    await expect(notice).toContainText('Could not connect');
    await expect(notice).toContainText(
      'applying a setup that makes a secret is refused before anything changes in the org',
    );
    await expect(notice).toContainText('gnome-keyring');
    await expect(notice.locator('pre code')).toContainText('dbus-run-session -- bash -c');
    await expect(notice.locator('pre code')).toContainText('npm start -- --browser');
    await expectNoAxeViolations(page);

    // A Kestra setup with a test user, kept in the window from an earlier visit: straight to
    // its review on the local sandbox org, which needs no keychain.
    const document = createSetupDocument({
      id: 'e2e-no-keychain',
      preset: 'kestra',
      label: 'Kestra without keychain',
    });
    document.assignments.testUser = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada.no-keychain@example.com',
    };
    await page.evaluate(
      ([key, value]) => {
        localStorage.setItem(key, value);
      },
      [SETUP_DOCUMENT_STORAGE_KEY, JSON.stringify(document)] as const,
    );
    await page.reload();
    await page.getByRole('button', { name: 'Use the local sandbox org' }).click();
    await expect(page.getByRole('banner')).toContainText('Active org: Local sandbox org');
    await walkToReview(page);
    const summary = page.getByTestId('plan-summary');
    await expect(summary).toHaveText('Plan: 3 to create, 0 to update, 0 unchanged.');

    // Refused, before any write, in true words.
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const refusal = page.locator('[data-error-code="KEYCHAIN_UNAVAILABLE"]');
    await expect(refusal).toContainText('The Secret Service could not be used');
    await expect(refusal).toContainText('a client secret and a test user’s password');
    await expect(refusal).toContainText('nothing was written to the org');
    await expect(refusal).toContainText('this session’s memory only');
    await expect(refusal).not.toContainText('Nothing was saved');
    await expect(refusal).not.toContainText('API token');
    // The org read again still lacks all three, and its own record shows no write at all.
    await expect(summary).toHaveText('Plan: 3 to create, 0 to update, 0 unchanged.');
    expect(writesTo(recordDir)).toEqual([]);
    await expectNoAxeViolations(page);
    await page.screenshot({ path: testInfo.outputPath('no-keychain-refused.png'), fullPage: true });

    // The explicit choice, its consequences stated first; Escape backs out of it.
    const choose = notice.getByRole('button', { name: 'Keep secrets in memory for this session…' });
    await choose.click();
    const confirm = page.getByRole('group', {
      name: 'Keep secrets in this session’s memory instead?',
    });
    await expect(
      confirm.getByRole('heading', { name: 'Keep secrets in this session’s memory instead?' }),
    ).toBeFocused();
    await expect(confirm).toContainText('They are lost when the console quits');
    await expect(confirm).toContainText('export your files');
    await expectNoAxeViolations(page);
    await page.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(choose).toBeFocused();
    expect(writesTo(recordDir)).toEqual([]);

    await choose.click();
    await confirm.getByRole('button', { name: 'Keep secrets in memory until I quit' }).click();
    const memory = page.getByTestId('keychain-memory');
    await expect(memory).toBeFocused();
    await expect(memory).toContainText('Secrets are kept in this session’s memory only');
    await expect(memory).toContainText('lost when the console quits');
    await expect(notice).toBeHidden();

    // The same setup now applies, and its secrets are at hand from memory.
    await page.getByRole('button', { name: 'Apply again' }).click();
    await expect(page.getByRole('heading', { name: 'Setup applied' })).toBeFocused();
    await expect(summary).toHaveText(/^Plan: 0 to create, 0 to update/);
    const written = writesTo(recordDir);
    expect(written.filter((write) => write === 'POST /api/v1/apps')).toHaveLength(1);
    expect(written.filter((write) => write === 'POST /api/v1/users')).toHaveLength(1);
    // Said where they really are: memory, not the keychain.
    const appliedPanel = page.getByRole('region', { name: 'Setup applied' });
    await expect(appliedPanel).toContainText('Both are kept in this session’s memory');
    await expect(appliedPanel).not.toContainText('OS keychain');
    await expect(page.getByRole('banner')).toContainText('secrets in');
    await expect(page.getByRole('banner')).not.toContainText('Secret Service');
    await page.getByRole('button', { name: 'Show client secret' }).click();
    await expect(page.getByRole('region', { name: 'Setup applied' })).toContainText(
      /[A-Za-z0-9_-]{40,}/,
    );
    await expectNoAxeViolations(page);
  } finally {
    await app.close();
  }
});
