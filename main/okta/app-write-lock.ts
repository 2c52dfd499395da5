import path from 'node:path';

import { AppError } from '../../shared/errors.ts';
import { LockHeldError, whileHoldingLockFile } from '../platform/lock-file.ts';
import { currentRequestScope } from './request-scope.ts';

/**
 * Runs `change`, one read-and-replace of the app `appId`, while no other such change to that app
 * runs on this data folder: an apply's update of the app, a login preview adding or taking back
 * its temporary redirect URI.
 *
 * @remarks
 * Okta's apps API has no version check (no ETag, no `If-Match`), and `replaceApplication` writes
 * the whole app. Two read-and-replace of one app that overlap would each write back what it read,
 * and the later one would undo the other's change without an error: a preview's temporary URI
 * put back over an apply's new redirect URIs, say. So the console's own changes to one app go
 * one after the other, across its windows and the command line. Edits in the Admin Console are
 * outside it; the apply's stale-plan check is what stands guard there.
 */
export type AppWriteLock = <T>(appId: string, change: () => Promise<T>) => Promise<T>;

/** How long a change waits for the one before it: a few round trips, or a rate limit's reset. */
const APP_WRITE_WAIT_MS = 90_000;
/** A hold older than this was left by a process that hung or crashed mid-change. */
const APP_WRITE_STALE_MS = 5 * 60_000;

/**
 * The app-write lock of the data folder whose journals are in `journalDir`; `waitMs` is how long
 * a change waits for the one before it (a test shortens it).
 */
export function appWriteLocks(
  journalDir: string,
  { waitMs = APP_WRITE_WAIT_MS }: { waitMs?: number } = {},
): AppWriteLock {
  return async (appId, change) => {
    // Okta's app ids are letters and digits; anything else is kept out of the file name.
    const file = path.join(journalDir, `app-${appId.replaceAll(/[^\w-]/g, '_')}.lock`);
    try {
      return await whileHoldingLockFile(file, change, {
        waitMs,
        staleAfterMs: APP_WRITE_STALE_MS,
        // A cancelled apply stops waiting at once: its step then sent nothing.
        signal: currentRequestScope()?.signal,
      });
    } catch (error) {
      if (!(error instanceof LockHeldError)) {
        throw error;
      }
      throw new AppError(
        {
          code: 'APP_CHANGE_IN_PROGRESS',
          message: `Another change to the app ${appId} has been in progress on this computer for over ${String(Math.round(waitMs / 1000))} s (process ${String(error.holder.pid)} since ${error.holder.since}): an apply of its setup, or a login preview adding or removing its temporary redirect URI. Okta replaces an app whole, so the two cannot run at once without one undoing the other.`,
          hint: `Let that change finish, then try again. If nothing is running, delete ${file}.`,
        },
        { cause: error },
      );
    }
  };
}

/**
 * Whether `error` is a change that waited in vain for the app (see {@link appWriteLocks}): it
 * sent nothing to Okta, so nothing of it is in doubt or needs taking back.
 */
export function isAppChangeRefused(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'APP_CHANGE_IN_PROGRESS';
}

/** For callers with no data folder (tests of one change alone): each change runs at once. */
export const changeAppsAtOnce: AppWriteLock = (_appId, change) => change();
