import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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

/** When a lock nobody released counts as left behind, beyond a holder that no longer runs. */
export interface LockStaleness {
  /**
   * A lock older than this is left behind whoever holds it, for a hold that cannot last longer
   * (a login preview): after a reboot its pid may run again as another program, and a lock
   * written in a container names a host that is gone.
   */
  staleAfterMs?: number;
  /**
   * The caller holds nothing under this lock in this process, so a lock naming this process
   * was left by an earlier one that had the same pid.
   */
  notHeldHere?: boolean;
}

/**
 * Takes the lock `file` (created exclusively, holding this process's id), or throws
 * {@link LockHeldError} while another running process holds it. Answers the release.
 *
 * @remarks
 * A lock left by a process that ended without releasing it (a kill, a crash) is taken over: its
 * pid no longer runs on this host. A lock from another host (a data folder on a shared drive) is
 * respected, since its process cannot be checked from here — unless `staleness` says more. The
 * file appears with its contents in one step (written aside, then linked into place), so no
 * other process ever reads it empty and takes it for a broken one. The release removes the file
 * only while it still holds this hold's own line: a lock taken over as stale is the new
 * holder's.
 */
export async function acquireLockFile(
  file: string,
  now: () => Date = () => new Date(),
  staleness: LockStaleness = {},
): Promise<() => Promise<void>> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: now().toISOString() };
  const line = JSON.stringify(me);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (await createWith(file, line)) {
      return async () => {
        if ((await readFile(file, 'utf8').catch(() => '')) === line) {
          await rm(file, { force: true });
        }
      };
    }
    const holder = holderOf(await readFile(file, 'utf8').catch(() => ''));
    if (holder !== undefined && !isLeftBehind(holder, me, now(), staleness)) {
      throw new LockHeldError(holder);
    }
    // Left by a process that is gone: take it over.
    await rm(file, { force: true });
  }
  throw new Error(`Could not take the lock ${file}: another process keeps taking it.`);
}

/** Whether `holder`'s lock was left behind rather than held; see {@link LockStaleness}. */
function isLeftBehind(
  holder: LockHolder,
  me: LockHolder,
  at: Date,
  staleness: LockStaleness,
): boolean {
  const age = at.getTime() - Date.parse(holder.since);
  if (staleness.staleAfterMs !== undefined && age > staleness.staleAfterMs) {
    return true;
  }
  if (holder.host !== me.host) {
    return false;
  }
  return (staleness.notHeldHere === true && holder.pid === me.pid) || !isRunning(holder.pid);
}

/** Creates `file` holding `line`, or answers false when it exists. */
async function createWith(file: string, line: string): Promise<boolean> {
  const aside = `${file}.${String(process.pid)}.${randomBytes(6).toString('hex')}`;
  await writeFile(aside, line, { mode: 0o600, flag: 'wx' });
  try {
    await link(aside, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    await rm(aside, { force: true });
  }
}
