import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import {
  readVerifications,
  recordVerification,
} from '../../../../main/export/verification-record.ts';
import { createJsonLinesJournal } from '../../../../main/platform/journal.ts';

const folders: string[] = [];
function folder(): string {
  const made = mkdtempSync(path.join(os.tmpdir(), 'journal-'));
  folders.push(made);
  return made;
}
afterEach(() => {
  for (const made of folders.splice(0)) {
    rmSync(made, { recursive: true, force: true });
  }
});

describe('createJsonLinesJournal', () => {
  it('writes one line per entry, 0600 in a 0700 folder, and reads them back', async () => {
    const file = path.join(folder(), 'journals', 'setup.jsonl');
    const journal = createJsonLinesJournal<{ step: number }>(file);
    await journal.append({ step: 1 });
    await journal.append({ step: 2 });
    expect(await journal.read()).toEqual([{ step: 1 }, { step: 2 }]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('refuses to write through a symbolic link planted where the journal goes', async () => {
    const base = folder();
    const elsewhere = path.join(base, 'elsewhere.txt');
    writeFileSync(elsewhere, 'not the console’s\n');
    const file = path.join(base, 'setup.jsonl');
    symlinkSync(elsewhere, file);
    await expect(createJsonLinesJournal(file).append({ step: 1 })).rejects.toThrow(
      /is a symbolic link, so the console did not write to it/,
    );
    expect(readFileSync(elsewhere, 'utf8')).toBe('not the console’s\n');
  });
});

describe('recordVerification', () => {
  it('keeps the record, with the verified files’ names, in a 0700 exports folder', async () => {
    const dataDir = folder();
    await recordVerification(
      dataDir,
      {
        target: 'kestra',
        ok: true,
        contentHash: 'abc',
        verifiedAt: '2026-12-06T10:00:00.000Z',
      } as never,
      ['application.yml'],
    );
    expect(statSync(path.join(dataDir, 'exports')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dataDir, 'exports', 'verifications.jsonl')).mode & 0o777).toBe(0o600);
    expect(await readVerifications(dataDir)).toEqual([
      expect.objectContaining({ contentHash: 'abc', files: ['application.yml'] }),
    ]);
  });
});
