import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A journal in a file: one JSON line per entry, on disk before the change it announces.
 *
 * @remarks
 * Each entry is fsynced, because the point of writing it first is that it survives a crash in
 * the middle of the change. Mode 0600 and no secrets in it: it says which object, not what key.
 * The file is opened without following a symbolic link: a link planted where a journal goes
 * (in a shared or restored data folder) must not redirect the console's writes elsewhere.
 * Reading skips a line torn by a crash mid-write rather than failing on it. One writer for every
 * journal the console keeps: the apply's, and the preview's temporary redirect URIs and
 * throwaway users.
 */
export function createJsonLinesJournal<T>(file: string): {
  append(entry: T): Promise<void>;
  read(): Promise<T[]>;
} {
  return {
    async append(entry) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      let handle;
      try {
        handle = await open(
          file,
          constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
          0o600,
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
          throw new Error(
            `${file} is a symbolic link, so the console did not write to it: a journal is written only to a file of its own. Remove the link, then try again.`,
            { cause: error },
          );
        }
        throw error;
      }
      try {
        await handle.write(`${JSON.stringify(entry)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return [];
        }
        throw error;
      }
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as T];
          } catch {
            return []; // a line torn by a crash mid-write
          }
        });
    },
  };
}
