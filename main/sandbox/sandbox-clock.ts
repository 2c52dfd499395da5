/**
 * The sandbox's sense of time: a base clock plus an offset that tests can shift.
 *
 * @remarks
 * One clock serves everything that tells time in the sandbox — the `Date` header, `created` and
 * `lastUpdated`, System Log `published`, rate-limit windows and (for the OIDC layer) token
 * `iat`/`exp` — so a test that moves it (`PUT /__sandbox/clock`) sees a consistent org, the way
 * a client with a skewed clock would see a real one.
 */
export interface SandboxClock {
  /** The sandbox's current time: the base clock shifted by the offset. */
  now: () => Date;
  /** The current offset from the base clock, in seconds (may be negative). */
  offsetSeconds: () => number;
  /** Shifts the clock: `now()` becomes the base time plus `seconds`. */
  setOffsetSeconds: (seconds: number) => void;
}

/** A sandbox clock over `base` (the real time unless a test injects its own), offset 0. */
export function createSandboxClock(base: () => Date = () => new Date()): SandboxClock {
  let offsetMs = 0;
  return {
    now: () => new Date(base().getTime() + offsetMs),
    offsetSeconds: () => offsetMs / 1000,
    setOffsetSeconds(seconds) {
      offsetMs = Math.round(seconds * 1000);
    },
  };
}
