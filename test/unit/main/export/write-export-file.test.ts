import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { hashOf, writeExportFile } from '../../../../main/export/write-export-file.ts';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'export-write-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);

describe('writeExportFile', () => {
  it('writes a new file with 0644, leaving no temporary file', async () => {
    const target = path.join(folder, 'application.yml');
    const outcome = await writeExportFile({ target, content: 'a: 1\n', sensitive: false });
    expect(outcome).toEqual({ kind: 'saved', path: target, mode: '0644' });
    expect(readFileSync(target, 'utf8')).toBe('a: 1\n');
    expect(modeOf(target)).toBe('644');
    expect(readdirSync(folder)).toEqual(['application.yml']);
  });

  it('writes a file holding the secret with exactly 0600', async () => {
    const target = path.join(folder, '.env');
    await writeExportFile({ target, content: 'SECRET=x\n', sensitive: true });
    expect(modeOf(target)).toBe('600');
  });

  it('shows the diff instead of replacing an existing file, masked, and replaces on its hash', async () => {
    const target = path.join(folder, '.env');
    writeFileSync(target, 'ISSUER=old\nSECRET=hunter2\n');
    const first = await writeExportFile({
      target,
      content: 'ISSUER=new\nSECRET=hunter2\n',
      sensitive: true,
      mask: (text) => text.replaceAll('hunter2', '••••'),
    });
    expect(first.kind).toBe('confirm-overwrite');
    if (first.kind !== 'confirm-overwrite') {
      return;
    }
    expect(first.diff).toContain('-ISSUER=old');
    expect(first.diff).toContain('+ISSUER=new');
    expect(first.diff).not.toContain('hunter2');
    expect(readFileSync(target, 'utf8')).toBe('ISSUER=old\nSECRET=hunter2\n');
    expect(first.replaceHash).toBe(hashOf('ISSUER=old\nSECRET=hunter2\n'));

    const replaced = await writeExportFile({
      target,
      content: 'ISSUER=new\nSECRET=hunter2\n',
      sensitive: true,
      replaceHash: first.replaceHash,
    });
    expect(replaced.kind).toBe('saved');
    expect(readFileSync(target, 'utf8')).toBe('ISSUER=new\nSECRET=hunter2\n');
    expect(modeOf(target)).toBe('600');
  });

  it('asks again when the file changed after the diff was shown', async () => {
    const target = path.join(folder, 'a.yml');
    writeFileSync(target, 'one\n');
    const first = await writeExportFile({ target, content: 'two\n', sensitive: false });
    writeFileSync(target, 'changed meanwhile\n');
    const second = await writeExportFile({
      target,
      content: 'two\n',
      sensitive: false,
      ...(first.kind === 'confirm-overwrite' ? { replaceHash: first.replaceHash } : {}),
    });
    expect(second.kind).toBe('confirm-overwrite');
    expect(readFileSync(target, 'utf8')).toBe('changed meanwhile\n');
  });

  it('saves over an identical file without asking', async () => {
    const target = path.join(folder, 'a.yml');
    writeFileSync(target, 'same\n');
    expect((await writeExportFile({ target, content: 'same\n', sensitive: false })).kind).toBe(
      'saved',
    );
  });
});
