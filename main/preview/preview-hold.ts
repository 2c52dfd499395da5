import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import { acquireLockFile, LockHeldError, type LockHolder } from '../platform/lock-file.ts';
import { PREVIEW_TIMEOUT_MS, type PreviewRun } from './preview-run.ts';

/** This process's run that holds the preview, until it has taken back what it added. */
interface HeldRun {
  cancel(reason: Error): void;
  settled: Promise<unknown>;
}

/**
 * How old a preview's lock is when it is surely left behind, whoever it names: a run gives it
 * back within its sign-in's deadline plus its cleanup, which takes far less than two deadlines
 * more. After a reboot its pid may run again as another program, and a lock written in a
 * container names a host that is gone.
 */
const PREVIEW_LOCK_STALE_MS = 3 * PREVIEW_TIMEOUT_MS;

/** How long a start waits for this process's earlier run to finish starting or cleaning up. */
const EARLIER_RUN_WAIT_MS = 2 * 60_000;

/** What an earlier run in this process is stopped with when a newer one starts. */
function replacedByNewer(): AppError {
  return new AppError({
    code: 'CANCELLED',
    message:
      'A newer login preview was started in this console (here, or in another window or tab), so this one was stopped and took back what it added to the org.',
    hint: 'Follow the newer preview. Start this one again only once that one has ended: each start stops the one before.',
  });
}

/**
 * One login preview at a time on this computer's data folder, whoever starts it (the console
 * window, a browser tab, `sso-console preview`).
 *
 * @remarks
 * A preview starts by removing what earlier ones left in the org — the journal's temporary
 * redirect URIs and throwaway users not crossed off — and the journal cannot tell a preview that
 * died from one still waiting for its sign-in. Two at once would each remove the other's, and
 * their sign-ins would fail on a redirect URI or a user that was there a moment before; their
 * read-modify-write of the same app's redirect URIs could also lose one of the two. So a run holds
 * a lock file (`main/platform/lock-file.ts`) from before that cleanup until its report has
 * settled, which is after its own cleanup.
 *
 * A run of another process is waited for by nobody: the start fails with `PREVIEW_IN_PROGRESS`,
 * saying which process, and where the lock is. A run of this process gives way instead —
 * stopped with a reason, and its cleanup awaited — since the one admin of a window who starts a
 * new preview has left the last one; a wait longer than {@link EARLIER_RUN_WAIT_MS} (a keychain
 * that asks to be unlocked, say) fails the start rather than leave it hanging. A lock is left
 * behind, and taken over, when its process no longer runs, when it names this process (which
 * holds nothing then: its starts go one after another), or when it is older than any run lasts.
 */
export function createPreviewHold(lockFile: string, limits: { earlierRunWaitMs?: number } = {}) {
  const earlierRunWaitMs = limits.earlierRunWaitMs ?? EARLIER_RUN_WAIT_MS;
  // At most one: a start stops the run before it and waits for it before it holds the lock.
  let current: HeldRun | undefined;
  // Starts in this process one after another: the second one's turn comes when the first is
  // running, and is then cancelled by it.
  let turns: Promise<unknown> = Promise.resolve();

  function busy(holder: LockHolder): AppError {
    return new AppError({
      code: 'PREVIEW_IN_PROGRESS',
      message: `Another login preview is running on this computer (process ${String(holder.pid)} since ${holder.since}), so this one did not start: each preview would take what the other added to the org (a temporary redirect URI, a throwaway user) for something left behind, and remove it.`,
      hint: `Finish or cancel that preview (in the console window, or the sso-console preview that started it), then start this one again. A preview ends by itself within ${String(PREVIEW_TIMEOUT_MS / 60_000)} minutes; if none is running, delete ${lockFile}.`,
    });
  }

  /** Waits for `earlier`, but fails the start once {@link EARLIER_RUN_WAIT_MS} have passed. */
  async function waitForEarlier(earlier: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new AppError({
            code: 'PREVIEW_IN_PROGRESS',
            message: `The last login preview in this console has not finished starting or cleaning up after ${String(Math.round(earlierRunWaitMs / 1000))} s, so this one did not start.`,
            hint: 'If the system asks to unlock the keychain, answer it; otherwise check the connection to the org. Then start the preview again.',
          }),
        );
      }, earlierRunWaitMs);
    });
    try {
      await Promise.race([earlier.catch(() => undefined), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function take(): Promise<() => Promise<void>> {
    if (current !== undefined) {
      current.cancel(replacedByNewer());
      await waitForEarlier(current.settled);
    }
    try {
      // Nothing in this process holds it now, so a lock naming this process is an old one's.
      return await acquireLockFile(lockFile, undefined, {
        staleAfterMs: PREVIEW_LOCK_STALE_MS,
        notHeldHere: true,
      });
    } catch (error) {
      if (error instanceof LockHeldError) {
        throw busy(error.holder);
      }
      throw error;
    }
  }

  async function startHolding<T extends PreviewRun>(start: () => Promise<T>): Promise<T> {
    const give = await take();
    // A release that fails (a file system error) must not change the run's outcome: the lock
    // it leaves names this process, which holds nothing then, so the next start takes it over.
    const release = () => give().catch(() => undefined);
    let run: T;
    try {
      run = await start();
    } catch (error) {
      await release();
      throw error;
    }
    // The report the caller sees settles once the hold is given back, so a caller that awaited
    // it can start the next preview at once.
    const report = run.report.then(
      async (value) => {
        await release();
        return value;
      },
      async (error: unknown) => {
        await release();
        throw error;
      },
    );
    report.catch(() => undefined);
    const entry: HeldRun = {
      cancel: (reason) => {
        run.cancel(reason);
      },
      settled: report,
    };
    current = entry;
    const forget = () => {
      if (current === entry) {
        current = undefined;
      }
    };
    report.then(forget, forget);
    return { ...run, report };
  }

  return {
    /**
     * Runs `start` (which cleans up after earlier previews and starts one) holding the preview;
     * the hold is given back when the run's report settles, or at once if `start` throws.
     */
    run<T extends PreviewRun>(start: () => Promise<T>): Promise<T> {
      const earlier = turns;
      const turn = waitForEarlier(earlier).then(() => startHolding(start));
      // The next start waits for this one and for every one before it, even one this start
      // gave up waiting for: a start still under way may already hold the lock.
      turns = Promise.allSettled([earlier, turn]);
      return turn;
    },
  };
}

/** The preview hold; see {@link createPreviewHold}. */
export type PreviewHold = ReturnType<typeof createPreviewHold>;

const holdsInThisProcess = new Map<string, PreviewHold>();

/**
 * The one hold of this process on `lockFile`: every preview service of the process on one data
 * folder shares it, since a second hold would take the first one's lock, which names this
 * process, for an earlier process's.
 */
export function previewHoldFor(lockFile: string): PreviewHold {
  const key = path.resolve(lockFile);
  let hold = holdsInThisProcess.get(key);
  if (hold === undefined) {
    hold = createPreviewHold(key);
    holdsInThisProcess.set(key, hold);
  }
  return hold;
}
