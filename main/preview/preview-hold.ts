import { AppError } from '../../shared/errors.ts';
import { acquireLockFile, LockHeldError, type LockHolder } from '../platform/lock-file.ts';
import { PREVIEW_TIMEOUT_MS, type PreviewRun } from './preview-run.ts';

/** This process's run that holds the preview, until it has taken back what it added. */
interface HeldRun {
  cancel(): void;
  settled: Promise<unknown>;
}

function previewBusy(holder: LockHolder): AppError {
  return new AppError({
    code: 'PREVIEW_IN_PROGRESS',
    message: `Another login preview is running on this computer (process ${String(holder.pid)} since ${holder.since}), so this one did not start: each preview would take what the other added to the org (a temporary redirect URI, a throwaway user) for something left behind, and remove it.`,
    hint: `Finish or cancel that preview (in the console window, or the sso-console preview that started it), then start this one again. A preview ends by itself within ${String(PREVIEW_TIMEOUT_MS / 60_000)} minutes.`,
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
 * settled, which is after its own cleanup. A run of another process is waited for by nobody: the
 * start fails with `PREVIEW_IN_PROGRESS`, saying which process. A run of this process gives way
 * instead — cancelled, and its cleanup awaited — since the one admin of a window who starts a
 * new preview has left the last one. A process that died leaves a lock whose pid no longer runs,
 * and the next preview takes it over.
 */
export function createPreviewHold(lockFile: string) {
  const held = new Set<HeldRun>();
  // Starts in this process one after another: the second one's turn comes when the first is
  // running, and is then cancelled by it.
  let turns: Promise<unknown> = Promise.resolve();

  async function take(): Promise<() => Promise<void>> {
    for (const run of held) {
      run.cancel();
    }
    await Promise.all([...held].map((run) => run.settled.catch(() => undefined)));
    try {
      return await acquireLockFile(lockFile);
    } catch (error) {
      if (error instanceof LockHeldError) {
        throw previewBusy(error.holder);
      }
      throw error;
    }
  }

  async function startHolding<T extends PreviewRun>(start: () => Promise<T>): Promise<T> {
    const release = await take();
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
      cancel: () => {
        run.cancel();
      },
      settled: report,
    };
    held.add(entry);
    report.then(
      () => held.delete(entry),
      () => held.delete(entry),
    );
    return { ...run, report };
  }

  return {
    /**
     * Runs `start` (which cleans up after earlier previews and starts one) holding the preview;
     * the hold is given back when the run's report settles, or at once if `start` throws.
     */
    run<T extends PreviewRun>(start: () => Promise<T>): Promise<T> {
      const turn = turns.then(() => startHolding(start));
      turns = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** The preview hold; see {@link createPreviewHold}. */
export type PreviewHold = ReturnType<typeof createPreviewHold>;
