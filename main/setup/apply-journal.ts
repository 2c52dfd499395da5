import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { createJsonLinesJournal } from '../platform/journal.ts';
import type { Owed, OwedSecrets } from './plan.ts';

/**
 * One line of the apply journal.
 *
 * @remarks
 * For each write: `started` before it is sent, then exactly one outcome —
 * - `done`: Okta answered that it was made;
 * - `found` / `not-found`: the answer was lost (or a 5xx came back), and reading the org showed
 *   the change was, or was not, made;
 * - `failed`: Okta refused it (a 4xx, a revoked token), and the apply stopped;
 * - `not-sent`: the admin cancelled the apply before any request of the write reached Okta
 *   (it waited for a rate limit's reset, say): nothing was made. A write cancelled after one of
 *   its requests went out records no outcome: it is in doubt, like one cut off by a kill.
 *
 * A `started` with no outcome after it is a write in doubt: the process ended while it was in
 * flight. The next apply settles it by reading the org before it writes anything.
 *
 * For each secret the console makes, the secret's step records `kept` once it is in the
 * keychain, or `not-kept` when the keychain failed. Before it issues a new client secret, the
 * step records the ids of the app's secrets (`listed`), so a secret whose answer was lost can be
 * told from the others later; `not-retired` says the secrets it replaced could not be removed
 * (the new one is kept all the same). Never a secret itself: the journal says which object, not
 * what key.
 */
export interface JournalEntry {
  setupId: string;
  /** The org; journals written before it was recorded have none and count for any org. */
  orgUrl?: string;
  stepKey: string;
  phase:
    | 'started'
    | 'done'
    | 'found'
    | 'not-found'
    | 'failed'
    | 'not-sent'
    | 'kept'
    | 'not-kept'
    | 'listed'
    | 'not-retired';
  at: string;
  /** `started` only: what the write does. Older journals have none. */
  action?: 'create' | 'update';
  /** The Okta id of the object (or of a new client secret), once known: on `done` and `found`. */
  objectId?: string;
  /** `listed` only: the ids of the app's client secrets just before a new one was asked for. */
  objectIds?: string[];
  /** `failed` and `not-kept`: what went wrong, in words, never a secret. */
  detail?: string;
}

/**
 * Where an apply records what it is about to do and what it did.
 *
 * @remarks
 * The org stays the source of truth: a resumed apply reads it and plans again, and the
 * console's mark on its app, the user's login, the group's name and the origin's URL tell what
 * already exists — so nothing is created twice. The journal adds what only this computer can
 * know: which writes were in flight when it stopped, and which secrets it made but could not
 * keep.
 */
export interface ApplyJournal {
  append(entry: JournalEntry): Promise<void>;
  /** Every entry so far, oldest first. */
  read(): Promise<JournalEntry[]>;
}

/** The apply journal in a file; see `createJsonLinesJournal`. */
export function createFileJournal(file: string): ApplyJournal {
  return createJsonLinesJournal<JournalEntry>(file);
}

const OUTCOMES: readonly JournalEntry['phase'][] = [
  'done',
  'found',
  'not-found',
  'failed',
  'not-sent',
];

/** The journal's entries about one document in one org. */
export function entriesFor(
  entries: readonly JournalEntry[],
  document: SetupDocument,
  orgUrl: string,
): JournalEntry[] {
  return entries.filter(
    (entry) =>
      entry.setupId === document.id && (entry.orgUrl === undefined || entry.orgUrl === orgUrl),
  );
}

/** Steps whose last `started` has no outcome after it: writes that were in flight. */
export function stepsInDoubt(entries: readonly JournalEntry[]): string[] {
  const open = new Set<string>();
  for (const entry of entries) {
    if (entry.phase === 'started') {
      open.add(entry.stepKey);
    } else if (OUTCOMES.includes(entry.phase)) {
      open.delete(entry.stepKey);
    }
  }
  return [...open];
}

/** The index of the last `started` create of a step, or -1. */
function lastCreate(entries: readonly JournalEntry[], stepKey: string): number {
  return entries.findLastIndex(
    (entry) => entry.stepKey === stepKey && entry.phase === 'started' && entry.action === 'create',
  );
}

/** The outcome recorded for the write started at `from`; `undefined` while it is in doubt. */
function outcomeOf(entries: readonly JournalEntry[], from: number): JournalEntry | undefined {
  const stepKey = entries[from]?.stepKey;
  return entries.find(
    (entry, index) => index > from && entry.stepKey === stepKey && OUTCOMES.includes(entry.phase),
  );
}

/** Whether `secretStep` recorded `kept` after `from`. */
function keptSince(entries: readonly JournalEntry[], secretStep: string, from: number): boolean {
  return entries.some(
    (entry, index) => index > from && entry.stepKey === secretStep && entry.phase === 'kept',
  );
}

/** The journal step under which the app's client secret is recorded as kept. */
export const CLIENT_SECRET_STEP = 'client-secret';

/** The journal step under which the test user's password is recorded as kept. */
export function testUserPasswordStep(login: string): string {
  return `test-user-password:${login}`;
}

/**
 * Whether a create of `stepKey` made here owes a secret: made (or in doubt) and never kept.
 *
 * @returns the created object's id (`undefined` while the create is in doubt), or `false`.
 */
function owedFor(entries: readonly JournalEntry[], stepKey: string, secretStep: string): Owed {
  const created = lastCreate(entries, stepKey);
  if (created < 0 || keptSince(entries, secretStep, created)) {
    return false;
  }
  const outcome = outcomeOf(entries, created);
  if (outcome === undefined) {
    return { objectId: undefined };
  }
  // A create Okta refused, or one reading showed was never made, made no secret.
  return outcome.phase === 'done' || outcome.phase === 'found'
    ? { objectId: outcome.objectId }
    : false;
}

/**
 * The secrets this computer made for a document and never kept, with the object each is owed
 * for.
 *
 * @remarks
 * A secret is owed when its object was created from here (a `started` create of the app or the
 * test user that Okta confirmed, that reading found, or that is still in doubt) and no `kept`
 * came after: the keychain failed, or the answer carrying the secret was lost, or the process
 * ended in between. The console never handed such a secret out, so replacing it breaks nothing
 * that works — provided it is the same object: the planner plans the replacement only for the
 * object whose id the journal holds. Journals from before secrets were recorded have no `action`
 * on their entries and owe nothing: their secrets were kept when their apply ended.
 */
export function owedSecrets(
  entries: readonly JournalEntry[],
  document: SetupDocument,
): OwedSecrets {
  const testUser = document.assignments.testUser;
  return {
    clientSecret:
      document.app.tokenEndpointAuthMethod === 'none'
        ? false
        : owedFor(entries, 'app', CLIENT_SECRET_STEP),
    testUserPassword:
      testUser === undefined
        ? false
        : owedFor(entries, `test-user:${testUser.email}`, testUserPasswordStep(testUser.email)),
  };
}

/**
 * The client secrets this computer issued for the app since it created it, and never kept: the
 * ones a new secret replaces. A secret someone added in the Admin Console is not among them.
 *
 * @returns `ids`: secrets whose creation Okta answered; `before`: for each secret whose answer
 * never came, the ids the app had just before it was asked for (any other, not kept, is it);
 * `kept`: the ids of secrets that were kept, never to be retired.
 */
export function unkeptSecrets(entries: readonly JournalEntry[]): {
  ids: string[];
  before: string[][];
  kept: string[];
} {
  const from = lastCreate(entries, 'app');
  const ids: string[] = [];
  const before: string[][] = [];
  const kept: string[] = [];
  let listed: string[] | undefined;
  let issued: string | undefined;
  for (const entry of entries.slice(from + 1)) {
    if (entry.stepKey !== CLIENT_SECRET_STEP) {
      continue;
    }
    if (entry.phase === 'listed') {
      listed = entry.objectIds ?? [];
      issued = undefined;
    } else if (entry.phase === 'done') {
      issued = entry.objectId;
      listed = undefined;
    } else if (entry.phase === 'kept' && issued !== undefined) {
      kept.push(issued);
      issued = undefined;
    } else if (entry.phase === 'not-sent') {
      // Cancelled before it was asked for: no secret was made, so none is unaccounted for.
      listed = undefined;
    } else if (entry.phase === 'not-found' || entry.phase === 'found') {
      // Asked for, and its answer never came: it may exist, under an id not known here.
      if (listed !== undefined) {
        before.push(listed);
      }
      listed = undefined;
    }
    if (entry.phase === 'not-kept' && issued !== undefined) {
      ids.push(issued);
      issued = undefined;
    }
  }
  if (listed !== undefined) {
    // Asked for by an apply that ended before its answer: in doubt too.
    before.push(listed);
  }
  return { ids, before, kept };
}
