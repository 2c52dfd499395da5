import {
  RATE_LIMIT_BUCKET_NAMES,
  type RateLimitBucket,
} from '../../shared/okta/rate-limit-buckets.ts';

/** What the scheduler reads of an answer: its status and Okta's rate-limit headers. */
export interface ScheduledResponse {
  status: number;
  headers: { get(name: string): string | null };
  /** Reads the body to its end, freeing the connection, when the answer is not passed on. */
  discard?: () => Promise<void>;
}

/** A wait long enough to tell the admin about. */
export interface RateLimitWait {
  bucket: RateLimitBucket;
  /** Whole seconds, rounded up. */
  seconds: number;
  /** `rate-limit`: the bucket ran dry until its reset; `backoff`: a 429 without a reset. */
  reason: 'rate-limit' | 'backoff';
  /** "waiting 23 s for Okta's rate limit on apps". */
  message: string;
}

/** What the scheduler has seen, for benchmarks and progress. */
export interface SchedulerStats {
  /** Requests answered (each retry counts). */
  sent: number;
  /** 429 answers met. */
  rateLimited: number;
  /** Waits before a request was sent, for a bucket's reset or a backoff. */
  waits: number;
  /** The time those waits added up to. */
  waitedMs: number;
  /** The most requests that were in flight at once. */
  peakInFlight: number;
}

/** How the scheduler paces; every value has a default fit for a real org. */
export interface RequestSchedulerOptions {
  /**
   * Requests in flight at once, for the whole org. Okta's own limit is 15 to 75 by plan
   * (okta-behaviours.md §7); 8 leaves room for the admin's other tools and the Admin Console.
   */
  maxConcurrency?: number;
  /** How many 429 answers one request meets before its 429 is given back (default 8). */
  max429Retries?: number;
  /** Exponential backoff after a 429 without a reset: full jitter on base × 2^n, capped. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /**
   * The longest wait for a bucket's reset the scheduler accepts; a reset further away (Okta's
   * windows are a minute) gives the 429 back so the admin hears of it (default 90 s).
   */
  maxResetWaitMs?: number;
  /** Waits at least this long are reported through `onWait` (default 1 s). */
  reportWaitsFromMs?: number;
  /** The clock and the dice, for tests; timers are the platform's (fake timers drive them). */
  now?: () => number;
  random?: () => number;
}

/**
 * A request the scheduler dropped before sending it, because the operation it belongs to was
 * cancelled (its signal aborted) while it waited for its turn, a rate limit's reset or a backoff.
 *
 * @remarks
 * Okta never saw it (or saw only attempts it refused with a 429, which change nothing), so the
 * caller knows for sure that this request changed nothing in the org.
 */
export class RequestCancelledError extends Error {
  constructor() {
    super('The request was not sent to Okta: the operation it belonged to was cancelled.');
    this.name = 'RequestCancelledError';
  }
}

/** Paces every request to one org; see {@link createRequestScheduler}. */
export interface RequestScheduler {
  /**
   * Sends a request when its bucket and the org's concurrency allow, and sends it again after
   * a 429 once Okta's reset (or a backoff) has passed. Answers the last response; a 429 only
   * when the retries are spent or the reset is too far away.
   *
   * With `signal`, the request is dropped from the queue the moment the signal aborts while it
   * waits (its turn, a reset, a backoff), rejecting with {@link RequestCancelledError}; the
   * other requests in the queue keep their places. An attempt already sent is never abandoned:
   * its answer is awaited and given back as usual (only a 429 answer, which changed nothing, is
   * not sent again).
   */
  run(
    bucket: RateLimitBucket | null,
    send: (attempt: number) => Promise<ScheduledResponse>,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<ScheduledResponse>;
  /** Hears every wait from `reportWaitsFromMs` up; returns the function that stops it. */
  onWait(listener: (wait: RateLimitWait) => void): () => void;
  stats(): SchedulerStats;
  /** Each bucket's limit per window as Okta last said it (`X-Rate-Limit-Limit`). */
  limitOf(bucket: RateLimitBucket): number | undefined;
}

/** What the scheduler knows of one bucket, from the last answers' headers. */
interface BucketState {
  /** Requests left in the current window, as Okta last said; `undefined` when unknown. */
  remaining: number | undefined;
  /** Requests a window allows, as Okta last said. */
  limit: number | undefined;
  /** When the window resets, on this machine's clock. */
  resetAtMs: number | undefined;
  /** No request of this bucket starts before then (a reset, or a backoff). */
  blockedUntilMs: number;
  inFlight: number;
}

interface Waiter {
  bucket: RateLimitBucket | null;
  grant: () => void;
}

/** Waits `ms`, or less when `signal` aborts (then rejects with {@link RequestCancelledError}). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new RequestCancelledError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestCancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const DEFAULTS = {
  maxConcurrency: 8,
  max429Retries: 8,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  maxResetWaitMs: 90_000,
  reportWaitsFromMs: 1_000,
};

/** Answers after a concurrency 429 before the concurrency grows back by one. */
const RECOVER_AFTER = 20;

/** Jitter added to a wait for a reset, so clients sharing an org do not all return at once. */
const RESET_JITTER_MS = 250;

function headerNumber(response: ScheduledResponse, name: string): number | undefined {
  const text = response.headers.get(name);
  // A repeated header arrives comma-joined (OKTA-112507): it says nothing reliable.
  if (text === null || text.includes(',') || text.trim() === '') {
    return undefined;
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * How far Okta's clock is ahead of this machine's, known from below: each answer's `Date` is
 * Okta's time cut to whole seconds and read after it was sent, so `Date − now` never exceeds the
 * true lead, and the largest seen is the closest.
 *
 * @remarks
 * Reset is in Okta's clock (epoch seconds). Dating it by one answer's `Date` alone (the reset
 * minus `Date`, a duration that survives a skewed local clock) waits up to a second too long a
 * window, since `Date` has whole seconds: about 1.5% of Okta's minute-long windows, more of a
 * short one. The best lower bound over many answers keeps the wait never too short (the lead is
 * never overestimated) while it loses almost nothing.
 */
export function createOktaClock(): {
  resetAtLocalMs(response: ScheduledResponse, nowMs: number): number | undefined;
} {
  let leadMs = Number.NEGATIVE_INFINITY;
  return {
    resetAtLocalMs(response, nowMs) {
      const reset = headerNumber(response, 'x-rate-limit-reset');
      if (reset === undefined) {
        return undefined;
      }
      const date = Date.parse(response.headers.get('date') ?? '');
      if (Number.isNaN(date)) {
        return reset * 1000;
      }
      leadMs = Math.max(leadMs, date - nowMs);
      return Math.max(nowMs, reset * 1000 - leadMs);
    },
  };
}

/**
 * One scheduler per org, under every call the console makes to it: plan reads, applies,
 * assignments, diagnosis reads and export facts all go through the SDK's request executor,
 * and so through here.
 *
 * @remarks
 * Three rules, from okta-behaviours.md §7–8 and security.md §7 F1:
 * - **Bounded concurrency**, below the org's concurrent-request limit, however wide the
 *   fan-out above (a plan naming 2,000 users is 2,000 lookups).
 * - **Pacing before a 429, not after one.** Each answer's `X-Rate-Limit-Remaining` and `-Reset`
 *   are kept per bucket; when a bucket has no requests left, its requests wait for the reset
 *   instead of spending a request on a refusal. A bucket whose state is unknown (never seen, or
 *   past its reset) lets one request through first, whose answer tells the rest.
 * - **On a 429, wait and send again**: until the reset when Okta gives one; otherwise (no
 *   `Reset`, or a concurrency 429, whose Limit and Remaining are 0) an exponential backoff with
 *   full jitter, which spreads the clients that met the same wall. A 429 means Okta did nothing,
 *   so sending again is safe for every method, POST included.
 *
 * Waits of a second or more are told to `onWait` listeners, so the console and the CLI can say
 * "waiting 23 s for Okta's rate limit on apps".
 */
export function createRequestScheduler(options: RequestSchedulerOptions = {}): RequestScheduler {
  const oktaClock = createOktaClock();
  const settings = { ...DEFAULTS, ...options };
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const buckets = new Map<RateLimitBucket, BucketState>();
  const waiters: Waiter[] = [];
  const listeners = new Set<(wait: RateLimitWait) => void>();
  const stats: SchedulerStats = { sent: 0, rateLimited: 0, waits: 0, waitedMs: 0, peakInFlight: 0 };
  let inFlight = 0;
  /**
   * The concurrency actually allowed: `maxConcurrency`, halved on each concurrency 429 (other
   * clients are loading the org) and grown back by one per {@link RECOVER_AFTER} answers.
   */
  let ceiling = settings.maxConcurrency;
  let answersSinceCut = 0;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeAtMs = Number.POSITIVE_INFINITY;

  function stateOf(bucket: RateLimitBucket): BucketState {
    let state = buckets.get(bucket);
    if (state === undefined) {
      state = {
        remaining: undefined,
        limit: undefined,
        resetAtMs: undefined,
        blockedUntilMs: 0,
        inFlight: 0,
      };
      buckets.set(bucket, state);
    }
    return state;
  }

  /** When a bucket may start its next request: now, later (a time), or once one returns. */
  function readiness(bucket: RateLimitBucket | null, nowMs: number): number | 'now' | 'release' {
    if (bucket === null) {
      return 'now';
    }
    const state = stateOf(bucket);
    if (nowMs < state.blockedUntilMs) {
      return state.blockedUntilMs;
    }
    if (state.resetAtMs !== undefined && nowMs >= state.resetAtMs) {
      // The window has turned: what Okta said of the last one no longer holds.
      state.remaining = undefined;
      state.resetAtMs = undefined;
    }
    if (state.remaining === undefined) {
      // Unknown: one request at a time until an answer says how many are left.
      return state.inFlight === 0 ? 'now' : 'release';
    }
    if (state.remaining - state.inFlight > 0) {
      return 'now';
    }
    if (state.inFlight > 0) {
      // Their answers may say more (or fewer) are left.
      return 'release';
    }
    // Spent, with nothing in flight: wait for the reset (never longer than Okta's windows, in
    // case the clocks disagree), then probe.
    const resetAtMs = Math.min(state.resetAtMs ?? nowMs, nowMs + settings.maxResetWaitMs);
    const until = resetAtMs + random() * RESET_JITTER_MS;
    block(bucket, until, 'rate-limit');
    return until;
  }

  /** Holds a bucket's requests until `untilMs`, and tells listeners once per long wait. */
  function block(bucket: RateLimitBucket, untilMs: number, reason: RateLimitWait['reason']): void {
    const state = stateOf(bucket);
    if (untilMs <= state.blockedUntilMs) {
      return;
    }
    const nowMs = now();
    state.blockedUntilMs = untilMs;
    const waitMs = untilMs - nowMs;
    stats.waits += 1;
    stats.waitedMs += Math.max(0, waitMs);
    if (waitMs >= settings.reportWaitsFromMs) {
      const seconds = Math.ceil(waitMs / 1000);
      const wait: RateLimitWait = {
        bucket,
        seconds,
        reason,
        message:
          reason === 'rate-limit'
            ? `waiting ${String(seconds)} s for Okta's rate limit on ${RATE_LIMIT_BUCKET_NAMES[bucket]}`
            : `waiting ${String(seconds)} s before asking Okta again (${RATE_LIMIT_BUCKET_NAMES[bucket]}: too many requests)`,
      };
      for (const listener of listeners) {
        listener(wait);
      }
    }
  }

  /** Starts every waiter that may start now, in order; sets a timer for the earliest later one. */
  function pump(): void {
    const nowMs = now();
    let earliest = Number.POSITIVE_INFINITY;
    let index = 0;
    while (inFlight < ceiling) {
      const waiter = waiters[index];
      if (waiter === undefined) {
        break;
      }
      const ready = readiness(waiter.bucket, nowMs);
      if (ready === 'now') {
        waiters.splice(index, 1);
        take(waiter.bucket);
        waiter.grant();
        continue;
      }
      if (typeof ready === 'number') {
        earliest = Math.min(earliest, ready);
      }
      index += 1;
    }
    if (earliest < wakeAtMs) {
      clearTimeout(wakeTimer);
      wakeAtMs = earliest;
      wakeTimer = setTimeout(
        () => {
          wakeAtMs = Number.POSITIVE_INFINITY;
          wakeTimer = undefined;
          pump();
        },
        Math.max(0, earliest - nowMs),
      );
    }
  }

  /** Halves the concurrency on a concurrency 429; grows it back slowly on other answers. */
  function adjustCeiling(concurrencyRefused: boolean): void {
    if (concurrencyRefused) {
      ceiling = Math.max(1, Math.floor(ceiling / 2));
      answersSinceCut = 0;
      return;
    }
    if (ceiling < settings.maxConcurrency) {
      answersSinceCut += 1;
      if (answersSinceCut >= RECOVER_AFTER) {
        ceiling += 1;
        answersSinceCut = 0;
      }
    }
  }

  function take(bucket: RateLimitBucket | null): void {
    inFlight += 1;
    stats.peakInFlight = Math.max(stats.peakInFlight, inFlight);
    if (bucket !== null) {
      stateOf(bucket).inFlight += 1;
    }
  }

  /**
   * Waits for a place to send a request of `bucket`. An abort of `signal` takes the waiter out
   * of the queue at once, and the wake-up timer is set again for the waiters left (none left:
   * no timer, so a process that cancelled its last request can end).
   */
  function acquire(bucket: RateLimitBucket | null, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(new RequestCancelledError());
        return;
      }
      const onAbort = () => {
        const index = waiters.indexOf(waiter);
        if (index < 0) {
          return;
        }
        waiters.splice(index, 1);
        clearTimeout(wakeTimer);
        wakeTimer = undefined;
        wakeAtMs = Number.POSITIVE_INFINITY;
        reject(new RequestCancelledError());
        pump();
      };
      const waiter: Waiter = {
        bucket,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
      pump();
    });
  }

  /** Notes what an answer says of its bucket, then lets the next requests go. */
  function release(bucket: RateLimitBucket | null, response: ScheduledResponse | undefined): void {
    inFlight -= 1;
    if (bucket !== null) {
      const state = stateOf(bucket);
      state.inFlight -= 1;
      if (response !== undefined) {
        observe(state, response);
      }
    }
    pump();
  }

  function observe(state: BucketState, response: ScheduledResponse): void {
    const limit = headerNumber(response, 'x-rate-limit-limit');
    const remaining = headerNumber(response, 'x-rate-limit-remaining');
    const resetAtMs = oktaClock.resetAtLocalMs(response, now());
    // A concurrency 429 says Limit 0 / Remaining 0 of no bucket at all (okta-behaviours.md §7).
    if (limit === 0 || remaining === undefined || resetAtMs === undefined) {
      return;
    }
    state.limit = limit;
    if (state.resetAtMs !== undefined && Math.abs(resetAtMs - state.resetAtMs) < 1500) {
      // The same window: answers may arrive out of order, and the lowest count is the latest.
      state.remaining = Math.min(state.remaining ?? remaining, remaining);
      state.resetAtMs = Math.max(state.resetAtMs, resetAtMs);
    } else if (state.resetAtMs === undefined || resetAtMs > state.resetAtMs) {
      state.remaining = remaining;
      state.resetAtMs = resetAtMs;
    }
  }

  return {
    async run(bucket, send, options = {}) {
      const { signal } = options;
      for (let attempt = 0; ; attempt += 1) {
        await acquire(bucket, signal);
        let response: ScheduledResponse;
        try {
          response = await send(attempt);
        } catch (error) {
          release(bucket, undefined);
          throw error;
        }
        stats.sent += 1;
        const limit = headerNumber(response, 'x-rate-limit-limit');
        adjustCeiling(response.status === 429 && limit === 0);
        if (response.status !== 429) {
          release(bucket, response);
          return response;
        }
        stats.rateLimited += 1;
        const nowMs = now();
        const resetAtMs = limit === 0 ? undefined : oktaClock.resetAtLocalMs(response, nowMs);
        if (
          attempt >= settings.max429Retries ||
          (resetAtMs !== undefined && resetAtMs - nowMs > settings.maxResetWaitMs)
        ) {
          // Out of patience, or further away than any window of Okta's: Okta's answer goes back.
          release(bucket, response);
          return response;
        }
        const backoffMs = Math.min(settings.backoffCapMs, settings.backoffBaseMs * 2 ** attempt);
        const untilMs =
          resetAtMs === undefined
            ? nowMs + random() * backoffMs
            : Math.max(resetAtMs, nowMs) + random() * RESET_JITTER_MS;
        // Held before the release, so the requests queued behind this one wait too, rather than
        // going out at once to meet the same 429.
        if (bucket !== null) {
          block(bucket, untilMs, resetAtMs === undefined ? 'backoff' : 'rate-limit');
        }
        release(bucket, response);
        await response.discard?.();
        if (bucket === null) {
          // A path Okta does not count has no bucket to hold its requests: this one waits alone.
          await pause(untilMs - nowMs, signal);
        }
      }
    },

    onWait(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    stats: () => ({ ...stats }),

    limitOf: (bucket) => buckets.get(bucket)?.limit,
  };
}
