import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { describeFailure } from '../okta/okta-errors.ts';
import { readOrgSnapshot } from '../okta/org-snapshot.ts';
import { RequestCancelledError } from '../okta/request-scheduler.ts';
import { inRequestScope, type RequestScope } from '../okta/request-scope.ts';
import {
  ApplyCancelledError,
  ApplyIncompleteError,
  ChangedDuringApplyError,
  PlanStaleError,
  SecretsCannotBeKeptError,
  SetupBlockedError,
} from './apply-errors.ts';
import {
  type ApplyJournal,
  CLIENT_SECRET_STEP,
  entriesFor,
  type JournalEntry,
  owedSecrets,
  stepsInDoubt,
  testUserPasswordStep,
  unkeptSecrets,
} from './apply-journal.ts';
import {
  afterWrite,
  isMade,
  mayHaveFailedInFlight,
  objectIdOf,
  secretMadeBy,
} from './apply-steps.ts';
import { type NewSecret, performWrite, type WriteOutcome } from './okta-writes.ts';
import { NOTHING_OWED, type Plan, planSetup, type PlanStep } from './plan.ts';
import { compareBasis } from './plan-basis.ts';

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

/** How many times one change is tried, each after the org was read to see it is not there. */
const ATTEMPTS_PER_CHANGE = 3;

/**
 * The pauses between reads that wait for a write to show: Okta's replicas may answer 404 for an
 * object made a moment ago (security.md §6.5 and §7 F4), for up to about two seconds.
 */
export const CONSISTENCY_DELAYS_MS = [200, 400, 800, 1600] as const;

/** Waits `ms`, or until `signal` aborts: the read after it is then dropped at once. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** A write the admin cancelled before any request of it could change the org; journaled so. */
class StepNotSentError extends Error {
  constructor() {
    super('The change was cancelled before it was sent to Okta.');
    this.name = 'StepNotSentError';
  }
}

/** What a cancelled apply tells of its steps: each step's key and title, by what became of it. */
interface ApplyTally {
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
}

/**
 * Applies a setup document: exactly the plan the admin reviewed, each write recorded in the
 * journal before it is made, each failure settled by reading the org rather than writing again.
 * It can be cancelled (`signal`) and resumed.
 *
 * @remarks
 * - **This plan or none.** With `reviewed`, the org is read again before the first write and
 *   compared with what the reviewed plan read ({@link compareBasis}); if anything changed, it
 *   throws {@link PlanStaleError} with the changes and the fresh plan, having written nothing.
 * - **Nothing twice.** A write that fails without an answer (a 5xx, a dropped connection, a
 *   response lost after the change was committed) may or may not have happened. The engine never
 *   repeats it blind: it reads the org again — a few times, since a replica may not show a new
 *   object at once — and plans again. If the change is there, it moves on; if not, it tries
 *   again, up to {@link ATTEMPTS_PER_CHANGE} times. An apply stopped outright (a kill, a revoked
 *   token) is resumed by running it again: writes it left in doubt are settled by reading first.
 * - **No secret lost.** When the plan makes a secret, the keychain is checked before the first
 *   write; one that cannot keep it now refuses the apply ({@link SecretsCannotBeKeptError}),
 *   having written nothing. Each secret goes there the moment Okta hands it over. One it cannot
 *   keep after all — the keychain failed midway, the answer carrying it was lost, the process
 *   ended — is owed: the next apply replaces it with a new one, straight into the keychain (see
 *   {@link owedSecrets}). The console never handed the old one out, so nothing that works
 *   breaks.
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
    return await inRequestScope(scope, () => applyWithin(options, tally));
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

/** {@link applySetup}, inside its request scope; notes in `tally` what became of each step. */
async function applyWithin(options: ApplyOptions, tally: ApplyTally): Promise<ApplyResult> {
  const { client, document, journal, orgUrl, signal } = options;
  /** A function, not `signal.aborted` inline: the compiler would keep it narrowed past awaits. */
  const isCancelled = () => signal?.aborted === true;
  /** Between steps: a cancelled apply goes no further (the caller says what it did). */
  const stopIfCancelled = () => {
    if (isCancelled()) {
      throw new RequestCancelledError();
    }
  };
  stopIfCancelled();
  const clock = options.clock ?? (() => new Date());
  const history = entriesFor(await journal.read(), document, orgUrl);
  const firstOfThisApply = history.length;
  tally.recorded = () => history.slice(firstOfThisApply);
  // Writes run side by side (see the loop below), so the journal's lines are queued: each is
  // appended whole and in the order the engine noted it.
  let journalQueue: Promise<void> = Promise.resolve();
  const record = (entry: Omit<JournalEntry, 'setupId' | 'orgUrl' | 'at'>) => {
    const full: JournalEntry = {
      setupId: document.id,
      orgUrl,
      at: clock().toISOString(),
      ...entry,
    };
    const appended = journalQueue.then(async () => {
      await journal.append(full);
      history.push(full);
    });
    journalQueue = appended.catch(() => undefined);
    return appended;
  };

  const made: { kind: NewSecret['kind']; kept: boolean }[] = [];
  let keychainFailure: unknown = undefined;
  tally.secrets = made;
  tally.keychainFailure = () => keychainFailure;
  let snapshot = await readOrgSnapshot(client, document);
  // Once the keychain has failed in this apply, owed secrets wait for the next one.
  const replan = () =>
    planSetup(
      document,
      snapshot,
      keychainFailure === undefined ? owedSecrets(history, document) : NOTHING_OWED,
      { appsPerMinute: options.appsPerMinute?.() },
    );
  let plan = replan();

  if (options.reviewed !== undefined) {
    const changes = compareBasis(options.reviewed.basis, plan.basis);
    const stepsOf = (steps: readonly PlanStep[]) =>
      JSON.stringify(steps.map(({ key, action, changes: fields }) => [key, action, fields]));
    if (changes.length === 0 && stepsOf(options.reviewed.steps) !== stepsOf(plan.steps)) {
      // The org reads the same, yet the plan differs: this computer's journal changed what it
      // owes (an apply ran from here meanwhile).
      changes.push({
        key: 'plan',
        title: 'The planned changes',
        summary:
          'differ from the ones reviewed: this computer owes other secrets than the plan said (an apply ran here meanwhile, or the plan was made on another computer)',
        fields: [],
      });
    }
    if (changes.length > 0) {
      throw new PlanStaleError(changes, plan);
    }
  }
  if (plan.blockers.length > 0) {
    throw new SetupBlockedError(plan.blockers);
  }

  // Writes an earlier apply left in flight: the org, just read, says whether each was made.
  // A teardown's own `destroy:` steps are its to settle (main/teardown/), never the apply's.
  for (const stepKey of stepsInDoubt(history).filter((key) => !key.startsWith('destroy:'))) {
    const step = plan.steps.find((candidate) => candidate.key === stepKey);
    const asked = history.findLast(
      (entry) => entry.stepKey === stepKey && entry.phase === 'started',
    )?.action;
    const kind = asked === 'create' ? 'create' : 'update';
    // A create Okta committed may not show on the replica just read: read again for a while, as
    // for a lost answer within an apply, before creating it a second time.
    const wasMade =
      step === undefined || isMade(step, kind) || (kind === 'create' && (await settle(step)));
    const objectId = wasMade ? objectIdOf(stepKey, snapshot) : undefined;
    await record({
      stepKey,
      phase: wasMade ? 'found' : 'not-found',
      ...(objectId === undefined ? {} : { objectId }),
    });
  }
  plan = replan();
  // What this apply may change: the plan reviewed (the same as this one, or it would have been
  // refused). A step the org asks for later, from an edit made while this apply runs, is not
  // done behind the admin's back: the apply stops instead (see the loop below).
  const reviewedActions = new Map(plan.steps.map((step) => [step.key, step.action]));
  for (const step of plan.steps) {
    if (step.action !== 'unchanged') {
      tally.planned.set(step.key, step.title);
    }
  }
  /** Steps Okta confirmed in this apply, with what was asked of each. */
  const confirmed = new Map<string, PlanStep['action']>();

  const secretsDue = [
    ...new Set(plan.steps.flatMap((step) => secretMadeBy(step, document) ?? [])),
  ].sort();
  if (secretsDue.length > 0) {
    // Before anything is written: a keychain that cannot keep a secret now would lose it later.
    try {
      await options.secrets.check();
    } catch (error) {
      throw new SecretsCannotBeKeptError(secretsDue, error);
    }
  }

  const outcome = new Map<string, { title: string; action: PlanStep['action'] }>();
  for (const step of plan.steps) {
    outcome.set(step.key, { title: step.title, action: 'unchanged' });
  }
  const attempts = new Map<string, number>();

  /** Reads the org again until `settled` holds of the new plan, or the pauses run out. */
  async function readUntil(settled: (fresh: Plan) => boolean): Promise<boolean> {
    for (const delay of [0, ...CONSISTENCY_DELAYS_MS]) {
      if (delay > 0) {
        await sleep(delay, signal);
      }
      snapshot = await readOrgSnapshot(client, document);
      plan = replan();
      if (settled(plan)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the step `key` was made, as `fresh` (a plan of the org read again) tells. */
  function madeIn(fresh: Plan, step: PlanStep): boolean {
    const now = fresh.steps.find((candidate) => candidate.key === step.key);
    return now === undefined || isMade(now, step.action);
  }

  /**
   * Whether a write whose answer never came was made, as the org tells.
   *
   * @remarks
   * A create that may have happened is read for a while (a replica may not show it yet), since
   * sending it again would make a second one. Assignments are idempotent (a group assignment is
   * a PUT; assigning a user again updates the assignment), and a secret's step is owed by this
   * computer's journal, not found in the org: those are read once, or not at all, and sent again.
   */
  async function settle(step: PlanStep): Promise<boolean> {
    if (step.kind === 'client-secret' || step.kind === 'test-user-password') {
      return false;
    }
    if (step.kind === 'user-assignment' || step.kind === 'group-assignment') {
      snapshot = await readOrgSnapshot(client, document);
      plan = replan();
      return madeIn(plan, step);
    }
    return readUntil((fresh) => madeIn(fresh, step));
  }

  const readAfterWrite = async <T>(read: () => Promise<T | undefined>) => {
    for (const delay of [0, ...CONSISTENCY_DELAYS_MS]) {
      if (delay > 0) {
        await sleep(delay, signal);
      }
      const found = await read();
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  };

  async function keep(secret: NewSecret): Promise<void> {
    const stepKey =
      secret.kind === 'client-secret' ? CLIENT_SECRET_STEP : testUserPasswordStep(secret.login);
    try {
      await options.secrets.keep(secret);
      await record({ stepKey, phase: 'kept' });
      made.push({ kind: secret.kind, kept: true });
    } catch (error) {
      keychainFailure ??= error;
      await record({ stepKey, phase: 'not-kept', detail: describeFailure(error) });
      made.push({ kind: secret.kind, kept: false });
    }
  }

  /**
   * One write, journaled before and after, its secret kept the moment Okta hands it over.
   * Throws what the write threw; the caller settles it.
   */
  async function write(step: PlanStep, attempt: number): Promise<WriteOutcome> {
    const { key } = step;
    if (isCancelled()) {
      // Cancelled before it started: not even journaled.
      throw new StepNotSentError();
    }
    options.onProgress?.({
      stepKey: key,
      title: step.title,
      state: attempt > 1 ? 'retrying' : 'running',
    });
    await record({
      stepKey: key,
      phase: 'started',
      action: step.action === 'create' ? 'create' : 'update',
    });
    // The step's own scope, to count its writes: a cancelled step none of whose writes went out
    // made nothing, for sure.
    const stepScope: RequestScope = { signal, writesSent: 0 };
    let written: WriteOutcome;
    try {
      written = await inRequestScope(stepScope, () =>
        performWrite(step, {
          client,
          document,
          snapshot,
          unkept: unkeptSecrets(history),
          noteSecretsBefore: (objectIds) =>
            record({ stepKey: CLIENT_SECRET_STEP, phase: 'listed', objectIds }),
          readAfterWrite,
        }),
      );
    } catch (error) {
      if (isCancelled() && stepScope.writesSent === 0) {
        await record({ stepKey: key, phase: 'not-sent' });
        throw new StepNotSentError();
      }
      throw error;
    }
    await record({
      stepKey: key,
      phase: 'done',
      ...(written.objectId === undefined ? {} : { objectId: written.objectId }),
    });
    outcome.set(key, { title: step.title, action: step.action });
    confirmed.set(key, step.action);
    tally.made.set(key, step.title);
    if (written.secret !== undefined) {
      await keep(written.secret);
    }
    const { after } = written;
    if (after !== undefined) {
      try {
        // Retiring the secrets nobody kept is finished even after a cancel (outside its
        // signal): the new secret is kept, and an old one left active would stay so for good.
        await inRequestScope({ signal: undefined, writesSent: 0 }, after);
      } catch (error) {
        // The new secret is kept; the old ones stay until a later apply. Journaled, not fatal.
        await record({ stepKey: key, phase: 'not-retired', detail: describeFailure(error) });
      }
    }
    options.onProgress?.({ stepKey: key, title: step.title, state: 'done' });
    return written;
  }

  for (;;) {
    stopIfCancelled();
    const pending = plan.steps.filter((candidate) => candidate.action !== 'unchanged');
    if (pending.length === 0) {
      break;
    }
    const doubted = pending.find((candidate) => {
      const asked = confirmed.get(candidate.key);
      return asked !== undefined && !isMade(candidate, asked);
    });
    if (doubted !== undefined) {
      const asked = confirmed.get(doubted.key) ?? doubted.action;
      // Okta said it was done, yet the org shows it still to do: a replica behind, for a
      // while — or an answer that lied. Never written again on faith.
      if (!(await readUntil((fresh) => madeIn(fresh, { ...doubted, action: asked })))) {
        throw new ApplyIncompleteError(
          `Okta confirmed ${doubted.title}, but the org does not show it; nothing more was written. Run the apply again.`,
        );
      }
      continue;
    }
    // Every step whose dependencies are done goes at once: independent writes need not wait
    // for each other, and across the internet each wait is a round trip (a fresh Kestra setup
    // is three: the reads, the app with the test user, the assignments). The org's request
    // scheduler, beneath the client, still bounds and paces them.
    const pendingKeys = new Set(pending.map((candidate) => candidate.key));
    const ready = pending.filter((candidate) =>
      candidate.dependsOn.every((key) => !pendingKeys.has(key)),
    );
    const batch = ready.length > 0 ? ready : pending.slice(0, 1);
    for (const step of batch) {
      const isOwnRepair = step.kind === 'client-secret' || step.kind === 'test-user-password';
      if (!isOwnRepair && reviewedActions.get(step.key) !== step.action) {
        throw new ChangedDuringApplyError(step);
      }
      if (!outcome.has(step.key)) {
        outcome.set(step.key, { title: step.title, action: 'unchanged' });
      }
    }
    const tried = batch.map((step) => {
      const attempt = (attempts.get(step.key) ?? 0) + 1;
      attempts.set(step.key, attempt);
      return { step, attempt };
    });
    const results = await Promise.allSettled(
      tried.map(({ step, attempt }) => write(step, attempt)),
    );

    // The batch's answers, one at a time: what was confirmed is noted in memory (a new server
    // is the exception: it comes with scopes Okta made, read once it shows), and what failed
    // without an answer is settled by reading, never by writing again blind.
    let refused: unknown = undefined;
    const inDoubt: { step: PlanStep; attempt: number; error: unknown }[] = [];
    for (const [index, result] of results.entries()) {
      const { step, attempt } = tried[index] as { step: PlanStep; attempt: number };
      if (result.status === 'fulfilled') {
        if (step.kind !== 'auth-server') {
          snapshot = afterWrite(snapshot, step, result.value, document);
        }
        continue;
      }
      const error: unknown = result.reason;
      if (error instanceof StepNotSentError) {
        // Cancelled before it went out, and journaled so.
        continue;
      }
      if (mayHaveFailedInFlight(error)) {
        inDoubt.push({ step, attempt, error });
      } else {
        await record({ stepKey: step.key, phase: 'failed', detail: describeFailure(error) });
        refused ??= error;
      }
    }
    plan = replan();
    // Cancelled: what is in doubt stays so in the journal, for the next apply to settle by
    // reading the org before it writes anything — no read, no write more now.
    stopIfCancelled();
    for (const { step } of tried) {
      if (step.kind === 'auth-server' && confirmed.get(step.key) === step.action) {
        await readUntil((fresh) => madeIn(fresh, step));
      }
    }
    for (const { step, attempt, error } of inDoubt) {
      const { key } = step;
      const wasMade = await settle(step);
      const objectId = wasMade ? objectIdOf(key, snapshot) : undefined;
      await record({
        stepKey: key,
        phase: wasMade ? 'found' : 'not-found',
        ...(objectId === undefined ? {} : { objectId }),
      });
      if (wasMade) {
        outcome.set(key, { title: step.title, action: step.action });
        confirmed.set(key, step.action);
        tally.made.set(key, step.title);
      } else if (attempt >= ATTEMPTS_PER_CHANGE) {
        // Tried enough: say Okta's own failure. The journal holds where to resume.
        refused ??= error;
      } else {
        options.onProgress?.({ stepKey: key, title: step.title, state: 'retrying' });
      }
      plan = replan();
    }
    if (refused !== undefined) {
      // Okta's own failure, as the SDK threw it (its status and error code are what callers read).
      throw refused instanceof Error ? refused : new Error(describeFailure(refused));
    }
  }

  // The loop ends when the plan of what Okta confirmed holds nothing more to do. The org is not
  // read again to prove it: each write's answer was Okta's word for the object, and reading
  // back what Okta just answered would only cost round trips (a replica may even lag behind it).
  const app = snapshot.app;
  if (app === undefined) {
    throw new ApplyIncompleteError(
      'The app integration is not in the org after the apply; run it again.',
    );
  }
  return {
    appId: app.id,
    clientId: app.clientId ?? app.id,
    authServerId: document.issuer.kind === 'custom' ? snapshot.authServer?.id : undefined,
    steps: [...outcome].map(([stepKey, { title, action }]) => ({ key: stepKey, title, action })),
    objects: {
      testUserId:
        document.assignments.testUser === undefined
          ? undefined
          : snapshot.usersByLogin.get(document.assignments.testUser.email)?.id,
      groups: document.assignments.groups.flatMap(({ name }) => {
        const id = snapshot.groupsByName.get(name)?.id;
        return id === undefined ? [] : [{ name, id }];
      }),
    },
    secrets: made,
    keychainFailure,
  };
}
