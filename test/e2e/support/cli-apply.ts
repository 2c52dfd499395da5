import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Page } from '@playwright/test';

import type { SetupDocument } from '../../../shared/setup/setup-document.ts';
import { startNodeScript } from '../../support/processes.ts';
import { collect, type OktaSdkClient } from '../../support/sandbox-sdk.ts';
import { expect } from './console-fixture.ts';

/**
 * Applies `setup` with the command line (`apply --yes`) into the console's own data folder, as
 * an admin who scripts day one does, and finds the app it created in the org by its label.
 *
 * @returns The app as the org lists it (undefined when apply created none), and the scratch
 * folder the setup file was written to, for the test's other files.
 */
export async function applyWithCli(options: {
  client: OktaSdkClient;
  orgUrl: string;
  apiToken: string;
  dataDir: string;
  setup: SetupDocument;
  /** The scratch folder's name prefix. */
  folderPrefix: string;
}) {
  const { client, orgUrl, apiToken, dataDir, setup } = options;
  const folder = mkdtempSync(path.join(os.tmpdir(), options.folderPrefix));
  const file = path.join(folder, 'kestra.json');
  writeFileSync(file, JSON.stringify(setup));
  const cli = startNodeScript(
    'main/cli/sso-console.ts',
    ['apply', file, '--yes', '--org-url', orgUrl, '--user-data-dir', dataDir],
    { ...process.env, SSO_CONSOLE_API_TOKEN: apiToken },
  );
  expect(await cli.waitForExit(), cli.stderr.join('\n')).toBe(0);
  const [app] = (await collect(
    await client.applicationApi.listApplications({ q: setup.app.label }),
  )) as unknown as (
    { id: string; credentials: { oauthClient: { client_id: string } } } | undefined
  )[];
  return { app, folder };
}

/** Connects the console to the org with an API token, as the admin does on the first screen. */
export async function connectWithToken(page: Page, orgUrl: string, apiToken: string) {
  const form = page.getByRole('region', { name: 'Connect your Okta org' });
  await form.getByLabel('Org URL').fill(orgUrl);
  await form.getByLabel('API token').fill(apiToken);
  await form.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('banner')).toContainText('Active org: SSO Console Sandbox');
}
