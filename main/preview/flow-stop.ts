import type { PreviewFailure } from './preview-types.ts';

/**
 * Ends a preview with a failure. Thrown from any step or check, so each can stay linear; caught
 * only at the top of `runPreview`, which puts the failure into the result.
 */
export class Stop extends Error {
  readonly failure: PreviewFailure;

  constructor(failure: PreviewFailure) {
    super(failure.stage);
    this.failure = failure;
  }
}

/**
 * The preview's deadline passed. Kept apart from {@link Stop} because only `runPreview` knows
 * what the flow was doing at the time, which the timeout failure names.
 */
export class OutOfTime extends Error {}

/** Why an ID token was refused, as the diagnosis keys on it. */
export type IdTokenReason = Extract<PreviewFailure, { stage: 'id-token' }>['reason'];

/** A JSON value for a failure's message, or `missing`. */
export function shown(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}
