import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { runBrowserMode } from './browser/browser-mode.ts';
import { defaultDataDir } from './platform/data-dir.ts';

const USAGE = `Usage: npm start -- [--browser] [--port N] [--no-open] [--user-data-dir DIR]

Starts SSO Setup Console: the Electron app, or browser mode (--browser, or when the Electron
runtime is not installed), which serves the console on 127.0.0.1 with a per-launch token.
  --browser            serve the console to a browser instead of opening the desktop app
  --port N             browser mode: listen on port N (default 0: any free port)
  --no-open            browser mode: print the URL but do not open a browser
  --user-data-dir DIR  keep profiles and logs in DIR instead of the per-user default`;

const root = path.resolve(import.meta.dirname, '..');

/**
 * Finds the Electron binary without triggering its download.
 *
 * @remarks
 * `require('electron')` would try to download a missing runtime (Electron ≥ 42 fetches it
 * lazily), which hangs or fails on a machine without internet. Reading `path.txt` and checking
 * the file is what `electron/index.js` does before it downloads.
 */
function findElectronBinary(): string | null {
  const packageDir = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined) {
    const binary = path.join(override, relative ?? 'electron');
    return existsSync(binary) ? binary : null;
  }
  if (relative === null) {
    return null;
  }
  const binary = path.join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let values: {
  browser?: boolean;
  port?: string;
  'no-open'?: boolean;
  'user-data-dir'?: string;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      browser: { type: 'boolean' },
      port: { type: 'string' },
      'no-open': { type: 'boolean' },
      'user-data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`start: ${error instanceof Error ? error.message : String(error)}`);
}
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = Number(values.port ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`start: --port must be a whole number from 0 to 65535, not "${values.port ?? ''}".`);
}
const dataDir = path.resolve(values['user-data-dir'] ?? defaultDataDir());

const electronBinary = values.browser === true ? null : findElectronBinary();
if (electronBinary !== null) {
  const args = [path.join(root, 'out', 'main', 'app.js'), `--user-data-dir=${dataDir}`];
  const child = spawn(electronBinary, args, { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  if (values.browser !== true) {
    process.stdout.write(
      'The Electron runtime is not installed (node_modules/electron has no binary; run `npx install-electron` where the internet is reachable) — starting in browser mode instead.\n',
    );
  }
  const hasDisplay =
    process.platform !== 'linux' ||
    process.env.DISPLAY !== undefined ||
    process.env.WAYLAND_DISPLAY !== undefined;
  const server = await runBrowserMode({
    port,
    dataDir,
    rendererDir: path.join(root, 'out', 'renderer'),
    shouldOpenBrowser: values['no-open'] !== true && hasDisplay,
    print: (line) => process.stdout.write(`${line}\n`),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void server.close().then(() => process.exit(0));
    });
  }
}
