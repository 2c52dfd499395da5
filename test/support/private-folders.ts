import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every folder under `folder` (and `folder` itself) that others could list or enter: the console
 * makes each folder it creates under its data folder 0700, so a journal or log line is never
 * readable by another account even for the moment before its file's own 0600 applies.
 */
export async function foldersNotPrivate(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  const folders = [
    folder,
    ...entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(entry.parentPath, entry.name)),
  ];
  const open: string[] = [];
  for (const candidate of folders) {
    const mode = (await stat(candidate)).mode & 0o777;
    if (mode !== 0o700) {
      open.push(`${path.relative(folder, candidate) || '.'} is ${mode.toString(8)}`);
    }
  }
  return open;
}
