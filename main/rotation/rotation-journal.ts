import type { ExportTargetId } from '../../shared/export/export-targets.ts';
import { createJsonLinesJournal } from '../platform/journal.ts';

/**
 * One line of the rotation journal: a step of one rotation of one app's client secret.
 *
 * @remarks
 * Written before the change it announces, or right after the change it records, so a rotation
 * stopped anywhere (a kill, a crash, a lost answer) is resumed from it and a reading of the org:
 * - `begun`: the rotation started; `secretId` is the old secret, the one the target runs on.
 * - `create-started`: a new secret is about to be asked for; `secretIds` are the app's secrets
 *   just before, so a secret whose answer was lost can be told from them later.
 * - `created` / `kept`: Okta answered with the new secret (`secretId`); it is in the keychain.
 * - `discarded`: a new secret this rotation made but could not keep was deactivated and deleted
 *   (it could never be shown again, so nobody could deploy it).
 * - `verified`: the target's files with the new secret signed in (`target`, `contentHash`).
 * - `confirmed`: the admin said the target runs on the new secret.
 * - `deactivate-started` / `deactivated`, `delete-started` / `deleted`: the old secret retired.
 * - `promoted`: the new secret moved to the keychain account of the app's current secret.
 * - `finished` / `cancelled`: the rotation ended, with the new secret, or with the old one.
 *
 * Never a secret: the journal says which object, not what key.
 */
export interface RotationEntry {
  rotationId: string;
  orgUrl: string;
  appId: string;
  clientId: string;
  step: RotationStep;
  at: string;
  /** The secret the step is about (the old one for `begun` and the retiring steps). */
  secretId?: string;
  /** `create-started` only: the ids of the app's secrets just before. */
  secretIds?: string[];
  /** `verified` only: the target whose files signed in, and their hash. */
  target?: ExportTargetId;
  contentHash?: string;
  /** Why, in words, never a secret (`discarded`, `deleted` when Okta had it gone already). */
  detail?: string;
}

/** The steps a rotation journals; see {@link RotationEntry}. */
export type RotationStep =
  | 'begun'
  | 'create-started'
  | 'created'
  | 'kept'
  | 'discarded'
  | 'verified'
  | 'confirmed'
  | 'deactivate-started'
  | 'deactivated'
  | 'delete-started'
  | 'deleted'
  | 'promoted'
  | 'finished'
  | 'cancelled';

/** Where a rotation records its steps. */
export interface RotationJournal {
  append(entry: RotationEntry): Promise<void>;
  /** Every entry so far, oldest first. */
  read(): Promise<RotationEntry[]>;
}

/** The rotation journal in a file (`journals/rotations.jsonl`); see `createJsonLinesJournal`. */
export function createFileRotationJournal(file: string): RotationJournal {
  return createJsonLinesJournal<RotationEntry>(file);
}

/** How far a rotation got, as its journal tells it. */
export type RotationPhase =
  /** No rotation in progress for the app. */
  | 'none'
  /** Begun; the new secret is not (or not surely) made and kept yet. */
  | 'creating'
  /** The new secret is made and kept: the admin deploys it, then the console verifies. */
  | 'awaiting-verification'
  /** The new files signed in: the admin confirms the target runs on the new secret. */
  | 'awaiting-confirmation'
  /** Confirmed: the old secret is being retired. */
  | 'retiring';

/** One rotation read from the journal. */
export interface RotationRecord {
  rotationId: string;
  phase: RotationPhase;
  appId: string;
  clientId: string;
  oldSecretId: string;
  /** The new secret, once kept. */
  newSecretId: string | undefined;
  /** Every line of this rotation, oldest first. */
  entries: RotationEntry[];
  /** The last successful verification of the new secret's files. */
  verified: { target: ExportTargetId; contentHash: string; at: string } | undefined;
}

/**
 * The rotation of `appId` in `orgUrl` that has not ended (neither `finished` nor `cancelled`), or
 * `undefined` when there is none.
 */
export function openRotation(
  entries: readonly RotationEntry[],
  orgUrl: string,
  appId: string,
): RotationRecord | undefined {
  const mine = entries.filter((entry) => entry.orgUrl === orgUrl && entry.appId === appId);
  const last = mine.at(-1);
  if (last === undefined || last.step === 'finished' || last.step === 'cancelled') {
    return undefined;
  }
  const lines = mine.filter((entry) => entry.rotationId === last.rotationId);
  const begun = lines.find((entry) => entry.step === 'begun');
  if (begun?.secretId === undefined) {
    return undefined; // a journal torn before its first line: nothing was done yet
  }
  const has = (step: RotationStep) => lines.some((entry) => entry.step === step);
  const kept = lines.findLast((entry) => entry.step === 'kept');
  const verified = lines.findLast((entry) => entry.step === 'verified');
  const phase: RotationPhase = has('confirmed')
    ? 'retiring'
    : verified !== undefined
      ? 'awaiting-confirmation'
      : kept !== undefined
        ? 'awaiting-verification'
        : 'creating';
  return {
    rotationId: last.rotationId,
    phase,
    appId,
    clientId: begun.clientId,
    oldSecretId: begun.secretId,
    newSecretId: kept?.secretId,
    entries: lines,
    verified:
      verified?.target === undefined || verified.contentHash === undefined
        ? undefined
        : { target: verified.target, contentHash: verified.contentHash, at: verified.at },
  };
}

/**
 * The secret ids a `create-started` of this rotation listed before asking for a new secret, for
 * the last create whose outcome (`created`, `kept` or `discarded`) was not journaled; `undefined`
 * when no create is in doubt.
 */
export function createInDoubt(record: RotationRecord): string[] | undefined {
  const { entries } = record;
  const started = entries.findLastIndex((entry) => entry.step === 'create-started');
  if (started === -1) {
    return undefined;
  }
  const settled = entries
    .slice(started + 1)
    .some((entry) => entry.step === 'kept' || entry.step === 'discarded');
  return settled ? undefined : (entries[started]?.secretIds ?? []);
}
