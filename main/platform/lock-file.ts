import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

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
 * other process ever reads it empty and takes it for a broken one. A takeover replaces the left
 * lock in one step too, and only under {@link takeOver}'s guard, so two processes that judged the
 * same lock left behind at the same moment never both hold it. The release removes the file only
 * while it still holds this hold's own line: a lock taken over as stale is the new holder's.
 */
export async function acquireLockFile(
  file: string,
  now: () => Date = () => new Date(),
  staleness: LockStaleness = {},
): Promise<() => Promise<void>> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: now().toISOString() };
  // The nonce makes this hold's line its own, even beside another hold taken in the same
  // millisecond by this process: the release and a takeover recognise a lock by its line.
  const line = JSON.stringify({ ...me, nonce: randomBytes(6).toString('hex') });
  const released = async () => {
    if ((await readFile(file, 'utf8').catch(() => '')) === line) {
      await rm(file, { force: true });
    }
  };
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt += 1) {
    if (await createWith(file, line)) {
      return released;
    }
    const seen = await readFile(file, 'utf8').catch(() => undefined);
    if (seen === undefined) {
      // Released between the two steps: try again.
      continue;
    }
    const holder = holderOf(seen);
    if (holder !== undefined && !isLeftBehind(holder, me, now(), staleness)) {
      throw new LockHeldError(holder);
    }
    // Left by a process that is gone: take it over, unless someone else does first.
    const outcome = await takeOver(file, seen, line, me, now);
    if (outcome === 'taken') {
      return released;
    }
    if (outcome === 'busy') {
      await sleep(TAKEOVER_WAIT_MS);
    }
  }
  throw new Error(`Could not take the lock ${file}: another process keeps taking it.`);
}

/** How many times a lock is tried, and how long apart while another process takes it over. */
const TAKEOVER_ATTEMPTS = 50;
const TAKEOVER_WAIT_MS = 20;
/** A takeover takes a few milliseconds; a guard older than this was left by a crash mid-way. */
const TAKEOVER_GUARD_STALE_MS = 10_000;

/**
 * Replaces the left-behind lock whose contents were `seen` with `line`: `taken`, `changed` when
 * the lock is no longer that one, or `busy` while another process is taking it over.
 *
 * @remarks
 * Two processes can judge the same lock left behind at once. Removing it and then creating one's
 * own would let the slower of them remove the faster one's fresh lock and create its own, and
 * both would hold it. So a takeover first takes the guard `<file>.takeover` (created
 * exclusively, like the lock), then reads the lock again: only if it is still what was judged is
 * it replaced, in one step (written aside, renamed over it). The guard is freed at once; a
 * process that judged the same lock later reads the new holder's line and is refused. A guard
 * left by a process that crashed within those few milliseconds is removed once it is old or its
 * process is gone.
 */
async function takeOver(
  file: string,
  seen: string,
  line: string,
  me: LockHolder,
  now: () => Date,
): Promise<'taken' | 'changed' | 'busy'> {
  const guard = `${file}.takeover`;
  if (!(await createWith(guard, line))) {
    const guardHolder = holderOf(await readFile(guard, 'utf8').catch(() => ''));
    if (
      guardHolder === undefined ||
      isLeftBehind(guardHolder, me, now(), { staleAfterMs: TAKEOVER_GUARD_STALE_MS })
    ) {
      await rm(guard, { force: true });
      return 'changed';
    }
    return 'busy';
  }
  try {
    if ((await readFile(file, 'utf8').catch(() => undefined)) !== seen) {
      return 'changed';
    }
    await replaceWith(file, line);
    return 'taken';
  } finally {
    await rm(guard, { force: true });
  }
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

/** A file beside `file`, for its contents to be written before they appear under its name. */
function asideOf(file: string): string {
  return `${file}.${String(process.pid)}.${randomBytes(6).toString('hex')}`;
}

/** Creates `file` holding `line`, or answers false when it exists. */
async function createWith(file: string, line: string): Promise<boolean> {
  const aside = asideOf(file);
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

/** Puts `line` in `file` in one step, whatever it held. */
async function replaceWith(file: string, line: string): Promise<void> {
  const aside = asideOf(file);
  await writeFile(aside, line, { mode: 0o600, flag: 'wx' });
  try {
    await rename(aside, file);
  } catch (error) {
    await rm(aside, { force: true });
    throw error;
  }
}
