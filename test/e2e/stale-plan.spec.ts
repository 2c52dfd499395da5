import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { appRequestBody } from '../../main/setup/okta-bodies.ts';
import { SETUP_DOCUMENT_STORAGE_KEY } from '../../renderer/stores/setup-document-store.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { startNodeScript } from '../support/processes.ts';
import { replaceRedirectUrisAsAnotherAdmin, sdkClient } from '../support/sandbox-sdk.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './support/console-fixture.ts';

/**
 * Apply means "this plan": another admin edits the app in the Admin Console while the plan is
 * on screen, and the console refuses to apply it, shows what changed in place and the fresh plan
 * to review — and the command line refuses a saved plan the same way, with its exit code.
 */

const CALLBACK = 'http://localhost:8080/oauth/callback/okta';
const SECOND_CALLBACK = 'http://localhost:8080/oauth/callback/second';
const THEIRS = 'https://kestra.other-admin.example.com/oauth/callback/okta';

/** The app as the console made it earlier, and a document that now asks for one more URI. */
async function appMadeEarlier(orgUrl: string, apiToken: string, id: string, label: string) {
  const document: SetupDocument = createSetupDocument({
    id,
    preset: 'kestra',
    baseUrl: 'http://localhost:8080',
    label,
  });
  const client = sdkClient(orgUrl, apiToken);
  const app = (await client.applicationApi.createApplication({
    application: appRequestBody(document) as never,
  })) as { id: string };
  document.app.redirectUris = [CALLBACK, SECOND_CALLBACK];
  return { document, client, appId: app.id };
}

test('the review step refuses a plan the org has moved away from, shows the change, and applies the fresh plan', async ({
  consoleApp,
  sandboxOrg,
}, testInfo) => {
  const { page } = consoleApp;
  const { document, client, appId } = await appMadeEarlier(
    sandboxOrg.orgUrl,
    sandboxOrg.apiToken,
    'e2e-stale',
    'Kestra reviewed',
  );
  // The admin opened this setup earlier: the console kept it (it holds no secret).
  await page.evaluate(
    ([key, value]) => {
      localStorage.setItem(key, value);
    },
    [SETUP_DOCUMENT_STORAGE_KEY, JSON.stringify(document)] as const,
  );
  await page.reload();
  const form = page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByLabel('Org URL').fill(sandboxOrg.orgUrl);
  await form.getByLabel('API token').fill(sandboxOrg.apiToken);
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('banner')).toContainText('Active org: SSO Console Sandbox');
  for (const next of [
    'Next: target app',
    'Customize',
    'Next: users and groups',
    'Next: issuer',
    'Next: review',
  ]) {
    await page.getByRole('button', { name: next }).click();
  }
  await expect(page.getByTestId('plan-summary')).toHaveText(
    'Plan: 0 to create, 1 to update, 0 unchanged.',
  );
  const reviewed = page
    .getByRole('list', { name: 'Changes' })
    .getByRole('listitem', { name: 'App integration "Kestra reviewed": update' });
  await expect(reviewed).toContainText(SECOND_CALLBACK);

  // Meanwhile, another admin changes the app's redirect URIs in the Admin Console.
  await replaceRedirectUrisAsAnotherAdmin(client, appId, [CALLBACK, THEIRS]);
  await page.getByRole('button', { name: 'Apply', exact: true }).click();

  const stale = page.getByTestId('stale-plan');
  await expect(stale).toBeFocused();
  await expect(stale).toContainText(
    'The org changed since you reviewed this plan, so nothing was applied.',
  );
  const changed = stale.getByRole('list', { name: 'What changed in the org' });
  await expect(changed).toContainText('App integration "Kestra reviewed": changed in the org');
  const redirects = changed.getByRole('row', { name: /^Sign-in redirect URIs/ });
  await expect(redirects).toContainText(THEIRS);
  await expectNoAxeViolations(page);
  await page.screenshot({ path: testInfo.outputPath('stale-plan.png'), fullPage: true });
  // Nothing was written: the other admin's URIs are still the app's.
  const now = (await client.applicationApi.getApplication({ appId })) as unknown as {
    settings: { oauthClient: { redirect_uris: string[] } };
  };
  expect(now.settings.oauthClient.redirect_uris).toEqual([CALLBACK, THEIRS]);

  // The fresh plan is on screen: it replaces their URI with the setup's, in plain sight.
  await expect(reviewed).toContainText(THEIRS);
  await page.getByRole('button', { name: 'Apply the new plan' }).click();
  await expect(page.getByRole('heading', { name: 'Setup applied' })).toBeFocused();
  await expect(page.getByTestId('plan-summary')).toHaveText(/^Plan: 0 to create, 0 to update/);
});

test('the command line refuses a saved plan the org has moved away from, with exit code 3', async ({
  sandboxOrg,
}) => {
  const { document, client, appId } = await appMadeEarlier(
    sandboxOrg.orgUrl,
    sandboxOrg.apiToken,
    'e2e-stale-cli',
    'Kestra planned',
  );
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-e2e-stale-'));
  const file = path.join(folder, 'kestra.json');
  const planFile = path.join(folder, 'kestra.plan.json');
  writeFileSync(file, JSON.stringify(document));
  const run = async (args: string[]) => {
    const cli = startNodeScript(
      'main/cli/sso-console.ts',
      [...args, '--org-url', sandboxOrg.orgUrl, '--user-data-dir', folder],
      { ...process.env, SSO_CONSOLE_API_TOKEN: sandboxOrg.apiToken },
    );
    return {
      code: await cli.waitForExit(),
      stdout: cli.stdout.join('\n'),
      stderr: cli.stderr.join('\n'),
    };
  };
  expect((await run(['plan', file, '--out', planFile])).code).toBe(0);
  await replaceRedirectUrisAsAnotherAdmin(client, appId, [CALLBACK, THEIRS]);

  const refused = await run(['apply', planFile]);
  expect(refused.code).toBe(3);
  expect(refused.stdout).toContain('~ App integration "Kestra planned": changed in the org');
  expect(refused.stdout).toContain(THEIRS);
  expect(refused.stderr).toContain('nothing was written');
  const now = (await client.applicationApi.getApplication({ appId })) as unknown as {
    settings: { oauthClient: { redirect_uris: string[] } };
  };
  expect(now.settings.oauthClient.redirect_uris).toEqual([CALLBACK, THEIRS]);

  // A new plan, reviewed, applies.
  expect((await run(['plan', file, '--out', planFile])).code).toBe(0);
  expect((await run(['apply', planFile])).code).toBe(0);
});
