import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

import { createExportService } from '../../../../main/export/export-service.ts';
import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep, testKeychain } from '../../../support/apply-setup.ts';
import { changedLines } from '../../../support/merge-assertions.ts';

/**
 * A merge into the file the admin already runs, through the real export service on the sandbox
 * org: the admin's `application.yml` is merged in main, and saving over it shows the diff first —
 * with the client secret masked — and writes nothing until the admin replaces it with the hash of
 * the file that diff was made against. The diff holds the export's own lines only.
 */

let sandbox: RunningSandbox;
let folder: string;
let document: SetupDocument;
const keychain = testKeychain();

/** The admin's application.yml: comments, spacing, other settings, kestra.url already right. */
const EXISTING = [
  '# Kestra on the build host',
  'datasources:',
  '  postgres:',
  '    url: jdbc:postgresql://postgres:5432/kestra   # the compose service',
  'kestra:',
  '  url: http://localhost:8080/ # public URL',
  '  storage:',
  '    type: local',
  'micronaut:',
  '  server:',
  '    port: 8080',
  '',
].join('\n');

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-merge-diff-'));
  document = createSetupDocument({ id: 'merge-diff', preset: 'kestra', label: 'Kestra merge' });
  await applyAndKeep({
    client: orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken }).client,
    orgUrl: sandbox.orgUrl,
    document,
    keychain,
  });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('merging into the application.yml the admin runs', () => {
  it('shows the diff of the export’s own lines, secret masked, before writing anything', async () => {
    const target = path.join(folder, 'application.yml');
    writeFileSync(target, EXISTING);
    const exports = createExportService({
      activeOrg: () =>
        Promise.resolve(orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken })),
      secrets: keychain,
      dataDir: folder,
    });
    const rendered = await exports.render({
      document,
      targets: ['kestra'],
      inlineSecret: true,
      mergeInto: { target: 'kestra', content: readFileSync(target, 'utf8') },
    });
    expect(rendered.refused).toEqual([]);
    const request = { renderId: rendered.renderId, target: 'kestra' as const };
    const merged = exports.revealFile({ ...request, name: 'application.yml' }).content;
    const secret: unknown = parseDocument(merged).getIn([
      'micronaut',
      'security',
      'oauth2',
      'clients',
      'okta',
      'client-secret',
    ]);
    if (typeof secret !== 'string' || secret.length < 20) {
      throw new Error('The merged file should hold the inline client secret.');
    }

    const first = await exports.saveAt({ ...request, name: 'application.yml', path: target });
    expect(first.kind).toBe('confirm-overwrite');
    if (first.kind !== 'confirm-overwrite') {
      return;
    }
    // Nothing is written before the admin answers.
    expect(readFileSync(target, 'utf8')).toBe(EXISTING);
    // The diff removes no line of the admin's file and shows the secret masked, never in clear.
    const diffLines = first.diff.split('\n');
    expect(diffLines.filter((line) => line.startsWith('-') && !line.startsWith('---'))).toEqual([]);
    expect(first.diff).toContain('+      clients:');
    expect(first.diff).toMatch(/\+ {10}client-secret: "(\[redacted\]|•+)"/);
    expect(first.diff).not.toContain(secret);
    expect(first.diff).not.toContain('-  url: http://localhost:8080/ # public URL');

    const saved = await exports.saveAt({
      ...request,
      name: 'application.yml',
      path: target,
      replaceHash: first.replaceHash,
    });
    expect(saved).toMatchObject({ kind: 'saved', mode: '0600' });
    const written = readFileSync(target, 'utf8');
    expect(written).toBe(merged);
    expect(changedLines(EXISTING, written).removed).toEqual([]);
    expect(written).toContain('\n  url: http://localhost:8080/ # public URL\n');
    expect(parseDocument(written).errors).toEqual([]);
  });

  it('writes a merged file readable by its owner only, even without the client secret in it', async () => {
    // The admin's own file may hold its own secrets: a database password.
    const withPassword = EXISTING.replace(
      '    url: jdbc:postgresql://postgres:5432/kestra   # the compose service\n',
      '    url: jdbc:postgresql://postgres:5432/kestra   # the compose service\n    password: hunter2\n',
    );
    const target = path.join(folder, 'with-password', 'application.yml');
    mkdirSync(path.dirname(target), { recursive: true });
    const exports = createExportService({
      activeOrg: () =>
        Promise.resolve(orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken })),
      secrets: keychain,
      dataDir: folder,
    });
    const rendered = await exports.render({
      document,
      targets: ['kestra'],
      inlineSecret: false,
      mergeInto: { target: 'kestra', content: withPassword },
    });
    expect(rendered.refused).toEqual([]);
    const saved = await exports.saveAt({
      renderId: rendered.renderId,
      target: 'kestra',
      name: 'application.yml',
      path: target,
    });
    expect(saved).toMatchObject({ kind: 'saved', mode: '0600' });
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readFileSync(target, 'utf8')).toContain('password: hunter2');
  });

  it('refuses a file it cannot merge into, saying how to go on, and writes nothing', async () => {
    const exports = createExportService({
      activeOrg: () =>
        Promise.resolve(orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken })),
      secrets: keychain,
      dataDir: folder,
    });
    const rendered = await exports.render({
      document,
      targets: ['kestra'],
      inlineSecret: false,
      mergeInto: { target: 'kestra', content: 'micronaut: {security: {}}\n' },
    });
    expect(rendered.outputs).toEqual([]);
    expect(rendered.refused).toEqual([
      {
        target: 'kestra',
        message: expect.stringContaining('as a flow mapping') as string,
        hint: 'Fix the file to merge into as the message says, or export Kestra without merging and merge by hand.',
      },
    ]);
  });
});
