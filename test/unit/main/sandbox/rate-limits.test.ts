import { describe, expect, it } from 'vitest';

import {
  createRateLimiter,
  type EffectiveRateLimits,
  resolveRateLimits,
} from '../../../../main/sandbox/rate-limits.ts';

function limits(settings: unknown): EffectiveRateLimits {
  const resolved = resolveRateLimits(settings);
  if (!resolved.ok) {
    throw new Error(resolved.problem);
  }
  return resolved.limits;
}

describe('resolveRateLimits', () => {
  it('defaults to the enterprise tier with 75 requests in flight', () => {
    expect(limits({})).toMatchObject({
      tier: 'enterprise',
      concurrency: 75,
      buckets: { apps: 100, 'apps/{id}': 600, logs: 50, 'users/{id}:get': 1000 },
    });
  });

  it('takes a tier name, and overrides on top of a tier', () => {
    expect(limits('integrator-free')).toMatchObject({
      concurrency: 35,
      buckets: { apps: 20, logs: 20 },
    });
    expect(limits({ tier: 'workforce', buckets: { logs: 5 }, concurrency: 3 })).toMatchObject({
      tier: 'workforce',
      concurrency: 3,
      buckets: { logs: 5, 'api/v1': 1200 },
    });
  });

  it.each([
    [42, 'The rate-limit settings must be a tier name or an object.'],
    ['gold', '"gold" is not a rate-limit tier.'],
    [{ buckets: { apps: 0 } }, 'The limit of "apps" must be a whole number of requests above 0.'],
    [{ concurrency: 1.5 }, '"concurrency" must be a whole number of requests in flight above 0.'],
    [{ tier: 'enterprise', burst: 5 }, 'Unknown setting "burst".'],
    [{ windowSeconds: 0 }, '"windowSeconds" must be a whole number of seconds from 1 to 3600.'],
    [{ windowSeconds: 2.5 }, '"windowSeconds" must be a whole number of seconds from 1 to 3600.'],
  ])('refuses %j: %s', (settings, problem) => {
    expect(resolveRateLimits(settings)).toMatchObject({ ok: false, problem });
  });
});

describe('createRateLimiter', () => {
  function fakeClock(start: string) {
    let now = Date.parse(start);
    return {
      clock: () => new Date(now),
      advance(seconds: number) {
        now += seconds * 1000;
      },
      set(iso: string) {
        now = Date.parse(iso);
      },
    };
  }

  it('opens a window with a bucket’s first request and resets it 60 seconds later', () => {
    const time = fakeClock('2026-03-01T10:00:30.500Z');
    const limiter = createRateLimiter(limits({ buckets: { apps: 2 } }), time.clock);
    const first = limiter.take('GET', '/api/v1/apps');
    // Reset = the window's start + 60 s, in epoch seconds — not the next whole minute.
    const reset = String(Math.ceil(Date.parse('2026-03-01T10:01:30.500Z') / 1000));
    expect(first).toMatchObject({
      bucket: 'apps',
      allowed: true,
      headers: {
        'X-Rate-Limit-Limit': '2',
        'X-Rate-Limit-Remaining': '1',
        'X-Rate-Limit-Reset': reset,
      },
    });
    time.advance(40);
    expect(limiter.take('GET', '/api/v1/apps').headers['X-Rate-Limit-Remaining']).toBe('0');
    const refused = limiter.take('GET', '/api/v1/apps');
    expect(refused).toMatchObject({ allowed: false, headers: { 'X-Rate-Limit-Reset': reset } });
    expect(limiter.take('GET', '/api/v1/users').allowed).toBe(true);
    time.advance(20);
    expect(limiter.take('GET', '/api/v1/apps')).toMatchObject({
      allowed: true,
      headers: { 'X-Rate-Limit-Remaining': '1' },
    });
  });

  it('resets after windowSeconds when a test shortened the window, and says so in Reset', () => {
    const time = fakeClock('2026-03-01T10:00:00.000Z');
    const limiter = createRateLimiter(
      limits({ tier: 'integrator-free', windowSeconds: 5 }),
      time.clock,
    );
    expect(limits({}).windowSeconds).toBe(60);
    for (let request = 0; request < 20; request += 1) {
      expect(limiter.take('POST', '/api/v1/apps/0oa1/users').allowed).toBe(true);
    }
    const refused = limiter.take('POST', '/api/v1/apps/0oa1/users');
    expect(refused).toMatchObject({
      allowed: false,
      headers: {
        'X-Rate-Limit-Limit': '20',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(Date.parse('2026-03-01T10:00:05.000Z') / 1000),
      },
    });
    time.advance(5);
    expect(limiter.take('POST', '/api/v1/apps/0oa1/users').allowed).toBe(true);
  });

  it('starts afresh when the clock is moved back before the window', () => {
    const time = fakeClock('2026-03-01T10:00:00.000Z');
    const limiter = createRateLimiter(limits({ buckets: { logs: 1 } }), time.clock);
    expect(limiter.take('GET', '/api/v1/logs').allowed).toBe(true);
    expect(limiter.take('GET', '/api/v1/logs').allowed).toBe(false);
    time.set('2026-02-28T10:00:00.000Z');
    expect(limiter.take('GET', '/api/v1/logs').allowed).toBe(true);
  });

  it('sends no headers for paths Okta does not limit', () => {
    const limiter = createRateLimiter(limits({}), () => new Date());
    expect(limiter.take('GET', '/oauth2/default/v1/keys')).toEqual({
      bucket: null,
      allowed: true,
      headers: {},
    });
  });

  it('admits requests up to the concurrency limit, then refuses with Limit and Remaining 0', () => {
    const limiter = createRateLimiter(
      limits({ concurrency: 2 }),
      () => new Date('2026-03-01T10:00:00.000Z'),
    );
    const first = limiter.enter();
    const second = limiter.enter();
    expect(first.admitted && second.admitted).toBe(true);
    expect(limiter.enter()).toEqual({
      admitted: false,
      headers: {
        'X-Rate-Limit-Limit': '0',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(Date.parse('2026-03-01T10:00:01.000Z') / 1000),
      },
    });
    if (first.admitted) {
      first.release();
      first.release();
    }
    expect(limiter.enter().admitted).toBe(true);
    expect(limiter.enter().admitted).toBe(false);
  });
});
