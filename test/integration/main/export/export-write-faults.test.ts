import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createExportService } from '../../../../main/export/export-service.ts';
import {
  type ExportFileSystem,
  hashOf,
  NODE_FILE_SYSTEM,
} from '../../../../main/export/write-export-file.ts';
import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createSetupDocument } from '../../../../shared/setup/presets.ts';
import type { SetupDocument } from '../../../../shared/setup/setup-document.ts';
import { applyAndKeep, testKeychain } from '../../../support/apply-setup.ts';

/**
 * Fault 10 of the matrix: a save of an exported file (with its inline secret) that fails half
 * way — the disk fills up while the file is written, or the final rename is refused. The real
 * export service, the real keychain and the real file system, with the one failing call made to
 * fail as the disk would. The file that was there stays whole, no temporary copy (which holds the
 * secret) is left, the admin reads why, and saving again works.
 */

let sandbox: RunningSandbox;
let folder: string;
let document: SetupDocument;
const keychain = testKeychain();
const OLD_FILE = '# the application.yml Kestra runs with today\nkestra:\n  url: http://old\n';

beforeAll(async () => {
  sandbox = await startSandbox({ seed: { kind: 'demo' } });
  folder = mkdtempSync(path.join(os.tmpdir(), 'sso-console-export-faults-'));
  document = createSetupDocument({ id: 'export-faults', preset: 'kestra', label: 'Kestra export' });
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

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} failed (injected)`), { code, syscall });
}

/** A disk that fills up after half the file: the first half is written, then ENOSPC. */
const FULL_DISK: ExportFileSystem = {
  ...NODE_FILE_SYSTEM,
  open: async (...args: Parameters<typeof NODE_FILE_SYSTEM.open>) => {
    const handle = await NODE_FILE_SYSTEM.open(...args);
    return new Proxy(handle, {
      get(target, property, receiver) {
        if (property === 'writeFile') {
          return async (content: string) => {
            await target.write(content.slice(0, Math.floor(content.length / 2)));
            throw errno('ENOSPC', 'write');
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  },
};

/** A rename over the target that the file system refuses. */
const REFUSED_RENAME: ExportFileSystem = {
  ...NODE_FILE_SYSTEM,
  rename: () => Promise.reject(errno('EACCES', 'rename')),
};

/** The export service on a file system that fails as `fault` does until the fault is mended. */
function service(fault: ExportFileSystem) {
  let current = fault;
  const files: ExportFileSystem = {
    readFile: (...args: Parameters<ExportFileSystem['readFile']>) => current.readFile(...args),
    open: (...args: Parameters<ExportFileSystem['open']>) => current.open(...args),
    chmod: (...args) => current.chmod(...args),
    rename: (...args) => current.rename(...args),
    rm: (...args) => current.rm(...args),
  } as ExportFileSystem;
  const exports = createExportService({
    activeOrg: () =>
      Promise.resolve(orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken })),
    secrets: keychain,
    dataDir: folder,
    files,
  });
  return {
    exports,
    mend: () => {
      current = NODE_FILE_SYSTEM;
    },
  };
}

describe('10. a partial export write', () => {
  it.each([
    ['the disk fills up while the file is written', FULL_DISK, 'ENOSPC', 'The disk is full'],
    ['the rename over the old file is refused', REFUSED_RENAME, 'EACCES', 'Choose a folder'],
  ])(
    'leaves the old file whole and no temporary copy when %s',
    async (_name, files, code, hint) => {
      const target = path.join(folder, `${code}.application.yml`);
      writeFileSync(target, OLD_FILE);
      const { exports, mend } = service(files);
      const rendered = await exports.render({ document, targets: ['kestra'], inlineSecret: true });
      const name = rendered.outputs[0]?.files[0]?.name ?? '';
      const request = { renderId: rendered.renderId, target: 'kestra' as const, name };
      // The admin saw the diff and chose to replace the old file.
      const failure = exports.saveAt({ ...request, path: target, replaceHash: hashOf(OLD_FILE) });
      await expect(failure).rejects.toMatchObject({
        message: expect.stringContaining(`(${code}). Nothing was written there`) as string,
        hint: expect.stringContaining(hint) as string,
      });
      expect(readFileSync(target, 'utf8')).toBe(OLD_FILE);
      expect(readdirSync(folder).filter((file) => file.endsWith('.tmp'))).toEqual([]);

      // Once the disk has room again, saving again works.
      mend();
      const saved = await exports.saveAt({
        ...request,
        path: target,
        replaceHash: hashOf(OLD_FILE),
      });
      expect(saved).toMatchObject({ kind: 'saved', mode: '0600' });
      expect(readFileSync(target, 'utf8')).toBe(exports.revealFile(request).content);
      expect(readdirSync(folder).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    },
  );
});
