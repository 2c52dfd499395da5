import type { SetupDocument } from '../../shared/setup/setup-document.ts';
import { createJsonLinesJournal } from '../platform/journal.ts';
import type { OwedSecrets } from './plan.ts';

/**
 * One line of the apply journal.
 *
 * @remarks
 * For each write: `started` before it is sent, then exactly one outcome —
 * - `done`: Okta answered that it was made;
 * - `found` / `not-found`: the answer was lost (or a 5xx came back), and reading the org showed
 *   the change was, or was not, made;
 * - `failed`: Okta refused it (a 4xx, a revoked token), and the apply stopped.
 *
 * A `started` with no outcome after it is a write in doubt: the process ended while it was in
 * flight. The next apply settles it by reading the org before it writes anything.
 *
 * For each secret the console makes, the secret's step records `kept` once it is in the
 * keychain, or `not-kept` when the keychain failed. Never the secret itself: the journal says
 * which object, not what key.
 */
export interface JournalEntry {
  setupId: string;
  /** The org; journals written before it was recorded have none and count for any org. */
  orgUrl?: string;
  stepKey: string;
  phase: 'started' | 'done' | 'found' | 'not-found' | 'failed' | 'kept' | 'not-kept';
  at: string;
  /** `started` only: what the write does. Older journals have none. */
  action?: 'create' | 'update';
  /** The Okta id of the object (or of a new client secret), once known. */
  objectId?: string;
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

const OUTCOMES: readonly JournalEntry['phase'][] = ['done', 'found', 'not-found', 'failed'];

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
 * The secrets this computer made for a document and never kept.
 *
 * @remarks
 * A secret is owed when its object was created from here (a `started` create of the app or the
 * test user) and no `kept` came after: the keychain failed, or the answer carrying the secret
 * was lost, or the process ended in between. Nobody can have seen such a secret, so replacing it
 * breaks nothing. Journals from before secrets were recorded have no `action` on their
 * entries and owe nothing: their secrets were kept when their apply ended.
 */
export function owedSecrets(
  entries: readonly JournalEntry[],
  document: SetupDocument,
): OwedSecrets {
  const appCreated = lastCreate(entries, 'app');
  const testUser = document.assignments.testUser;
  const userCreated =
    testUser === undefined ? -1 : lastCreate(entries, `test-user:${testUser.email}`);
  return {
    clientSecret:
      document.app.tokenEndpointAuthMethod !== 'none' &&
      appCreated >= 0 &&
      !keptSince(entries, CLIENT_SECRET_STEP, appCreated),
    testUserPassword:
      testUser !== undefined &&
      userCreated >= 0 &&
      !keptSince(entries, testUserPasswordStep(testUser.email), userCreated),
  };
}

/**
 * The ids of client secrets this computer issued since it created the app and never kept: the
 * ones a new secret replaces. A secret someone added in the Admin Console is not among them.
 */
export function unkeptSecretIds(entries: readonly JournalEntry[]): string[] {
  const from = lastCreate(entries, 'app');
  return entries.flatMap((entry, index) =>
    index > from &&
    entry.stepKey === CLIENT_SECRET_STEP &&
    entry.phase === 'done' &&
    entry.objectId !== undefined
      ? [entry.objectId]
      : [],
  );
}
