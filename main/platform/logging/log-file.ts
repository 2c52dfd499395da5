import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Opens the console's log file (`<dataDir>/logs/console.log`) for appending.
 *
 * @remarks
 * Lines reach it only through the logger, which redacts every line first.
 */
export function openLogFile(dataDir: string): { write(line: string): void; close(): void } {
  const folder = path.join(dataDir, 'logs');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const stream = createWriteStream(path.join(folder, 'console.log'), { flags: 'a', mode: 0o600 });
  return {
    write(line) {
      stream.write(`${line}\n`);
    },
    close() {
      stream.end();
    },
  };
}
