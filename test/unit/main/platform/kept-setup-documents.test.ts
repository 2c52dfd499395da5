import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  keepSetupDocument,
  keptSetupDocumentFile,
  readKeptSetupDocuments,
} from '../../../../main/platform/kept-setup-documents.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kept-documents-'));
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kept setup documents', () => {
  it('keeps the last applied copy of each document, 0600, and reads them back', async () => {
    const first = createSetupDocument({ id: 'a', preset: 'kestra', label: 'One' });
    await keepSetupDocument(dataDir, first);
    await keepSetupDocument(dataDir, { ...first, app: { ...first.app, label: 'Two' } });
    const file = keptSetupDocumentFile(dataDir, 'a');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const kept = await readKeptSetupDocuments(dataDir);
    expect(kept.map(({ file: f, document }) => [f, document.app.label])).toEqual([[file, 'Two']]);
  });

  it('names a document whose id is not a plain name by its hash, inside the folder', () => {
    const file = keptSetupDocumentFile(dataDir, '../../etc/passwd');
    expect(path.dirname(file)).toBe(path.join(dataDir, 'setups'));
    expect(path.basename(file)).toMatch(/^[0-9a-f]{32}\.json$/);
  });

  it('reads nothing from a missing folder, and leaves out files that are not documents', async () => {
    expect(await readKeptSetupDocuments(dataDir)).toEqual([]);
    await keepSetupDocument(dataDir, createSetupDocument({ id: 'b', preset: 'web' }));
    writeFileSync(path.join(dataDir, 'setups', 'torn.json'), '{"formatVersion":');
    writeFileSync(path.join(dataDir, 'setups', 'other.json'), '{"formatVersion": 99}');
    expect((await readKeptSetupDocuments(dataDir)).map(({ document }) => document.id)).toEqual([
      'b',
    ]);
  });
});
