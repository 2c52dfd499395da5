import { appendFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';

import type { ApplyJournal } from './apply.ts';

/**
 * An apply journal in a file: one JSON line per entry, on disk before the change it announces.
 *
 * @remarks
 * The entry is fsynced, because the point of writing it first is that it survives a crash in
 * the middle of the change. Mode 0600 and no secrets in it: it says which object, not what key.
 */
export function createFileJournal(file: string): ApplyJournal {
  return {
    async append(entry) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      await appendFile(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      const handle = await open(file, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  };
}
