/**
 * Okta's rate limits: one counter per bucket, reset 60 seconds after its first request, and a
 * cap on requests in flight (okta-behaviours.md §7).
 */
import {
  bucketOf,
  RATE_LIMIT_BUCKETS,
  type RateLimitBucket,
} from '../../shared/okta/rate-limit-buckets.ts';

/** Okta's org tiers whose limits the sandbox knows, lowest first. */
export const RATE_LIMIT_TIERS = ['integrator-free', 'one-app', 'enterprise', 'workforce'] as const;

/** One of {@link RATE_LIMIT_TIERS}. */
export type RateLimitTier = (typeof RATE_LIMIT_TIERS)[number];

type BucketLimits = Record<RateLimitBucket, number>;

/** One App and Enterprise orgs have the same limits (okta-behaviours.md §7). */
const PAID_ORG_LIMITS: BucketLimits = {
  apps: 100,
  'apps/{id}': 600,
  groups: 600,
  'groups/{id}': 600,
  users: 600,
  'users/{id}:get': 1000,
  'users/{id}:write': 600,
  logs: 50,
  'oauth2/v1/clients': 100,
  'api/v1': 600,
  oauth2: 600,
};

/**
 * Requests per minute per bucket and tier, from okta-behaviours.md §7 (Okta's table before its
 * 2025-12 revision). The `oauth2` row is the sandbox's own choice: that table has no row for the
 * OIDC endpoints.
 */
const TIER_LIMITS: Record<RateLimitTier, BucketLimits> = {
  'integrator-free': {
    apps: 20,
    'apps/{id}': 100,
    groups: 100,
    'groups/{id}': 100,
    users: 100,
    'users/{id}:get': 100,
    'users/{id}:write': 100,
    logs: 20,
    'oauth2/v1/clients': 25,
    'api/v1': 100,
    oauth2: 100,
  },
  'one-app': PAID_ORG_LIMITS,
  enterprise: PAID_ORG_LIMITS,
  workforce: {
    apps: 100,
    'apps/{id}': 500,
    groups: 500,
    'groups/{id}': 1000,
    users: 600,
    'users/{id}:get': 2000,
    'users/{id}:write': 600,
    logs: 120,
    'oauth2/v1/clients': 100,
    'api/v1': 1200,
    oauth2: 2000,
  },
};

/** Requests in flight per org (okta-behaviours.md §7, the earlier table). */
const TIER_CONCURRENCY: Record<RateLimitTier, number> = {
  'integrator-free': 35,
  'one-app': 35,
  enterprise: 75,
  workforce: 75,
};

/** What `'unlimited'` means: limits no test reaches, while every response keeps its headers. */
const UNLIMITED = 1_000_000;

/** The tier a sandbox uses unless told otherwise: a paying org's, so defaults are realistic. */
export const DEFAULT_RATE_LIMIT_TIER: RateLimitTier = 'enterprise';

/**
 * How a sandbox's rate limits are set: a tier, `'unlimited'`, or a tier with overrides.
 *
 * @example `'integrator-free'`, `{ tier: 'enterprise', buckets: { apps: 2 }, concurrency: 3 }`,
 * `{ tier: 'integrator-free', windowSeconds: 5 }`
 */
export type RateLimitSettings =
  | RateLimitTier
  | 'unlimited'
  | {
      tier?: RateLimitTier | 'unlimited';
      buckets?: Partial<Record<RateLimitBucket, number>>;
      concurrency?: number;
      /**
       * How long a bucket's window lasts (default 60, as Okta's). Shorter windows let a test
       * meet a tier's limits, and see them reset, in seconds rather than minutes.
       */
      windowSeconds?: number;
    };

/** The limits in force: per bucket and for concurrency. */
export interface EffectiveRateLimits {
  tier: RateLimitTier | 'unlimited';
  buckets: BucketLimits;
  concurrency: number;
  /** Seconds from a bucket's first request until its counter resets. */
  windowSeconds: number;
}

/** Okta's window: counters "typically reset every 60 seconds" (okta-behaviours.md §7). */
const OKTA_WINDOW_SECONDS = 60;

const SETTINGS_SHAPE = `"<tier>" or { tier?: "<tier>", buckets?: { "<bucket>": <requests per window> }, concurrency?: <requests in flight>, windowSeconds?: <seconds, default 60> }, where <tier> is one of ${[...RATE_LIMIT_TIERS, 'unlimited'].join(', ')} and <bucket> one of ${RATE_LIMIT_BUCKETS.join(', ')}`;

function isTier(value: unknown): value is RateLimitTier | 'unlimited' {
  return (
    value === 'unlimited' ||
    (typeof value === 'string' && (RATE_LIMIT_TIERS as readonly string[]).includes(value))
  );
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Checks rate-limit settings from outside (the CLI, the control API) and resolves them.
 *
 * @returns the limits in force, or what is wrong and the shape expected.
 */
export function resolveRateLimits(
  input: unknown,
): { ok: true; limits: EffectiveRateLimits } | { ok: false; problem: string; expected: string } {
  const fail = (problem: string) => ({ ok: false as const, problem, expected: SETTINGS_SHAPE });
  const settings = typeof input === 'string' ? { tier: input } : input;
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    return fail('The rate-limit settings must be a tier name or an object.');
  }
  const {
    tier = DEFAULT_RATE_LIMIT_TIER,
    buckets = {},
    concurrency,
    windowSeconds = OKTA_WINDOW_SECONDS,
    ...rest
  } = settings as {
    tier?: unknown;
    buckets?: unknown;
    concurrency?: unknown;
    windowSeconds?: unknown;
  };
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) {
    return fail(`Unknown setting ${unknownKeys.map((key) => `"${key}"`).join(', ')}.`);
  }
  if (!isTier(tier)) {
    return fail(`"${String(tier)}" is not a rate-limit tier.`);
  }
  if (typeof buckets !== 'object' || buckets === null || Array.isArray(buckets)) {
    return fail('"buckets" must be an object of bucket name → requests per minute.');
  }
  const limits: BucketLimits =
    tier === 'unlimited'
      ? (Object.fromEntries(
          RATE_LIMIT_BUCKETS.map((bucket) => [bucket, UNLIMITED]),
        ) as BucketLimits)
      : { ...TIER_LIMITS[tier] };
  for (const [bucket, limit] of Object.entries(buckets)) {
    if (!(RATE_LIMIT_BUCKETS as readonly string[]).includes(bucket)) {
      return fail(`"${bucket}" is not a rate-limit bucket.`);
    }
    if (!isPositiveInteger(limit)) {
      return fail(`The limit of "${bucket}" must be a whole number of requests above 0.`);
    }
    limits[bucket as RateLimitBucket] = limit;
  }
  if (concurrency !== undefined && !isPositiveInteger(concurrency)) {
    return fail('"concurrency" must be a whole number of requests in flight above 0.');
  }
  if (!isPositiveInteger(windowSeconds) || windowSeconds > 3600) {
    return fail('"windowSeconds" must be a whole number of seconds from 1 to 3600.');
  }
  return {
    ok: true,
    limits: {
      tier,
      buckets: limits,
      concurrency: concurrency ?? (tier === 'unlimited' ? UNLIMITED : TIER_CONCURRENCY[tier]),
      windowSeconds,
    },
  };
}

/** The rate-limit step of one request: whether it may proceed, and the headers to send. */
export interface RateLimitDecision {
  bucket: RateLimitBucket | null;
  allowed: boolean;
  /** `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` of the bucket; none for unlimited paths. */
  headers: Record<string, string>;
}

/** Rate limits and the concurrency cap of one sandbox org. */
export interface RateLimiter {
  limits(): EffectiveRateLimits;
  /** Puts new limits in force and starts every bucket's window afresh. */
  configure(limits: EffectiveRateLimits): void;
  /** Counts one request against its bucket (a refused request is not counted). */
  take(method: string, path: string): RateLimitDecision;
  /**
   * Admits a request to the in-flight count, or refuses it when the org is at its concurrency
   * limit. An admitted request must call `release` once answered.
   */
  enter():
    { admitted: true; release: () => void } | { admitted: false; headers: Record<string, string> };
}

/**
 * Counts requests per bucket in fixed windows that open with a bucket's first request and close
 * 60 seconds later (Okta's counters "typically reset every 60 seconds", not on the minute), or
 * `windowSeconds` later when a test shortened them.
 *
 * @remarks
 * Windows follow the sandbox clock, so `X-Rate-Limit-Reset` agrees with the `Date` header — the
 * SDK computes its wait from the two. A window that starts in the clock's future (after the
 * clock was moved back) is started afresh.
 */
export function createRateLimiter(initial: EffectiveRateLimits, clock: () => Date): RateLimiter {
  let current = initial;
  let windows = new Map<RateLimitBucket, { startMs: number; used: number }>();
  let inFlight = 0;
  return {
    limits: () => current,
    configure(limits) {
      current = limits;
      windows = new Map();
    },
    take(method, path): RateLimitDecision {
      const bucket = bucketOf(method, path);
      if (bucket === null) {
        return { bucket, allowed: true, headers: {} };
      }
      const nowMs = clock().getTime();
      const windowMs = current.windowSeconds * 1000;
      let window = windows.get(bucket);
      if (window === undefined || nowMs >= window.startMs + windowMs || nowMs < window.startMs) {
        window = { startMs: nowMs, used: 0 };
        windows.set(bucket, window);
      }
      const limit = current.buckets[bucket];
      const allowed = window.used < limit;
      if (allowed) {
        window.used += 1;
      }
      return {
        bucket,
        allowed,
        headers: {
          'X-Rate-Limit-Limit': String(limit),
          'X-Rate-Limit-Remaining': String(Math.max(0, limit - window.used)),
          'X-Rate-Limit-Reset': String(Math.ceil((window.startMs + windowMs) / 1000)),
        },
      };
    },
    enter() {
      if (inFlight >= current.concurrency) {
        // Okta's concurrency 429: Limit and Remaining are 0, Reset only an estimate (§7).
        return {
          admitted: false,
          headers: {
            'X-Rate-Limit-Limit': '0',
            'X-Rate-Limit-Remaining': '0',
            'X-Rate-Limit-Reset': String(Math.floor(clock().getTime() / 1000) + 1),
          },
        };
      }
      inFlight += 1;
      let released = false;
      return {
        admitted: true,
        release() {
          if (!released) {
            released = true;
            inFlight -= 1;
          }
        },
      };
    },
  };
}
