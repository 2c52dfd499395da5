/** The failures of an apply that the engine names, each said to the admin its own way. */
import type { Plan, PlanStep } from './plan.ts';
import type { BasisChange } from './plan-basis.ts';

/** The plan was made on an org that has changed since: nothing was written. */
export class PlanStaleError extends Error {
  readonly changes: BasisChange[];
  /** The plan of the org as it is now, to review instead. */
  readonly fresh: Plan;

  constructor(changes: BasisChange[], fresh: Plan) {
    super(
      `The org changed since this plan was made, so it was not applied and nothing was written:\n${changes
        .map((change) => `- ${change.title}: ${change.summary}`)
        .join('\n')}`,
    );
    this.name = 'PlanStaleError';
    this.changes = changes;
    this.fresh = fresh;
  }
}

/**
 * The org changed while the apply ran, so that it now needs a change the admin did not review
 * (another admin's edit it would revert, an object that appeared): the apply stops there.
 */
export class ChangedDuringApplyError extends Error {
  constructor(step: PlanStep) {
    super(
      `The org changed while this apply ran: ${step.title} now needs ${step.action === 'create' ? 'to be created' : 'an update'}, which was not in the plan you reviewed. The apply stopped there; what it did is in its journal, and nothing else was changed.`,
    );
    this.name = 'ChangedDuringApplyError';
  }
}

/**
 * The apply could not finish, for a reason the org shows (an object that went, a write Okta
 * confirmed but the org does not show): nothing more was written, and running it again
 * continues from what the org holds.
 */
export class ApplyIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplyIncompleteError';
  }
}

/** The plan cannot be applied: the org lacks something the document needs. */
export class SetupBlockedError extends Error {
  readonly blockers: string[];

  constructor(blockers: string[]) {
    super(`The setup cannot be applied yet:\n- ${blockers.join('\n- ')}`);
    this.name = 'SetupBlockedError';
    this.blockers = blockers;
  }
}

/**
 * The plan makes a secret (a client secret, a test user's password) and the store that would
 * keep it cannot now: refused before the first write, so nothing was applied.
 */
export class SecretsCannotBeKeptError extends Error {
  /** The secrets the plan would have made. */
  readonly secrets: ('client-secret' | 'test-user-password')[];

  constructor(secrets: ('client-secret' | 'test-user-password')[], cause: unknown) {
    super(
      `This apply would make ${secrets.map((kind) => (kind === 'client-secret' ? 'a client secret' : 'a test user’s password')).join(' and ')} that the console cannot keep now, so it was not started: nothing was written to the org.`,
      { cause },
    );
    this.name = 'SecretsCannotBeKeptError';
    this.secrets = secrets;
  }
}

/**
 * The admin cancelled the apply: it stopped before its next request to Okta. What it made
 * before is journaled; applying again continues from there.
 */
export class ApplyCancelledError extends Error {
  /** Changes Okta confirmed (or reading the org found) in this apply, by title. */
  readonly made: string[];
  /** Changes of the plan not made: never sent, or stopped before any request of theirs went. */
  readonly notMade: string[];
  /**
   * Changes stopped after some of their requests went out (a step of several requests): the
   * next apply reads the org to see what of them is there before it writes anything.
   */
  readonly inDoubt: string[];
  /** The secrets made before the cancel, and whether the keychain kept each. */
  readonly secrets: { kind: 'client-secret' | 'test-user-password'; kept: boolean }[];
  /** Why the keychain did not keep one of them, if it did not. */
  readonly keychainFailure: unknown;

  constructor(outcome: {
    made: string[];
    notMade: string[];
    inDoubt: string[];
    secrets?: { kind: 'client-secret' | 'test-user-password'; kept: boolean }[];
    keychainFailure?: unknown;
  }) {
    super(
      outcome.made.length === 0 && outcome.inDoubt.length === 0
        ? 'The apply was cancelled before its first change: nothing was written to the org.'
        : `The apply was cancelled: it stopped before its next request to Okta, with ${String(outcome.made.length)} of ${String(outcome.made.length + outcome.notMade.length + outcome.inDoubt.length)} changes made.`,
    );
    this.name = 'ApplyCancelledError';
    this.made = outcome.made;
    this.notMade = outcome.notMade;
    this.secrets = outcome.secrets ?? [];
    this.keychainFailure = outcome.keychainFailure;
    this.inDoubt = outcome.inDoubt;
  }
}
