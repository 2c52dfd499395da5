import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A child process with everything it printed, for tests that scan output for secrets. */
export interface CapturedProcess {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  stderr: string[];
  /** Resolves the first stdout line that matches, or rejects when the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves the exit code once the process has exited (`null` when a signal ended it). */
  waitForExit(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts `node <script> …args` with the same Node that runs the tests (Node 24 from the `node`
 * package under npm scripts), capturing stdout and stderr line by line.
 */
export function startNodeScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): CapturedProcess {
  const child = spawn(process.execPath, [path.join(ROOT, script), ...args], { env, cwd: ROOT });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    stdout,
    stderr,
    waitForLine(pattern, timeoutMs = 20_000) {
      const found = stdout.find((line) => pattern.test(line));
      if (found !== undefined) {
        return Promise.resolve(found);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `No line matching ${String(pattern)} within ${String(timeoutMs)} ms. stderr:\n${stderr.join('\n')}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(
            new Error(
              `${script} exited (${String(code)}) before printing ${String(pattern)}. stderr:\n${stderr.join('\n')}`,
            ),
          );
        });
      });
    },
    waitForExit() {
      return exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
