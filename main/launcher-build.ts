import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm start`'s build step: reuse the built console when it is newer than every source it was
 * built from, else build it quietly.
 *
 * @remarks
 * A start used to run the whole build and print its two dozen lines every time. Comparing
 * modification times is enough here: the build's outputs are written after it reads its inputs,
 * so any source edited since is newer than the oldest output. The build's own output is shown
 * only when it fails.
 */

/** What the build reads: source folders (walked) and single files. */
const SOURCE_FOLDERS = ['main', 'renderer', 'shared'];
const SOURCE_FILES = [
  'package.json',
  'package-lock.json',
  'electron.vite.config.ts',
  'tsconfig.json',
];

/** What the build writes that a start needs: each must exist and be newer than every source. */
const OUTPUTS = ['out/main/app.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];

/** The newest modification time among the build's sources, in ms. */
function newestSourceTime(root: string): number {
  let newest = 0;
  const visit = (file: string) => {
    newest = Math.max(newest, statSync(file).mtimeMs);
  };
  for (const folder of SOURCE_FOLDERS) {
    const entries = readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true });
    for (const entry of entries) {
      if (entry.isFile()) {
        visit(path.join(entry.parentPath, entry.name));
      }
    }
  }
  for (const file of SOURCE_FILES) {
    if (existsSync(path.join(root, file))) {
      visit(path.join(root, file));
    }
  }
  return newest;
}

/** Whether the built console in `out/` is there and newer than every source. */
export function isBuildCurrent(root: string): boolean {
  const outputs = OUTPUTS.map((file) => path.join(root, file));
  if (!outputs.every((file) => existsSync(file))) {
    return false;
  }
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return oldestOutput >= newestSourceTime(root);
}

/**
 * Builds the console unless the last build is current; `say` gets one line when it builds.
 *
 * @returns `undefined` when the build is ready, else the build's output to show with its failure.
 */
export async function ensureBuilt(
  root: string,
  say: (line: string) => void,
): Promise<string | undefined> {
  if (isBuildCurrent(root)) {
    return undefined;
  }
  say('Building the console (sources changed since the last build)…');
  const script = path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const child = spawn(process.execPath, [script, 'build'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  return code === 0 ? undefined : output.join('');
}

// `npm start` runs this first (then main/launcher.ts), so tests that start the launcher directly
// never build behind each other's back.
if (import.meta.main) {
  const root = path.resolve(import.meta.dirname, '..');
  const failure = await ensureBuilt(root, (line) => process.stdout.write(`${line}\n`));
  if (failure !== undefined) {
    process.stderr.write(
      `${failure}\nThe console could not be built (the build's output is above). Fix the error it names, then run npm start again.\n`,
    );
    process.exit(1);
  }
}
