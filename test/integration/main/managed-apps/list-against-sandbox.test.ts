import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ManagedApp } from '../../../../main/managed-apps/managed-apps.ts';
import { createJsonLinesJournal } from '../../../../main/platform/journal.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { startNodeScript } from '../../../support/processes.ts';
import { kestraApp, sdkClient } from '../../../support/sandbox-sdk.ts';

/**
 * Issue 17 item 1, "Managed apps", the command line: `sso-console list` against the sandbox
 * shows exactly the apps the console created or adopted, with their counts, and drift once the
 * org no longer matches a setup's document.
 */

let sandbox: RunningSandbox;
let dataDir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' }, rateLimits: 'unlimited' });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-list-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[]) {
  return startNodeScript(
    'main/cli/sso-console.ts',
    [...args, '--org-url', sandbox.orgUrl, '--user-data-dir', dataDir],
    { ...process.env, SSO_CONSOLE_API_TOKEN: sandbox.apiToken },
  );
}

async function applyFile(document: SetupDocument): Promise<void> {
  const file = path.join(dataDir, `${document.id}.json`);
  writeFileSync(file, JSON.stringify(document));
  const applied = cli(['apply', file, '--yes']);
  expect(await applied.waitForExit(), applied.stderr.join('\n')).toBe(0);
}

async function listJson(): Promise<ManagedApp[]> {
  const listed = cli(['list', '--json']);
  expect(await listed.waitForExit(), listed.stderr.join('\n')).toBe(0);
  return JSON.parse(listed.stdout.join('\n')) as ManagedApp[];
}

describe('sso-console list against the sandbox', () => {
  it('says so when the console manages no app in the org', async () => {
    const listed = cli(['list']);
    expect(await listed.waitForExit()).toBe(0);
    expect(listed.stdout.join('\n')).toBe(
      `No app this console created or adopted is in ${sandbox.orgUrl}.`,
    );
  });

  it('lists the created and the adopted app, not the others, and their drift', async () => {
    const sdk = sdkClient(sandbox.orgUrl, sandbox.apiToken);
    await sdk.applicationApi.createApplication({ application: kestraApp('Not ours') });
    const existing = await sdk.applicationApi.createApplication({
      application: kestraApp('Adopted'),
    });
    const adoptedId = existing.id ?? '';

    const created = createSetupDocument({ id: 'list-created', preset: 'kestra', label: 'Made' });
    created.assignments = {
      users: [{ login: 'alice.martin@example.com' }],
      groups: [{ name: 'Kestra Admins' }],
      testUser: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada.list@example.com' },
    };
    const adopted = createSetupDocument({ id: 'list-adopted', preset: 'web', label: 'Adopted' });
    adopted.app.existingAppId = adoptedId;
    adopted.assignments = { users: [{ login: 'alice.martin@example.com' }], groups: [] };
    await applyFile(created);
    await applyFile(adopted);

    const before = await listJson();
    expect(before.map((app) => [app.label, app.managedAs])).toEqual([
      ['Adopted', 'adopted'],
      ['Made', 'created'],
    ]);
    const [adoptedApp, createdApp] = before as [ManagedApp, ManagedApp];
    expect(createdApp).toMatchObject({
      status: 'ACTIVE',
      issuer: sandbox.orgUrl,
      target: 'kestra',
      users: 2,
      groups: 1,
      secretAgeDays: 0,
      lastVerifiedExport: null,
      drift: false,
      document: { id: 'list-created', file: path.join(dataDir, 'setups', 'list-created.json') },
    });
    expect(adoptedApp).toMatchObject({
      id: adoptedId,
      status: 'ACTIVE',
      target: 'web',
      users: 1,
      groups: 0,
      drift: false,
      document: { id: 'list-adopted' },
    });
    // The kept copy is the document applied, readable only by its owner.
    const kept = path.join(dataDir, 'setups', 'list-created.json');
    expect(JSON.parse(readFileSync(kept, 'utf8'))).toEqual(created);
    expect(statSync(kept).mode & 0o777).toBe(0o600);

    // A verified export of the created app's client is reported.
    await createJsonLinesJournal(path.join(dataDir, 'exports', 'verifications.jsonl')).append({
      target: 'kestra',
      ok: true,
      contentHash: 'abc123',
      files: ['application.yml'],
      verifiedAt: '2026-12-07T03:00:00.000Z',
      issuer: sandbox.orgUrl,
      clientId: createdApp.clientId,
    });

    // Another admin adds a redirect URI to the created app.
    const current = (await sdk.applicationApi.getApplication({
      appId: createdApp.id,
    })) as unknown as { settings: { oauthClient: { redirect_uris: string[] } } };
    current.settings.oauthClient.redirect_uris.push('https://elsewhere.example.com/callback');
    await sdk.applicationApi.replaceApplication({
      appId: createdApp.id,
      application: current as never,
    });

    const after = await listJson();
    expect(after.map((app) => [app.label, app.drift])).toEqual([
      ['Adopted', false],
      ['Made', true],
    ]);
    expect(after[1]?.lastVerifiedExport).toEqual({
      verifiedAt: '2026-12-07T03:00:00.000Z',
      target: 'kestra',
      files: ['application.yml'],
      contentHash: 'abc123',
    });

    const table = cli(['list']);
    expect(await table.waitForExit()).toBe(0);
    const lines = table.stdout;
    expect(lines[0]).toMatch(/^LABEL\s+ID\s+STATUS\s+ISSUER\s+TARGET\s+USERS\s+GROUPS/);
    expect(lines.slice(1).map((line) => /^(\S+)/.exec(line)?.[1])).toEqual(['Adopted', 'Made']);
    expect(lines[2]).toMatch(
      /\s2\s+1\s+0 d\s+2026-12-07T03:00:00.000Z kestra \(application\.yml\)\s+yes\s+/,
    );
  });
});
