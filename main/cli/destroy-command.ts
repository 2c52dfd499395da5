import path from 'node:path';

import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import { toOktaAppError } from '../okta/okta-errors.ts';
import { acquireLockFile, LockHeldError } from '../platform/lock-file.ts';
import { previewJournals } from '../preview/preview-run.ts';
import { THROWAWAY_LOGIN_PREFIX } from '../preview/throwaway-user.ts';
import { createFileJournal } from '../setup/apply-journal.ts';
import { destroySetup, planTeardownFromOrg, type TeardownDeps } from '../teardown/teardown.ts';
import { renderTeardownPlan, type TeardownPlan } from '../teardown/teardown-plan.ts';
import { CliError } from './cli-error.ts';

/** What `destroy` prints to. */
export interface DestroyCommandIo {
  write(text: string): void;
  warn(text: string): void;
}

function planJson(plan: TeardownPlan) {
  return {
    changes: plan.removals.length > 0,
    removals: plan.removals.map(({ key, kind, title, objectId, why }) => ({
      key,
      kind,
      title,
      objectId,
      why,
    })),
    leftAlone: plan.leftAlone,
  };
}

/**
 * `sso-console destroy FILE [--yes] [--json]`: the teardown of a setup, in Terraform's shape.
 *
 * @remarks
 * Prints what it would remove (`-`) and what it leaves (`=`), each with why. Without `--yes` it
 * stops there: exit 2 when there is something to remove, 0 when nothing (as `plan` does with
 * `--detailed-exitcode`). With `--yes` it removes, progress on standard error: exit 0 when done,
 * 1 on an error (run it again: it resumes). It holds the setup's lock, so it never runs beside an
 * apply of the same setup.
 */
export async function runDestroyCommand(
  options: {
    org: ActiveOrg;
    document: SetupDocument;
    dataDir: string;
    /** The setup's journal file, the apply's: `SetupService.journalFileOf`. */
    journalFile: string;
    forgetSecret: (account: string) => Promise<unknown>;
    yes: boolean;
    json: boolean;
  },
  io: DestroyCommandIo,
): Promise<number> {
  const { org, document, json } = options;
  const throwaways = previewJournals(path.join(options.dataDir, 'journals')).throwaways;
  const deps: TeardownDeps = {
    client: org.client,
    document,
    orgUrl: org.orgUrl,
    journal: createFileJournal(options.journalFile),
    throwaways: { read: () => throwaways.read(), prefix: THROWAWAY_LOGIN_PREFIX },
  };
  const mapped = (error: unknown) =>
    error instanceof CliError
      ? error
      : toOktaAppError(error, {
          orgUrl: org.orgUrl,
          token: org.token,
          action: 'tearing the setup down',
        });
  let release: () => Promise<void>;
  try {
    release = await acquireLockFile(options.journalFile.replace(/\.jsonl$/, '.lock'));
  } catch (error) {
    if (error instanceof LockHeldError) {
      throw new CliError(
        `This setup is being applied or torn down (process ${String(error.holder.pid)} since ${error.holder.since}).`,
        'Wait for it to finish, then run destroy again.',
      );
    }
    throw error;
  }
  try {
    const plan = await planTeardownFromOrg(deps);
    io.write(json ? `${JSON.stringify(planJson(plan))}\n` : renderTeardownPlan(plan, org.orgUrl));
    if (!options.yes) {
      if (plan.removals.length > 0) {
        io.warn('Nothing was removed. Run destroy again with --yes to remove what is listed.\n');
        return 2;
      }
      return 0;
    }
    io.warn(`Journal: ${options.journalFile}\n`);
    const result = await destroySetup({
      ...deps,
      reviewed: plan,
      forgetSecret: options.forgetSecret,
      onProgress: (event) => {
        io.warn(
          `${event.state === 'removed' ? '✓' : event.state === 'retrying' ? '↻' : '…'} ${event.title}\n`,
        );
      },
    });
    io.write(
      json
        ? `${JSON.stringify({
            outcome: 'destroyed',
            removed: result.removed.map(({ key, objectId }) => ({ key, objectId })),
            forgottenSecrets: result.forgotten.length,
            keychainWarning: result.keychainWarning,
          })}\n`
        : `\nDestroyed: ${String(result.removed.length)} removed${
            result.forgotten.length > 0
              ? `, ${String(result.forgotten.length)} keychain entr${result.forgotten.length === 1 ? 'y' : 'ies'} forgotten`
              : ''
          }.\n`,
    );
    if (result.keychainWarning !== null) {
      io.warn(`sso-console: ${result.keychainWarning}\n`);
    }
    return 0;
  } catch (error) {
    throw mapped(error);
  } finally {
    await release();
  }
}
