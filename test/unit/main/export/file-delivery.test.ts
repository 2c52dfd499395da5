import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createFileDelivery } from '../../../../main/export/file-delivery.ts';
import { createRenderings } from '../../../../main/export/renderings.ts';
import type { ExportedFile, ExportOutput } from '../../../../shared/export/export-targets.ts';

/**
 * File delivery over a kept rendering: where `--out` puts each file, and a different file on
 * disk replaced only with the hash of the file its diff was shown against — the secret masked.
 */

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'export-delivery-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

const SECRET = 'kept-secret-0123456789abcdef';

function file(name: string, content: string): ExportedFile {
  return { name, language: 'dotenv', content, sensitive: false, purpose: `the ${name}` };
}

/** A delivery over one rendering of `files`, as the renderings would keep it. */
function deliveryOf(files: ExportedFile[]) {
  const output = {
    target: 'dotenv',
    files,
    nextSteps: [],
    warnings: [],
  } as unknown as ExportOutput;
  const renderings: Pick<ReturnType<typeof createRenderings>, 'fileOf' | 'outputOf'> = {
    fileOf: (_renderId, _target, name) => {
      const found = files.find((candidate) => candidate.name === name);
      if (found === undefined) {
        throw new Error(`no ${name}`);
      }
      return {
        rendering: { orgUrl: '', document: {} as never, outputs: [output], knownSecrets: [SECRET] },
        output,
        file: found,
      };
    },
    outputOf: () => ({
      rendering: { orgUrl: '', document: {} as never, outputs: [output], knownSecrets: [SECRET] },
      output,
      exporter: {} as never,
    }),
  };
  return createFileDelivery({ renderings });
}

describe('file delivery', () => {
  it('puts a one-file target at --out, and several files into it by name', async () => {
    const one = deliveryOf([file('.env', 'A=1\n')]);
    const out = path.join(folder, 'nested', 'app.env');
    expect(await one.destinationsUnder({ renderId: 'r', target: 'dotenv', out })).toEqual([
      { name: '.env', purpose: 'the .env', path: out },
    ]);
    const several = deliveryOf([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')]);
    const into = path.join(folder, 'several');
    expect(
      (await several.destinationsUnder({ renderId: 'r', target: 'dotenv', out: into })).map(
        (destination) => destination.path,
      ),
    ).toEqual([path.join(into, 'a.env'), path.join(into, 'b.env')]);
    const intoSlash = `${path.join(folder, 'slash')}/`;
    expect(
      (await one.destinationsUnder({ renderId: 'r', target: 'dotenv', out: intoSlash }))[0]?.path,
    ).toBe(path.join(intoSlash, '.env'));
  });

  it('replaces a different file only with the hash its masked diff was shown against', async () => {
    const delivery = deliveryOf([file('.env', 'A=2\n')]);
    const target = path.join(folder, '.env');
    writeFileSync(target, `A=1\nSECRET=${SECRET}\n`);
    const request = { renderId: 'r', target: 'dotenv' as const, name: '.env', path: target };
    const asked = await delivery.saveAt(request);
    expect(asked.kind).toBe('confirm-overwrite');
    if (asked.kind !== 'confirm-overwrite') {
      return;
    }
    expect(asked.diff).toContain('+A=2');
    expect(asked.diff.includes(SECRET)).toBe(false);
    expect(readFileSync(target, 'utf8')).toContain(SECRET);
    expect(await delivery.saveAt({ ...request, replaceHash: asked.replaceHash })).toMatchObject({
      kind: 'saved',
      mode: '0644',
    });
    expect(readFileSync(target, 'utf8')).toBe('A=2\n');
  });

  it('says which file could not be written, with the file system’s error as the cause', async () => {
    const delivery = deliveryOf([file('.env', 'A=1\n')]);
    const target = path.join(folder, 'missing-folder', '.env');
    await expect(
      delivery.saveAt({ renderId: 'r', target: 'dotenv', name: '.env', path: target }),
    ).rejects.toMatchObject({
      code: 'FILE_NOT_WRITTEN',
      message: `Could not write ${target} (ENOENT). Nothing was written there: a save replaces a file whole or not at all, and leaves no partial copy.`,
      cause: { code: 'ENOENT' },
    });
  });
});
