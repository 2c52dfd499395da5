import { changeAppsAtOnce } from '../okta/app-write-lock.ts';
import { describeFailure } from '../okta/okta-errors.ts';
import { type OrgSnapshot, readOrgSnapshot } from '../okta/org-snapshot.ts';
import { RequestCancelledError } from '../okta/request-scheduler.ts';
import { inRequestScope, type RequestScope } from '../okta/request-scope.ts';
import type { ApplyOptions, ApplyResult, ApplyTally } from './apply.ts';
import {
  ApplyIncompleteError,
  ChangedDuringApplyError,
  PlanStaleError,
  SecretsCannotBeKeptError,
  SetupBlockedError,
} from './apply-errors.ts';
import {
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

// The apply engine's phases (see runApply). `apply.ts` holds what callers use: the options, the
// result, and applySetup, which turns a cancel into what the apply made and did not.

/** How many times one change is tried, each after the org was read to see it is not there. */
const ATTEMPTS_PER_CHANGE = 3;

/**
 * The pauses between reads that wait for a write to show: Okta's replicas may answer 404 for an
 * object made a moment ago (security.md §6.5 and §7 F4), for up to about two seconds.
 */
const CONSISTENCY_DELAYS_MS = [200, 400, 800, 1600] as const;

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

/** `applySetup` (`apply.ts`) in its request scope: notes in `tally` what became of each step. */
export async function runApply(options: ApplyOptions, tally: ApplyTally): Promise<ApplyResult> {
  const run = await ApplyRun.begin(options, tally);
  await run.settleEarlierWrites();
  run.takeThePlan();
  await run.checkKeychain();
  while (await run.writeNextBatch()) {
    // Each batch reads, writes and settles; the plan of what Okta confirmed says when it ends.
  }
  return run.result();
}

/** One write of a batch, and which attempt at its change it is. */
interface Tried {
  step: PlanStep;
  attempt: number;
}

/**
 * One apply in progress: what it knows of the org (the last snapshot and the plan made from
 * it), the journal's lines, and what became of each step. {@link runApply} runs its phases in
 * order: begin (read and check the plan), settle what an earlier apply left in doubt, take the
 * plan, check the keychain, then write batch after batch.
 */
class ApplyRun {
  readonly #options: ApplyOptions;
  readonly #tally: ApplyTally;
  /** The journal's lines of this setup in this org, this apply's included. */
  readonly #history: JournalEntry[];
  // Writes run side by side (see writeNextBatch), so the journal's lines are queued: each is
  // appended whole and in the order the engine noted it.
  #journalQueue: Promise<void> = Promise.resolve();
  readonly #secrets: ApplyResult['secrets'] = [];
  #keychainFailure: unknown = undefined;
  #snapshot: OrgSnapshot;
  #plan: Plan;
  /**
   * What this apply may change: the plan reviewed (the same as this one, or it would have been
   * refused). A step the org asks for later, from an edit made while this apply runs, is not
   * done behind the admin's back: the apply stops instead (see writeNextBatch).
   */
  #reviewedActions = new Map<string, PlanStep['action']>();
  /** Steps Okta confirmed in this apply, with what was asked of each. */
  readonly #confirmed = new Map<string, PlanStep['action']>();
  readonly #outcome = new Map<string, { title: string; action: PlanStep['action'] }>();
  readonly #attempts = new Map<string, number>();

  private constructor(
    options: ApplyOptions,
    tally: ApplyTally,
    history: JournalEntry[],
    snapshot: OrgSnapshot,
  ) {
    this.#options = options;
    this.#tally = tally;
    this.#history = history;
    this.#snapshot = snapshot;
    const firstOfThisApply = history.length;
    tally.recorded = () => history.slice(firstOfThisApply);
    tally.secrets = this.#secrets;
    tally.keychainFailure = () => this.#keychainFailure;
    this.#plan = this.#replan();
  }

  /**
   * Reads the journal and the org, and plans: refuses a plan other than the one reviewed
   * ({@link PlanStaleError}) and a setup the org blocks ({@link SetupBlockedError}), having
   * written nothing.
   */
  static async begin(options: ApplyOptions, tally: ApplyTally): Promise<ApplyRun> {
    const { client, document, journal, orgUrl } = options;
    throwIfCancelled(options.signal);
    const history = entriesFor(await journal.read(), document, orgUrl);
    const run = new ApplyRun(options, tally, history, await readOrgSnapshot(client, document));
    run.#refuseUnreviewed();
    if (run.#plan.blockers.length > 0) {
      throw new SetupBlockedError(run.#plan.blockers);
    }
    return run;
  }

  /** A function, not `signal.aborted` inline: the compiler would keep it narrowed past awaits. */
  #isCancelled(): boolean {
    return this.#options.signal?.aborted === true;
  }

  #replan(): Plan {
    const { document } = this.#options;
    // Once the keychain has failed in this apply, owed secrets wait for the next one.
    return planSetup(
      document,
      this.#snapshot,
      this.#keychainFailure === undefined ? owedSecrets(this.#history, document) : NOTHING_OWED,
      { appsPerMinute: this.#options.appsPerMinute?.() },
    );
  }

  #record(entry: Omit<JournalEntry, 'setupId' | 'orgUrl' | 'at'>): Promise<void> {
    const { document, orgUrl, journal } = this.#options;
    const clock = this.#options.clock ?? (() => new Date());
    const full: JournalEntry = {
      setupId: document.id,
      orgUrl,
      at: clock().toISOString(),
      ...entry,
    };
    const appended = this.#journalQueue.then(async () => {
      await journal.append(full);
      this.#history.push(full);
    });
    this.#journalQueue = appended.catch(() => undefined);
    return appended;
  }

  #refuseUnreviewed(): void {
    const { reviewed } = this.#options;
    if (reviewed === undefined) {
      return;
    }
    const changes = compareBasis(reviewed.basis, this.#plan.basis);
    const stepsOf = (steps: readonly PlanStep[]) =>
      JSON.stringify(steps.map(({ key, action, changes: fields }) => [key, action, fields]));
    if (changes.length === 0 && stepsOf(reviewed.steps) !== stepsOf(this.#plan.steps)) {
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
      throw new PlanStaleError(changes, this.#plan);
    }
  }

  /**
   * Writes an earlier apply left in flight: the org, just read, says whether each was made.
   * A teardown's own `destroy:` steps are its to settle (main/teardown/), never the apply's.
   */
  async settleEarlierWrites(): Promise<void> {
    const inDoubt = stepsInDoubt(this.#history).filter((key) => !key.startsWith('destroy:'));
    for (const stepKey of inDoubt) {
      const step = this.#plan.steps.find((candidate) => candidate.key === stepKey);
      const asked = this.#history.findLast(
        (entry) => entry.stepKey === stepKey && entry.phase === 'started',
      )?.action;
      const kind = asked === 'create' ? 'create' : 'update';
      // A create Okta committed may not show on the replica just read: read again for a while,
      // as for a lost answer within an apply, before creating it a second time.
      const wasMade =
        step === undefined ||
        isMade(step, kind) ||
        (kind === 'create' && (await this.#settle(step)));
      const objectId = wasMade ? objectIdOf(stepKey, this.#snapshot) : undefined;
      await this.#record({
        stepKey,
        phase: wasMade ? 'found' : 'not-found',
        ...(objectId === undefined ? {} : { objectId }),
      });
    }
  }

  /** Plans once more, and takes that plan as what this apply may change. */
  takeThePlan(): void {
    this.#plan = this.#replan();
    this.#reviewedActions = new Map(this.#plan.steps.map((step) => [step.key, step.action]));
    for (const step of this.#plan.steps) {
      if (step.action !== 'unchanged') {
        this.#tally.planned.set(step.key, step.title);
      }
      this.#outcome.set(step.key, { title: step.title, action: 'unchanged' });
    }
  }

  /** Before anything is written: a keychain that cannot keep a secret now would lose it later. */
  async checkKeychain(): Promise<void> {
    const { document } = this.#options;
    const secretsDue = [
      ...new Set(this.#plan.steps.flatMap((step) => secretMadeBy(step, document) ?? [])),
    ].sort();
    if (secretsDue.length === 0) {
      return;
    }
    try {
      await this.#options.secrets.check();
    } catch (error) {
      throw new SecretsCannotBeKeptError(secretsDue, error);
    }
  }

  /** Reads the org again until `settled` holds of the new plan, or the pauses run out. */
  async #readUntil(settled: (fresh: Plan) => boolean): Promise<boolean> {
    const { client, document, signal } = this.#options;
    for (const delay of [0, ...CONSISTENCY_DELAYS_MS]) {
      if (delay > 0) {
        await sleep(delay, signal);
      }
      this.#snapshot = await readOrgSnapshot(client, document);
      this.#plan = this.#replan();
      if (settled(this.#plan)) {
        return true;
      }
    }
    return false;
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
  async #settle(step: PlanStep): Promise<boolean> {
    if (step.kind === 'client-secret' || step.kind === 'test-user-password') {
      return false;
    }
    if (step.kind === 'user-assignment' || step.kind === 'group-assignment') {
      this.#snapshot = await readOrgSnapshot(this.#options.client, this.#options.document);
      this.#plan = this.#replan();
      return madeIn(this.#plan, step);
    }
    return this.#readUntil((fresh) => madeIn(fresh, step));
  }

  /** A read after a write, again after each pause while it finds nothing (a replica behind). */
  readonly #readAfterWrite = async <T>(read: () => Promise<T | undefined>) => {
    for (const delay of [0, ...CONSISTENCY_DELAYS_MS]) {
      if (delay > 0) {
        await sleep(delay, this.#options.signal);
      }
      const found = await read();
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  };

  async #keep(secret: NewSecret): Promise<void> {
    const stepKey =
      secret.kind === 'client-secret' ? CLIENT_SECRET_STEP : testUserPasswordStep(secret.login);
    try {
      await this.#options.secrets.keep(secret);
      await this.#record({ stepKey, phase: 'kept' });
      this.#secrets.push({ kind: secret.kind, kept: true });
    } catch (error) {
      this.#keychainFailure ??= error;
      await this.#record({ stepKey, phase: 'not-kept', detail: describeFailure(error) });
      this.#secrets.push({ kind: secret.kind, kept: false });
    }
  }

  /** Notes a step as made in this apply: Okta confirmed it, or reading the org found it. */
  #noteMade(step: PlanStep): void {
    this.#outcome.set(step.key, { title: step.title, action: step.action });
    this.#confirmed.set(step.key, step.action);
    this.#tally.made.set(step.key, step.title);
  }

  /**
   * One write, journaled before and after, its secret kept the moment Okta hands it over.
   * Throws what the write threw; the caller settles it.
   */
  async #write({ step, attempt }: Tried): Promise<WriteOutcome> {
    const { key } = step;
    const { client, document, signal } = this.#options;
    if (this.#isCancelled()) {
      // Cancelled before it started: not even journaled.
      throw new StepNotSentError();
    }
    this.#options.onProgress?.({
      stepKey: key,
      title: step.title,
      state: attempt > 1 ? 'retrying' : 'running',
    });
    await this.#record({
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
          snapshot: this.#snapshot,
          unkept: unkeptSecrets(this.#history),
          noteSecretsBefore: (objectIds) =>
            this.#record({ stepKey: CLIENT_SECRET_STEP, phase: 'listed', objectIds }),
          readAfterWrite: this.#readAfterWrite,
          appWrites: this.#options.appWrites ?? changeAppsAtOnce,
        }),
      );
    } catch (error) {
      if (this.#isCancelled() && stepScope.writesSent === 0) {
        await this.#record({ stepKey: key, phase: 'not-sent' });
        throw new StepNotSentError();
      }
      throw error;
    }
    await this.#record({
      stepKey: key,
      phase: 'done',
      ...(written.objectId === undefined ? {} : { objectId: written.objectId }),
    });
    this.#noteMade(step);
    if (written.secret !== undefined) {
      await this.#keep(written.secret);
    }
    const { after } = written;
    if (after !== undefined) {
      try {
        // Retiring the secrets nobody kept is finished even after a cancel (outside its
        // signal): the new secret is kept, and an old one left active would stay so for good.
        await inRequestScope({ signal: undefined, writesSent: 0 }, after);
      } catch (error) {
        // The new secret is kept; the old ones stay until a later apply. Journaled, not fatal.
        await this.#record({ stepKey: key, phase: 'not-retired', detail: describeFailure(error) });
      }
    }
    this.#options.onProgress?.({ stepKey: key, title: step.title, state: 'done' });
    return written;
  }

  /**
   * The next batch: every pending step whose dependencies are done, or `undefined` when the plan
   * of what Okta confirmed holds nothing more to do. A step Okta confirmed that the org does not
   * show yet is read for first (a replica behind — or an answer that lied), never written again
   * on faith.
   */
  async #nextBatch(): Promise<Tried[] | undefined> {
    for (;;) {
      throwIfCancelled(this.#options.signal);
      const pending = this.#plan.steps.filter((candidate) => candidate.action !== 'unchanged');
      if (pending.length === 0) {
        return undefined;
      }
      const doubted = pending.find((candidate) => {
        const asked = this.#confirmed.get(candidate.key);
        return asked !== undefined && !isMade(candidate, asked);
      });
      if (doubted === undefined) {
        return this.#batchOf(pending);
      }
      const asked = this.#confirmed.get(doubted.key) ?? doubted.action;
      if (!(await this.#readUntil((fresh) => madeIn(fresh, { ...doubted, action: asked })))) {
        throw new ApplyIncompleteError(
          `Okta confirmed ${doubted.title}, but the org does not show it; nothing more was written. Run the apply again.`,
        );
      }
    }
  }

  /**
   * Every pending step whose dependencies are done goes at once: independent writes need not
   * wait for each other, and across the internet each wait is a round trip (a fresh Kestra setup
   * is three: the reads, the app with the test user, the assignments). The org's request
   * scheduler, beneath the client, still bounds and paces them.
   */
  #batchOf(pending: PlanStep[]): Tried[] {
    const pendingKeys = new Set(pending.map((candidate) => candidate.key));
    const ready = pending.filter((candidate) =>
      candidate.dependsOn.every((key) => !pendingKeys.has(key)),
    );
    const batch = ready.length > 0 ? ready : pending.slice(0, 1);
    for (const step of batch) {
      const isOwnRepair = step.kind === 'client-secret' || step.kind === 'test-user-password';
      if (!isOwnRepair && this.#reviewedActions.get(step.key) !== step.action) {
        throw new ChangedDuringApplyError(step);
      }
      if (!this.#outcome.has(step.key)) {
        this.#outcome.set(step.key, { title: step.title, action: 'unchanged' });
      }
    }
    return batch.map((step) => {
      const attempt = (this.#attempts.get(step.key) ?? 0) + 1;
      this.#attempts.set(step.key, attempt);
      return { step, attempt };
    });
  }

  /**
   * Writes the next batch side by side and settles its answers; answers whether there was one.
   * Throws Okta's own refusal, as the SDK threw it (its status and error code are what callers
   * read), once the batch is settled.
   */
  async writeNextBatch(): Promise<boolean> {
    const tried = await this.#nextBatch();
    if (tried === undefined) {
      return false;
    }
    // Each answer with its step: a write's outcome, or what it threw.
    const answers = await Promise.all(
      tried.map((one) =>
        this.#write(one).then(
          (written) => ({ ...one, written, failure: undefined }),
          (error: unknown) => ({ ...one, written: undefined, failure: { error } }),
        ),
      ),
    );

    // The batch's answers, one at a time: what was confirmed is noted in memory (a new server
    // is the exception: it comes with scopes Okta made, read once it shows), and what failed
    // without an answer is settled by reading, never by writing again blind.
    let refused: unknown = undefined;
    const inDoubt: (Tried & { error: unknown })[] = [];
    for (const { step, attempt, written, failure } of answers) {
      if (failure === undefined) {
        if (step.kind !== 'auth-server') {
          this.#snapshot = afterWrite(this.#snapshot, step, written, this.#options.document);
        }
        continue;
      }
      const { error } = failure;
      if (error instanceof StepNotSentError) {
        // Cancelled before it went out, and journaled so.
        continue;
      }
      if (mayHaveFailedInFlight(error)) {
        inDoubt.push({ step, attempt, error });
      } else {
        await this.#record({ stepKey: step.key, phase: 'failed', detail: describeFailure(error) });
        refused ??= error;
      }
    }
    this.#plan = this.#replan();
    // Cancelled: what is in doubt stays so in the journal, for the next apply to settle by
    // reading the org before it writes anything — no read, no write more now.
    throwIfCancelled(this.#options.signal);
    for (const { step } of tried) {
      if (step.kind === 'auth-server' && this.#confirmed.get(step.key) === step.action) {
        await this.#readUntil((fresh) => madeIn(fresh, step));
      }
    }
    for (const { step, attempt, error } of inDoubt) {
      const wasMade = await this.#settle(step);
      const objectId = wasMade ? objectIdOf(step.key, this.#snapshot) : undefined;
      await this.#record({
        stepKey: step.key,
        phase: wasMade ? 'found' : 'not-found',
        ...(objectId === undefined ? {} : { objectId }),
      });
      if (wasMade) {
        this.#noteMade(step);
      } else if (attempt >= ATTEMPTS_PER_CHANGE) {
        // Tried enough: say Okta's own failure. The journal holds where to resume.
        refused ??= error;
      } else {
        this.#options.onProgress?.({ stepKey: step.key, title: step.title, state: 'retrying' });
      }
      this.#plan = this.#replan();
    }
    if (refused !== undefined) {
      throw refused instanceof Error ? refused : new Error(describeFailure(refused));
    }
    return true;
  }

  /**
   * What the apply did. The org is not read again to prove it: each write's answer was Okta's
   * word for the object, and reading back what Okta just answered would only cost round trips
   * (a replica may even lag behind it).
   */
  result(): ApplyResult {
    const { document } = this.#options;
    const snapshot = this.#snapshot;
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
      steps: [...this.#outcome].map(([stepKey, { title, action }]) => ({
        key: stepKey,
        title,
        action,
      })),
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
      secrets: this.#secrets,
      keychainFailure: this.#keychainFailure,
    };
  }
}

/** Between steps: a cancelled apply goes no further (the caller says what it did). */
function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new RequestCancelledError();
  }
}

/** Whether `step` was made, as `fresh` (a plan of the org read again) tells. */
function madeIn(fresh: Plan, step: PlanStep): boolean {
  const now = fresh.steps.find((candidate) => candidate.key === step.key);
  return now === undefined || isMade(now, step.action);
}
