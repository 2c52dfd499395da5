/**
 * Exits with a clear message when the Electron runtime is not installed.
 *
 * @remarks
 * Runs before `npm run test:e2e:electron`, so a machine without the runtime gets one line that
 * says why, instead of a wall of failed tests or — worse — a silent pass.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const packageDir = path.resolve(import.meta.dirname, '../../node_modules/electron');
const pathFile = path.join(packageDir, 'path.txt');
const binary = existsSync(pathFile)
  ? path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  : null;
if (binary === null || !existsSync(binary)) {
  process.stderr.write(
    'test:e2e:electron needs the Electron runtime, which is not installed (node_modules/electron has no binary; it was skipped with ELECTRON_SKIP_BINARY_DOWNLOAD or could not be downloaded). Run `npx install-electron` where the internet is reachable; `npm run test:e2e` runs the same specs in browser mode.\n',
  );
  process.exit(1);
}
