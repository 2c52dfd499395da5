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
 * other process ever reads it empty and takes it for a broken one.
 *
 * Whatever replaces or removes an existing lock — a takeover, a release — does it under a guard
 * ({@link underGuard}) and reads the lock again first, so two processes that judged the same
 * lock left behind at the same moment do not both take it, and a release does not remove a lock
 * another process has just taken over. What is left open: a guard left by a process that crashed
 * in the middle of a takeover (a few milliseconds) is broken by whoever finds it, and three
 * processes breaking it at once could still let two of them through; and a release that cannot
 * use the guard (see `releaseLock`) compares and removes without it, as before there was one.
 */
export async function acquireLockFile(
  file: string,
  now: () => Date = () => new Date(),
  staleness: LockStaleness = {},
): Promise<() => Promise<void>> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: now().toISOString() };
  const line = lineOf(me);
  const release = () => releaseLock(file, line);
  const waitUntil = performance.now() + GUARD_WAIT_MS;
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt += 1) {
    if (await createWith(file, line)) {
      return release;
    }
    const seen = await readIfThere(file);
    if (seen === undefined) {
      // Released between the two steps: try again.
      continue;
    }
    const holder = holderOf(seen);
    if (holder !== undefined && !isLeftBehind(holder, me, now(), staleness)) {
      throw new LockHeldError(holder);
    }
    // Left by a process that is gone: take it over, unless another process did first.
    const outcome = await underGuard(file, async () => {
      if ((await readIfThere(file)) !== seen) {
        return false;
      }
      await replaceWith(file, line);
      return true;
    });
    if (outcome === true) {
      return release;
    }
    if (outcome === 'busy') {
      if (performance.now() > waitUntil) {
        break;
      }
      await sleep(GUARD_POLL_MS);
    }
  }
  throw new Error(
    `Could not take the lock ${file}: other processes kept taking it over (${file}.takeover).`,
  );
}

/** A lock file's line: who holds it, and a nonce that makes this hold's line its own. */
function lineOf(holder: LockHolder): string {
  return JSON.stringify({ ...holder, nonce: randomBytes(6).toString('hex') });
}

/** How many times a lock is tried before giving up on a lock that keeps changing hands. */
const LOCK_ATTEMPTS = 1_000;
/** A takeover or release holds the guard for a few milliseconds; one left longer was left by a crash. */
const GUARD_STALE_MS = 10_000;
/** How long a caller waits for another process's guard: until it would count as left behind. */
const GUARD_WAIT_MS = GUARD_STALE_MS + 2_000;
const GUARD_POLL_MS = 20;

/**
 * Removes this hold's lock, only while it is still this hold's: see {@link acquireLockFile}.
 *
 * @remarks
 * It never fails for the guard's sake: when the guard cannot be made (a full disk: the guard is a
 * new file, where removing the lock needs no room) or stays taken past its wait, the lock is
 * compared and removed without it, as before there was a guard. A release that failed would
 * leave a lock naming this running process, which every later take would respect.
 */
async function releaseLock(file: string, line: string): Promise<void> {
  if ((await readIfThere(file).catch(() => undefined)) !== line) {
    // Taken over already (or its folder is gone): nothing of this hold's to remove.
    return;
  }
  const removeIfMine = async () => {
    if ((await readIfThere(file)) === line) {
      await rm(file, { force: true });
    }
    return true;
  };
  const waitUntil = performance.now() + GUARD_WAIT_MS;
  for (;;) {
    const outcome = await underGuard(file, removeIfMine).catch(() => 'no guard' as const);
    if (outcome === true) {
      return;
    }
    if (outcome === 'no guard' || performance.now() > waitUntil) {
      await removeIfMine();
      return;
    }
    if (outcome === 'busy') {
      await sleep(GUARD_POLL_MS);
    }
  }
}

/**
 * Runs `change` (which replaces or removes the lock `file`) while holding its guard
 * `<file>.takeover`, created exclusively like the lock: `change`'s answer, `busy` while another
 * running process holds the guard, or `false` when a guard left behind was broken (try again).
 *
 * @remarks
 * A guard older than {@link GUARD_STALE_MS}, or whose process is gone, was left by a crash in the
 * middle of a change, and is broken: moved aside, then put back if what was moved is not the
 * guard that was judged (another process's fresh one, made meanwhile). The guard is given back
 * only while it is still this change's own.
 */
async function underGuard(file: string, change: () => Promise<boolean>): Promise<boolean | 'busy'> {
  const guard = `${file}.takeover`;
  // The real clock, whatever the lock's own clock is: a guard's age is how long it has been held.
  const at = new Date();
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: at.toISOString() };
  const line = lineOf(me);
  if (!(await createWith(guard, line))) {
    const judged = await readIfThere(guard);
    if (judged === undefined) {
      return false;
    }
    const holder = holderOf(judged);
    if (holder !== undefined && !isLeftBehind(holder, me, at, { staleAfterMs: GUARD_STALE_MS })) {
      return 'busy';
    }
    await breakGuard(guard, judged);
    return false;
  }
  try {
    return await change();
  } finally {
    await giveBackGuard(guard, line);
  }
}

/**
 * Removes this change's guard. A guard missing at that moment may be out of place for an instant
 * (a breaker moved it aside and is putting it back, see {@link breakGuard}): it is looked for once
 * more, so it is not left to hold everyone up until it counts as left behind.
 */
async function giveBackGuard(guard: string, line: string): Promise<void> {
  for (const pause of [0, GUARD_POLL_MS]) {
    if (pause > 0) {
      await sleep(pause);
    }
    const found = await readIfThere(guard).catch(() => undefined);
    if (found === line) {
      await rm(guard, { force: true });
      return;
    }
    if (found !== undefined) {
      // Another change's guard now: this one is gone.
      return;
    }
  }
}

/** Removes the guard `judged` left behind, and only that one; see {@link underGuard}. */
async function breakGuard(guard: string, judged: string): Promise<void> {
  const moved = asideOf(guard);
  try {
    await rename(guard, moved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw error;
  }
  try {
    if ((await readFile(moved, 'utf8')) !== judged) {
      // Another process's fresh guard: give it back. If a third took the name meanwhile, the
      // one moved is lost; its holder's change still reads the lock again before it acts.
      await link(moved, guard).catch(() => undefined);
    }
  } finally {
    await rm(moved, { force: true });
  }
}

/** The file's contents, or `undefined` when it does not exist; other errors are thrown. */
async function readIfThere(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw error;
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
  try {
    await writeFile(aside, line, { mode: 0o600, flag: 'wx' });
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
  try {
    await writeFile(aside, line, { mode: 0o600, flag: 'wx' });
    await rename(aside, file);
  } catch (error) {
    await rm(aside, { force: true });
    throw error;
  }
}

/**
 * Runs `work` while holding the lock `file`, waiting up to `waitMs` while another holder has it
 * (another process, or another caller in this one: the lock names this process then, and is
 * held all the same). Throws the last {@link LockHeldError} if it is still held after the wait,
 * and `signal`'s reason as soon as it aborts.
 *
 * @remarks
 * For short holds that callers queue for, such as one read-and-replace of an Okta object; a
 * long operation that must not wait (an apply) takes {@link acquireLockFile} and refuses instead.
 */
export async function whileHoldingLockFile<T>(
  file: string,
  work: () => Promise<T>,
  options: { waitMs: number; staleAfterMs: number; signal?: AbortSignal | undefined },
): Promise<T> {
  const waitUntil = performance.now() + options.waitMs;
  let release: () => Promise<void>;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      release = await acquireLockFile(file, undefined, { staleAfterMs: options.staleAfterMs });
      break;
    } catch (error) {
      if (!(error instanceof LockHeldError) || performance.now() > waitUntil) {
        throw error;
      }
      // A cancel ends the wait at once, with the signal's reason, not at the next try.
      await sleep(HOLD_POLL_MS, undefined, { signal: options.signal }).catch((aborted: unknown) => {
        options.signal?.throwIfAborted();
        throw aborted;
      });
    }
  }
  try {
    return await work();
  } finally {
    await release();
  }
}

/** How often a caller queued for a short hold tries the lock again. */
const HOLD_POLL_MS = 25;
