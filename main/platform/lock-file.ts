import { mkdir, open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Who holds a lock: what the lock file says. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** The lock is held by another process that is still running. */
export class LockHeldError extends Error {
  readonly holder: LockHolder;

  constructor(holder: LockHolder) {
    super(`Locked by process ${String(holder.pid)} since ${holder.since}.`);
    this.name = 'LockHeldError';
    this.holder = holder;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holderOf(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    return typeof value.pid === 'number' &&
      typeof value.host === 'string' &&
      typeof value.since === 'string'
      ? { pid: value.pid, host: value.host, since: value.since }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock `file` (created exclusively, holding this process's id), or throws
 * {@link LockHeldError} while another running process holds it. Answers the release.
 *
 * @remarks
 * A lock left by a process that ended without releasing it (a kill, a crash) is taken over: its
 * pid no longer runs on this host. A lock from another host (a data folder on a shared drive) is
 * respected, since its process cannot be checked from here.
 */
export async function acquireLockFile(
  file: string,
  now: () => Date = () => new Date(),
): Promise<() => Promise<void>> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: now().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(file, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      return async () => {
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }
    const holder = holderOf(await readFile(file, 'utf8').catch(() => ''));
    if (holder !== undefined && (holder.host !== me.host || isRunning(holder.pid))) {
      throw new LockHeldError(holder);
    }
    // Left by a process that is gone: take it over.
    await rm(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}: another process keeps taking it.`);
}
