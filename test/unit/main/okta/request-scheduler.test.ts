import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  createRequestScheduler,
  type RateLimitWait,
  RequestCancelledError,
  type ScheduledResponse,
} from '../../../../main/okta/request-scheduler.ts';

/**
 * The scheduler against a fake Okta with one bucket and fake timers: what it sends, when, and
 * how many requests are in flight — the integration tests do the same against the sandbox.
 */

function answer(status: number, headers: Record<string, string> = {}): ScheduledResponse {
  const lower = new Map(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { status, headers: { get: (name) => lower.get(name.toLowerCase()) ?? null } };
}

/** Okta's 429 for a spent bucket of 100 that resets at `resetIso`, answered at `date`. */
function spent(resetIso: string, date: string): ScheduledResponse {
  return answer(429, {
    'X-Rate-Limit-Limit': '100',
    'X-Rate-Limit-Remaining': '0',
    'X-Rate-Limit-Reset': String(Date.parse(resetIso) / 1000),
    Date: date,
  });
}

/** A bucket of `limit` requests per `windowMs`, answering after `latencyMs`, as Okta counts. */
function fakeBucket(options: { limit: number; windowMs: number; latencyMs?: number }) {
  let windowStart: number | undefined;
  let used = 0;
  let inFlight = 0;
  const log = { sent: 0, refused: 0, peakInFlight: 0 };
  return {
    log,
    async send(): Promise<ScheduledResponse> {
      log.sent += 1;
      inFlight += 1;
      log.peakInFlight = Math.max(log.peakInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, options.latencyMs ?? 10));
      inFlight -= 1;
      const now = Date.now();
      if (windowStart === undefined || now >= windowStart + options.windowMs) {
        windowStart = now;
        used = 0;
      }
      const headers = {
        'X-Rate-Limit-Limit': String(options.limit),
        'X-Rate-Limit-Reset': String(Math.ceil((windowStart + options.windowMs) / 1000)),
        Date: new Date(now).toUTCString(),
      };
      if (used >= options.limit) {
        log.refused += 1;
        return answer(429, { ...headers, 'X-Rate-Limit-Remaining': '0' });
      }
      used += 1;
      return answer(200, { ...headers, 'X-Rate-Limit-Remaining': String(options.limit - used) });
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-12-06T10:00:00.000Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the fake timers until every promise settles. */
async function settle<T>(work: Promise<T>): Promise<T> {
  let outcome: { value: T } | { error: unknown } | undefined;
  work.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  while (outcome === undefined) {
    await vi.advanceTimersByTimeAsync(50);
  }
  if ('error' in outcome) {
    throw outcome.error;
  }
  return outcome.value;
}

describe('createRequestScheduler', () => {
  it('keeps at most maxConcurrency requests in flight, however wide the fan-out', async () => {
    const okta = fakeBucket({ limit: 10_000, windowMs: 60_000 });
    const scheduler = createRequestScheduler({ maxConcurrency: 4, random: () => 0 });
    const answers = await settle(
      Promise.all(Array.from({ length: 300 }, () => scheduler.run('users', okta.send))),
    );
    expect(answers.every((response) => response.status === 200)).toBe(true);
    expect(okta.log.peakInFlight).toBe(4);
    expect(scheduler.stats()).toMatchObject({ sent: 300, rateLimited: 0, peakInFlight: 4 });
  });

  it('paces before a 429: waits for the reset once a bucket is spent, and says so', async () => {
    const okta = fakeBucket({ limit: 20, windowMs: 60_000 });
    const scheduler = createRequestScheduler({ random: () => 0 });
    const waits: RateLimitWait[] = [];
    scheduler.onWait((wait) => waits.push(wait));
    const started = Date.now();
    const answers = await settle(
      Promise.all(Array.from({ length: 50 }, () => scheduler.run('apps', okta.send))),
    );
    expect(answers.every((response) => response.status === 200)).toBe(true);
    expect(okta.log.refused).toBe(0);
    // 50 requests at 20 a window: two resets, each about a minute.
    expect(Date.now() - started).toBeGreaterThanOrEqual(120_000);
    expect(Date.now() - started).toBeLessThan(125_000);
    expect(waits.map((wait) => [wait.reason, wait.bucket])).toEqual([
      ['rate-limit', 'apps'],
      ['rate-limit', 'apps'],
    ]);
    expect(waits[0]?.message).toMatch(/^waiting (59|60|61) s for Okta's rate limit on apps$/);
  });

  it('lets one request find out an unknown bucket before the others follow', async () => {
    const okta = fakeBucket({ limit: 3, windowMs: 60_000 });
    const scheduler = createRequestScheduler({ maxConcurrency: 8, random: () => 0 });
    await settle(Promise.all(Array.from({ length: 3 }, () => scheduler.run('groups', okta.send))));
    // Had all three gone at once with nothing known, the peak would be 3.
    expect(okta.log.peakInFlight).toBe(2);
    expect(okta.log.refused).toBe(0);
  });

  it('sends a 429 with a reset again once the reset has passed', async () => {
    const scheduler = createRequestScheduler({ random: () => 0 });
    const send = vi
      .fn<(attempt: number) => Promise<ScheduledResponse>>()
      .mockResolvedValueOnce(spent('2026-12-06T10:00:07.000Z', 'Sun, 06 Dec 2026 10:00:00 GMT'))
      .mockResolvedValue(answer(200));
    const response = await settle(scheduler.run('apps', send));
    expect(response.status).toBe(200);
    expect(send.mock.calls.map(([attempt]) => attempt)).toEqual([0, 1]);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse('2026-12-06T10:00:07.000Z'));
  });

  it('measures a reset from the answer’s Date, so a skewed local clock does not matter', async () => {
    const scheduler = createRequestScheduler({ random: () => 0 });
    // Okta's clock is an hour ahead of this machine's; its reset is 5 s after its Date.
    const send = vi
      .fn<() => Promise<ScheduledResponse>>()
      .mockResolvedValueOnce(spent('2026-12-06T11:00:05.000Z', 'Sun, 06 Dec 2026 11:00:00 GMT'))
      .mockResolvedValue(answer(200));
    const started = Date.now();
    await settle(scheduler.run('apps', send));
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('backs off with jitter after a 429 without a reset, and gives the 429 back when retries run out', async () => {
    const dice = [0.5, 0.5, 0.5];
    const scheduler = createRequestScheduler({
      max429Retries: 2,
      backoffBaseMs: 1_000,
      random: () => dice.shift() ?? 0,
    });
    const waits: RateLimitWait[] = [];
    scheduler.onWait((wait) => waits.push(wait));
    const send = vi.fn(() => Promise.resolve(answer(429)));
    const started = Date.now();
    const response = await settle(scheduler.run('apps', send));
    expect(response.status).toBe(429);
    expect(send).toHaveBeenCalledTimes(3);
    // Half of 1 s, then half of 2 s: full jitter on an exponential ceiling.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(Date.now() - started).toBeLessThan(1_700);
    expect(waits.map((wait) => wait.reason)).toEqual(['backoff']);
    expect(scheduler.stats().rateLimited).toBe(3);
  });

  it('gives a 429 back at once when its reset is further away than any Okta window', async () => {
    const scheduler = createRequestScheduler({ random: () => 0 });
    const send = vi.fn(() =>
      Promise.resolve(spent('2026-12-06T10:05:00.000Z', 'Sun, 06 Dec 2026 10:00:00 GMT')),
    );
    const response = await settle(scheduler.run('apps', send));
    expect(response.status).toBe(429);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('halves its concurrency on a concurrency 429 (Limit 0), then backs off', async () => {
    const scheduler = createRequestScheduler({ maxConcurrency: 8, random: () => 0 });
    let inFlight = 0;
    let peakAfterRefusal = 0;
    let refused = false;
    const send = async (): Promise<ScheduledResponse> => {
      inFlight += 1;
      if (refused) {
        peakAfterRefusal = Math.max(peakAfterRefusal, inFlight);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight -= 1;
      if (!refused) {
        refused = true;
        return answer(429, {
          'X-Rate-Limit-Limit': '0',
          'X-Rate-Limit-Remaining': '0',
          'X-Rate-Limit-Reset': String(Math.floor(Date.now() / 1000) + 1),
        });
      }
      return answer(200);
    };
    const answers = await settle(
      Promise.all(Array.from({ length: 40 }, () => scheduler.run(null, send))),
    );
    expect(answers.every((response) => response.status === 200)).toBe(true);
    expect(peakAfterRefusal).toBeLessThanOrEqual(8);
    expect(scheduler.stats().rateLimited).toBe(1);
  });

  it('holds the requests queued behind a 429 without a reset, so only one meets it', async () => {
    const scheduler = createRequestScheduler({ maxConcurrency: 1, random: () => 0.5 });
    let refusals = 1;
    const sent: number[] = [];
    const send = async (): Promise<ScheduledResponse> => {
      sent.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 10));
      // The bucket said plenty were left, then one 429 with no Reset (a storm's first).
      if (refusals > 0) {
        refusals -= 1;
        return answer(429);
      }
      return answer(200, {
        'X-Rate-Limit-Limit': '100',
        'X-Rate-Limit-Remaining': '90',
        'X-Rate-Limit-Reset': String(Math.ceil(Date.now() / 1000) + 60),
        Date: new Date().toUTCString(),
      });
    };
    const started = Date.now();
    const answers = await settle(
      Promise.all(Array.from({ length: 5 }, () => scheduler.run('apps', send))),
    );
    expect(answers.every((response) => response.status === 200)).toBe(true);
    expect(scheduler.stats().rateLimited).toBe(1);
    // Nothing went out during the backoff (half of 500 ms) that followed the 429.
    expect(sent.slice(1).every((at) => at - started >= 250)).toBe(true);
  });

  it('gives back a failed send’s place, so the next request goes', async () => {
    const scheduler = createRequestScheduler({ maxConcurrency: 1 });
    await expect(
      settle(scheduler.run('apps', () => Promise.reject(new Error('socket hang up')))),
    ).rejects.toThrow('socket hang up');
    const response = await settle(scheduler.run('apps', () => Promise.resolve(answer(200))));
    expect(response.status).toBe(200);
  });
});

/** How a promise stands now, without waiting for it: pending, answered or refused. */
function watch<T>(work: Promise<T>) {
  const state: { value?: T; error?: unknown; isSettled: boolean } = { isSettled: false };
  work.then(
    (value) => {
      Object.assign(state, { value, isSettled: true });
    },
    (error: unknown) => {
      Object.assign(state, { error, isSettled: true });
    },
  );
  return state;
}

describe('createRequestScheduler with a signal (a cancelled operation)', () => {
  it('drops an aborted waiter at once, during a reset wait, and keeps the others queued', async () => {
    const okta = fakeBucket({ limit: 1, windowMs: 60_000 });
    const scheduler = createRequestScheduler({ random: () => 0 });
    await settle(scheduler.run('apps', okta.send));
    // The bucket is spent: both wait for its reset, about a minute away.
    const cancelling = new AbortController();
    const cancelled = watch(scheduler.run('apps', okta.send, { signal: cancelling.signal }));
    const other = watch(scheduler.run('apps', okta.send));
    await vi.advanceTimersByTimeAsync(5_000);
    expect([cancelled.isSettled, other.isSettled]).toEqual([false, false]);

    const abortedAt = Date.now();
    cancelling.abort();
    // Settled without the clock moving: no wait for the reset.
    await vi.advanceTimersByTimeAsync(0);
    expect(Date.now()).toBe(abortedAt);
    expect(cancelled.error).toBeInstanceOf(RequestCancelledError);
    expect(other.isSettled).toBe(false);

    // The other request keeps its place and goes at the reset; the dropped one never went.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(other.value?.status).toBe(200);
    expect(okta.log.sent).toBe(2);
  });

  it('drops a request whose 429 it would send again after the reset', async () => {
    const scheduler = createRequestScheduler({ random: () => 0 });
    const send = vi
      .fn<(attempt: number) => Promise<ScheduledResponse>>()
      .mockResolvedValueOnce(spent('2026-12-06T10:01:00.000Z', 'Sun, 06 Dec 2026 10:00:00 GMT'))
      .mockResolvedValue(answer(200));
    const cancelling = new AbortController();
    const run = watch(scheduler.run('users', send, { signal: cancelling.signal }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(run.isSettled).toBe(false);
    cancelling.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(run.error).toBeInstanceOf(RequestCancelledError);
    // Only the attempt Okta refused went; the retry never did.
    expect(send).toHaveBeenCalledTimes(1);
    // Nothing is left waiting, so no timer keeps a process alive.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops a backoff of a request outside any bucket', async () => {
    const scheduler = createRequestScheduler({ backoffBaseMs: 10_000, random: () => 1 });
    const send = vi
      .fn<(attempt: number) => Promise<ScheduledResponse>>()
      .mockResolvedValueOnce(answer(429))
      .mockResolvedValue(answer(200));
    const cancelling = new AbortController();
    const run = watch(scheduler.run(null, send, { signal: cancelling.signal }));
    await vi.advanceTimersByTimeAsync(1_000);
    cancelling.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(run.error).toBeInstanceOf(RequestCancelledError);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('never abandons a request already sent: its answer comes back after the abort', async () => {
    const okta = fakeBucket({ limit: 10, windowMs: 60_000, latencyMs: 1_000 });
    const scheduler = createRequestScheduler({ random: () => 0 });
    const cancelling = new AbortController();
    const run = watch(scheduler.run('apps', okta.send, { signal: cancelling.signal }));
    await vi.advanceTimersByTimeAsync(500);
    cancelling.abort();
    await vi.advanceTimersByTimeAsync(600);
    expect(run.value?.status).toBe(200);
    expect(okta.log.sent).toBe(1);
  });

  it('sends nothing for an operation cancelled before it asked, and serves the next at once', async () => {
    const scheduler = createRequestScheduler();
    const send = vi.fn(() => Promise.resolve(answer(200)));
    const cancelling = new AbortController();
    cancelling.abort();
    await expect(scheduler.run('apps', send, { signal: cancelling.signal })).rejects.toBeInstanceOf(
      RequestCancelledError,
    );
    expect(send).not.toHaveBeenCalled();
    expect((await settle(scheduler.run('apps', send))).status).toBe(200);
  });
});
