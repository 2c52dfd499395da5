import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { AppWriteLock } from '../okta/app-write-lock.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { RequestCancelledError } from '../okta/request-scheduler.ts';
import { inRequestScope, type RequestScope } from '../okta/request-scope.ts';
import { ApplyCancelledError } from './apply-errors.ts';
import { type ApplyJournal, type JournalEntry, stepsInDoubt } from './apply-journal.ts';
import { runApply } from './apply-run.ts';
import type { NewSecret } from './okta-writes.ts';
import type { Plan, PlanStep } from './plan.ts';

export {
  ApplyCancelledError,
  ApplyIncompleteError,
  ChangedDuringApplyError,
  PlanStaleError,
  SecretsCannotBeKeptError,
  SetupBlockedError,
} from './apply-errors.ts';
export { type ApplyJournal, createFileJournal, type JournalEntry } from './apply-journal.ts';
export type { NewSecret } from './okta-writes.ts';

/** What an apply did: ids, each step, and where the secrets it made went — never the secrets. */
export interface ApplyResult {
  appId: string;
  clientId: string;
  /** The custom authorization server that issues the app's tokens; `undefined` for the org's. */
  authServerId: string | undefined;
  /** Each step with what was done. */
  steps: { key: string; title: string; action: PlanStep['action'] }[];
  /**
   * The org's ids of the test user and groups the document names, as read after the apply — so
   * callers can point at them (e.g. Admin Console links) without searching the directory again.
   */
  objects: {
    testUserId: string | undefined;
    groups: { name: string; id: string }[];
  };
  /** Each secret this apply made, and whether the keychain kept it. */
  secrets: { kind: NewSecret['kind']; kept: boolean }[];
  /** Why a secret was not kept (the keychain's own error), when one was not. */
  keychainFailure: unknown;
}

/** Where an apply's secrets go: the OS keychain, in the console and on the command line. */
export interface SecretKeeper {
  /** Proves the keychain takes a secret now; called before the first write when one is due. */
  check(): Promise<void>;
  keep(secret: NewSecret): Promise<void>;
}

/** Progress of an apply, step by step. */
export type ApplyProgress = (event: {
  stepKey: string;
  title: string;
  state: 'running' | 'done' | 'retrying';
}) => void;

/** What a cancelled apply tells of its steps: each step's key and title, by what became of it. */
export interface ApplyTally {
  /** The changes this apply set out to make (the reviewed plan's, less what is unchanged). */
  planned: Map<string, string>;
  /** Made in this apply: Okta confirmed it, or reading the org found it. */
  made: Map<string, string>;
  /**
   * The journal's lines this apply wrote: a step whose `started` has no outcome after it is in
   * doubt (a request of it went out, its answer was lost or not yet settled by reading).
   */
  recorded: () => JournalEntry[];
  /** The secrets this apply made, and whether the keychain kept each. */
  secrets: ApplyResult['secrets'];
  /** The keychain's failure to keep one of them, if it failed. */
  keychainFailure: () => unknown;
}

/** The options of {@link applySetup}. */
export interface ApplyOptions {
  client: OktaClient;
  document: SetupDocument;
  /** The org's URL: journal entries and the secrets' keychain accounts are per org. */
  orgUrl: string;
  journal: ApplyJournal;
  secrets: SecretKeeper;
  /** The plan the admin reviewed; without it, the apply takes the plan it makes itself. */
  reviewed?: Pick<Plan, 'basis' | 'steps'>;
  /** The org's limit on its `apps` bucket a minute, once known: a fresh plan says how long. */
  appsPerMinute?: () => number | undefined;
  onProgress?: ApplyProgress;
  clock?: () => Date;
  /**
   * Cancels the apply: it stops before its next request to Okta and throws
   * {@link ApplyCancelledError}. A request already sent is answered and journaled as ever; one
   * waiting in the org's scheduler (for a rate limit's reset, say) is dropped at once.
   */
  signal?: AbortSignal;
  /**
   * Keeps the update of the app (its read and its replace) from overlapping another change of
   * the same app on this data folder, a login preview's temporary redirect URI say (see
   * {@link AppWriteLock}). Without one, the update runs at once.
   */
  appWrites?: AppWriteLock;
}

/**
 * Applies a setup document: exactly the plan the admin reviewed, each write recorded in the
 * journal before it is made, each failure settled by reading the org rather than writing again.
 * It can be cancelled (`signal`) and resumed.
 *
 * @remarks
 * - **This plan or none.** With `reviewed`, the org is read again before the first write and
 *   compared with what the reviewed plan read (`compareBasis`, `plan-basis.ts`); if anything
 *   changed, it throws `PlanStaleError` with the changes and the fresh plan, having written
 *   nothing.
 * - **Nothing twice.** A write that fails without an answer (a 5xx, a dropped connection, a
 *   response lost after the change was committed) may or may not have happened. The engine never
 *   repeats it blind: it reads the org again — a few times, since a replica may not show a new
 *   object at once — and plans again. If the change is there, it moves on; if not, it tries
 *   again, up to three times (`ATTEMPTS_PER_CHANGE` in `apply-run.ts`). An apply stopped
 *   outright (a kill, a revoked token) is resumed by running it again: writes it left in doubt
 *   are settled by reading first.
 * - **No secret lost.** When the plan makes a secret, the keychain is checked before the first
 *   write; one that cannot keep it now refuses the apply (`SecretsCannotBeKeptError`), having
 *   written nothing. Each secret goes there the moment Okta hands it over. One it cannot keep
 *   after all — the keychain failed midway, the answer carrying it was lost, the process ended —
 *   is owed: the next apply replaces it with a new one, straight into the keychain (see
 *   `owedSecrets` in `apply-journal.ts`). The console never handed the old one out, so nothing
 *   that works breaks.
 * - **Cancel.** When `signal` aborts, the apply stops before its next request: every Okta request
 * it makes runs in a request scope ({@link inRequestScope}) carrying the signal, so one waiting
 * in the org's scheduler is dropped at once, while one already sent is answered, journaled and
 * its secret kept as ever. The steps are checked between too. A step stopped before any of its
 * writes reached Okta is journaled `not-sent`; one stopped halfway through its requests (an
 * update and its activation, say) stays in doubt, for the next apply to settle by reading the
 * org, as after a kill. The apply then throws {@link ApplyCancelledError}, saying what was made;
 * applying again continues from the journal and creates nothing twice.
 */
export async function applySetup(options: ApplyOptions): Promise<ApplyResult> {
  const { signal } = options;
  const tally: ApplyTally = {
    planned: new Map(),
    made: new Map(),
    recorded: () => [],
    secrets: [],
    keychainFailure: () => undefined,
  };
  const scope: RequestScope = { signal, writesSent: 0 };
  try {
    return await inRequestScope(scope, () => runApply(options, tally));
  } catch (error) {
    // Only the cancel's own stop becomes "cancelled": Okta's refusal, a change made meanwhile by
    // someone else or an incomplete apply says more, and is said as ever.
    if (signal?.aborted !== true || !(error instanceof RequestCancelledError)) {
      throw error;
    }
    // In doubt: a request went out and its outcome is not journaled (an answer lost, a read
    // that would have settled it dropped by the cancel). The next apply reads the org for it.
    const open = new Set(stepsInDoubt(tally.recorded()));
    const titles = (keep: (key: string) => boolean) =>
      [...tally.planned].filter(([key]) => keep(key)).map(([, title]) => title);
    throw new ApplyCancelledError({
      made: titles((key) => tally.made.has(key)),
      notMade: titles((key) => !tally.made.has(key) && !open.has(key)),
      inDoubt: titles((key) => !tally.made.has(key) && open.has(key)),
      secrets: tally.secrets,
      keychainFailure: tally.keychainFailure(),
    });
  }
}
