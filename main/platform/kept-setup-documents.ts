import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import { type SetupDocument, setupDocumentSchema } from '../../shared/setup/setup-document.ts';

/**
 * The file name (without extension) of a setup's journal and kept document: the setup's id when
 * it is a plain name (a UUID, as `init` and the wizard make), else its hash — a document from
 * elsewhere must not name a path outside the data folder.
 */
export function setupFileName(setupId: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(setupId)
    ? setupId
    : createHash('sha256').update(setupId).digest('hex').slice(0, 32);
}

/** Where the copy of a setup's document is kept: `<dataDir>/setups/<setup id>.json`. */
export function keptSetupDocumentFile(dataDir: string, setupId: string): string {
  return path.join(dataDir, 'setups', `${setupFileName(setupId)}.json`);
}

/**
 * Keeps a copy of the document an apply starts from, so the console can later say which setup
 * an app came from and whether the org still matches it (`sso-console list`).
 *
 * @remarks
 * The document holds no secret; mode 0600 in a 0700 folder all the same, as the journals,
 * because it names the org's users and groups. Written atomically (temporary file, fsync,
 * rename): a crash leaves the old copy or the new one. The last apply's document wins.
 */
export async function keepSetupDocument(dataDir: string, document: SetupDocument): Promise<void> {
  const file = keptSetupDocumentFile(dataDir, document.id);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomUUID()}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A setup document kept in the data folder, with the file it was read from. */
export interface KeptSetupDocument {
  file: string;
  document: SetupDocument;
}

/**
 * Every setup document kept in the data folder; a file that is not a valid document (torn,
 * edited by hand, from a newer console) is left out rather than failing the listing.
 */
export async function readKeptSetupDocuments(dataDir: string): Promise<KeptSetupDocument[]> {
  const folder = path.join(dataDir, 'setups');
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw error;
  }
  const kept = await Promise.all(
    names
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map(async (name): Promise<KeptSetupDocument[]> => {
        const file = path.join(folder, name);
        try {
          const parsed = setupDocumentSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
          return parsed.success ? [{ file, document: parsed.data }] : [];
        } catch {
          return [];
        }
      }),
  );
  return kept.flat();
}
