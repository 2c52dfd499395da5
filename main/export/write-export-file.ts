import { createHash, randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';

import { createTwoFilesPatch } from 'diff';

/**
 * Writing an exported file: atomically, with the right mode, and never over an existing file
 * whose diff the admin has not seen.
 *
 * @remarks
 * Atomic (a temporary file in the same folder, fsynced, then renamed over the target) so an
 * interrupted save leaves either the old file or the new one, never half of each — a half-written
 * `application.yml` would stop the target at its next start. A file holding a secret is created
 * with mode 0600 from the first byte (not chmod-ed afterwards), so no other user can open it in
 * between.
 */

/** SHA-256 of a file's content, hex: what the admin saw the diff against. */
export function hashOf(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The file operations a save makes, so a test can make one fail as a full disk or a refused
 * rename would; the console passes Node's own.
 */
export interface ExportFileSystem {
  readFile: typeof readFile;
  open: typeof open;
  chmod: typeof chmod;
  rename: typeof rename;
  rm: typeof rm;
}

/** Node's file system, as every save but a fault test's uses it. */
export const NODE_FILE_SYSTEM: ExportFileSystem = { readFile, open, chmod, rename, rm };

/** What saving found or did. */
export type WriteOutcome =
  | { kind: 'saved'; path: string; mode: '0600' | '0644' }
  | { kind: 'confirm-overwrite'; path: string; diff: string; replaceHash: string };

/**
 * Saves `content` to `target`, unless a file is already there and `replaceHash` is not the hash
 * of that file: then answers with the diff to show first (its hash to send back to replace it).
 *
 * @param mask - hides secrets in the diff, which the page or the terminal shows.
 */
export async function writeExportFile(options: {
  target: string;
  content: string;
  sensitive: boolean;
  replaceHash?: string;
  mask?: (text: string) => string;
  files?: ExportFileSystem;
}): Promise<WriteOutcome> {
  const { readFile, open, chmod, rename, rm } = options.files ?? NODE_FILE_SYSTEM;
  const target = path.resolve(options.target);
  let existing: string | undefined;
  try {
    existing = await readFile(target, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  if (existing !== undefined && existing !== options.content) {
    const existingHash = hashOf(existing);
    if (options.replaceHash !== existingHash) {
      const mask = options.mask ?? ((text: string) => text);
      return {
        kind: 'confirm-overwrite',
        path: target,
        diff: createTwoFilesPatch(
          `${path.basename(target)} (on disk)`,
          `${path.basename(target)} (new)`,
          mask(existing),
          mask(options.content),
        ),
        replaceHash: existingHash,
      };
    }
  }
  const mode = options.sensitive ? 0o600 : 0o644;
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temporary, 'wx', mode);
  try {
    try {
      await handle.writeFile(options.content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    // Never leave the temporary copy behind: it may hold the inline secret.
    await rm(temporary, { force: true });
    throw error;
  }
  try {
    // The umask may have narrowed the mode; a sensitive file must be exactly 0600 either way.
    await chmod(temporary, mode);
    await rename(temporary, target);
  } catch (error) {
    // Never leave the temporary copy behind: it may hold the inline secret.
    await rm(temporary, { force: true });
    throw error;
  }
  return { kind: 'saved', path: target, mode: options.sensitive ? '0600' : '0644' };
}
