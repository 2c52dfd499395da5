import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createExportService } from '../../../../main/export/export-service.ts';
import { createActiveOrg, createOrgSchedulers } from '../../../../main/okta/active-org.ts';
import { createOktaClient } from '../../../../main/okta/okta-client.ts';
import { clientSecretAccount } from '../../../../main/platform/secrets/keychain-accounts.ts';
import { KeytarSecretStore } from '../../../../main/platform/secrets/keytar-secret-store.ts';
import type { ProfileService } from '../../../../main/profiles/profile-service.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { isPortFree } from '../../../../main/sign-in/redirect-strategy.ts';
import { CHANNELS } from '../../../../shared/ipc/contract.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep } from '../../../support/apply-setup.ts';
import { freePort } from '../../../support/free-port.ts';

/**
 * The wizard's export service against the sandbox, with the real keychain: files rendered from
 * the org with the secret masked for the page, revealed on request, saved atomically (0600, the
 * diff before any overwrite), and verified by a sign-in in Chromium with what the files say.
 */

let sandbox: RunningSandbox;
let browser: Browser;
let folder: string;
let document: SetupDocument;
let result: Awaited<ReturnType<typeof applyAndKeep>>;
const secrets = new KeytarSecretStore();

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  folder = mkdtempSync(path.join(os.tmpdir(), 'export-service-'));
  document = createSetupDocument({
    id: 'export-service',
    preset: 'kestra',
    baseUrl: `http://localhost:${String(await freePort())}`,
    label: 'Kestra export service',
  });
  document.assignments.testUser = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada.export.service@example.com',
  };
  // As the setup service does: the secrets go to the keychain the export reads.
  result = await applyAndKeep({
    client: createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }),
    orgUrl: sandbox.orgUrl,
    document,
    keychain: secrets,
  });
});
afterAll(async () => {
  await secrets.delete(clientSecretAccount(sandbox.orgUrl, result.clientId));
  await browser.close();
  await sandbox.close();
  rmSync(folder, { recursive: true, force: true });
});

function service(options: { chooseSavePath?: (name: string) => Promise<string | null> } = {}) {
  const profiles: Pick<ProfileService, 'list' | 'getCredentials'> = {
    list: () => Promise.resolve({ profiles: [], activeProfileId: 'sandbox' }),
    getCredentials: () => Promise.resolve({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }),
  };
  return createExportService({
    activeOrg: createActiveOrg({
      profiles,
      createClient: (credentials) => createOktaClient(credentials),
      schedulerFor: createOrgSchedulers(),
    }),
    secrets,
    dataDir: folder,
    ...(options.chooseSavePath === undefined ? {} : { chooseSavePath: options.chooseSavePath }),
  });
}

describe('the export service', () => {
  it('renders from the org, masks an inline secret for the page, reveals it on request', async () => {
    const exports = service();
    const rendered = await exports.render({
      document,
      targets: ['kestra', 'kaimu'],
      inlineSecret: true,
    });
    expect(CHANNELS['export:render'].response.safeParse(rendered).success).toBe(true);
    const secret = result.clientSecret ?? '-';
    expect(JSON.stringify(rendered).includes(secret)).toBe(false);
    const [kestra] = rendered.outputs;
    const file = kestra?.files[0];
    expect(file?.sensitive).toBe(true);
    expect(file?.content).toContain('••••••••');
    // Kaimu's callback rule finds no registered redirect URI in a Kestra setup: said, not hidden.
    expect(rendered.refused.map((refusal) => refusal.target)).toEqual(['kaimu']);
    expect(rendered.refused[0]?.message).toMatch(/redirect URI|callback/i);
    const revealed = exports.revealFile({
      renderId: rendered.renderId,
      target: 'kestra',
      name: file?.name ?? '',
    });
    expect(revealed.content.includes(secret)).toBe(true);
  });

  it('saves with 0600, shows the masked diff before replacing, and downloads in browser mode', async () => {
    const target = path.join(folder, 'application.yml');
    const exports = service({ chooseSavePath: () => Promise.resolve(target) });
    const inline = await exports.render({ document, targets: ['kestra'], inlineSecret: true });
    const name = inline.outputs[0]?.files[0]?.name ?? '';
    expect(await exports.save({ renderId: inline.renderId, target: 'kestra', name })).toEqual({
      kind: 'saved',
      path: target,
      mode: '0600',
    });
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const referenced = await exports.render({ document, targets: ['kestra'], inlineSecret: false });
    const asked = await exports.save({ renderId: referenced.renderId, target: 'kestra', name });
    expect(asked.kind).toBe('confirm-overwrite');
    if (asked.kind !== 'confirm-overwrite') {
      return;
    }
    expect(asked.diff).toContain('${OKTA_CLIENT_SECRET}');
    expect(asked.diff.includes(result.clientSecret ?? '-')).toBe(false);
    expect(readFileSync(target, 'utf8').includes(result.clientSecret ?? '-')).toBe(true);
    const replaced = await exports.save({
      renderId: referenced.renderId,
      target: 'kestra',
      name,
      replace: { id: asked.replaceId, hash: asked.replaceHash },
    });
    expect(replaced).toMatchObject({ kind: 'saved', mode: '0644' });
    expect(readFileSync(target, 'utf8').includes(result.clientSecret ?? '-')).toBe(false);

    const browserMode = service();
    const again = await browserMode.render({ document, targets: ['kestra'], inlineSecret: false });
    expect(await browserMode.save({ renderId: again.renderId, target: 'kestra', name })).toEqual({
      kind: 'download',
    });
  });

  it('verifies by signing in with what the files say, and records it', async () => {
    const exports = service();
    const rendered = await exports.render({ document, targets: ['kestra'], inlineSecret: false });
    const started = await exports.verifyStart({
      renderId: rendered.renderId,
      target: 'kestra',
      user: { kind: 'test-user' },
    });
    expect(CHANNELS['export:verify-start'].response.safeParse(started).success).toBe(true);
    expect(started.strategy.kind).toBe('app-loopback');
    expect(started.reading).toMatchObject({
      issuer: sandbox.orgUrl,
      clientId: result.clientId,
      redirectUri: document.app.redirectUris[0],
      clientSecretFrom: 'environment variable OKTA_CLIENT_SECRET',
    });
    expect(started.user.login).toBe('ada.export.service@example.com');
    const page = await browser.newPage();
    await page.goto(started.authorizeUrl);
    await page.getByLabel('Username').fill('ada.export.service@example.com');
    await page.getByLabel('Password').fill(result.testUserPassword ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const verified = await exports.verifyWait(started.verificationId);
    await page.close();
    expect(CHANNELS['export:verify-wait'].response.safeParse(verified).success).toBe(true);
    expect(verified.ok).toBe(true);
    expect(verified.claims?.email).toBe('ada.export.service@example.com');
    const record = readFileSync(path.join(folder, 'exports', 'verifications.jsonl'), 'utf8');
    expect(JSON.parse(record.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
      target: 'kestra',
      ok: true,
      contentHash: verified.contentHash,
      files: rendered.outputs[0]?.files.map((file) => file.name),
    });
  });

  it('verifies files given as they are deployed by the same sign-in, and records where they are', async () => {
    const exports = service();
    const rendered = await exports.render({ document, targets: ['kestra'], inlineSecret: false });
    const name = rendered.outputs[0]?.files[0]?.name ?? '';
    const { content } = exports.revealFile({ renderId: rendered.renderId, target: 'kestra', name });
    const deployed = { name, content, path: '/etc/kestra/application.yml' };
    // A deployed file has no setup to take a test user from: the login is named.
    await expect(
      exports.verifyFilesStart({
        target: 'kestra',
        files: [deployed],
        user: { kind: 'test-user' },
      }),
    ).rejects.toThrow('have no setup to take a test user from');

    const started = await exports.verifyFilesStart({
      target: 'kestra',
      files: [deployed],
      user: { kind: 'existing', login: 'ada.export.service@example.com' },
    });
    expect(CHANNELS['export:verify-start'].response.safeParse(started).success).toBe(true);
    expect(started.strategy.kind).toBe('app-loopback');
    expect(started.reading).toMatchObject({ clientId: result.clientId, issuer: sandbox.orgUrl });
    expect(started.user).toEqual({
      login: 'ada.export.service@example.com',
      passwordInKeychain: true,
    });
    const page = await browser.newPage();
    await page.goto(started.authorizeUrl);
    await page.getByLabel('Username').fill('ada.export.service@example.com');
    await page.getByLabel('Password').fill(result.testUserPassword ?? '');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const verified = await exports.verifyWait(started.verificationId);
    await page.close();
    expect(verified.ok).toBe(true);
    const record = readFileSync(path.join(folder, 'exports', 'verifications.jsonl'), 'utf8');
    expect(JSON.parse(record.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
      target: 'kestra',
      ok: true,
      contentHash: verified.contentHash,
      files: ['/etc/kestra/application.yml'],
    });
  });

  it('frees the files’ port when a verification is cancelled without being waited for', async () => {
    const exports = service();
    const rendered = await exports.render({ document, targets: ['kestra'], inlineSecret: false });
    const started = await exports.verifyStart({
      renderId: rendered.renderId,
      target: 'kestra',
      user: { kind: 'test-user' },
    });
    const port = Number(new URL(started.reading.redirectUri).port);
    expect(await isPortFree('localhost', port)).toBe(false);
    await exports.verifyCancel(started.verificationId);
    expect(await isPortFree('localhost', port)).toBe(true);
    await expect(exports.verifyWait(started.verificationId)).rejects.toThrow('has ended');
  });
});
