import { describe, expect, it } from 'vitest';

import { createOktaClock } from '../../../../main/okta/request-scheduler.ts';

/** An answer as Okta sends it at `serverMs`: `Date` cut to whole seconds, Reset in seconds. */
function answer(serverMs: number, resetSeconds: number) {
  return {
    status: 200,
    headers: new Headers({
      date: new Date(Math.floor(serverMs / 1000) * 1000).toUTCString(),
      'x-rate-limit-reset': String(resetSeconds),
    }),
  } as unknown as Parameters<ReturnType<typeof createOktaClock>['resetAtLocalMs']>[0];
}

describe('the Okta clock, known from below', () => {
  it('dates a reset by one answer as its Date says, then closer with more answers', () => {
    const clock = createOktaClock();
    // Okta's clock 3.2 s ahead of this machine's; answers read 40 ms after Okta sent them.
    const lead = 3200;
    const at = (localMs: number, reset: number) =>
      clock.resetAtLocalMs(answer(localMs - 40 + lead, reset), localMs);
    const first = at(1_000_000_700, 1_000_010);
    // True reset on this machine's clock: 1,000,010 s of Okta's time, minus the lead.
    const trueReset = 1_000_010_000 - lead;
    expect(first).toBeGreaterThanOrEqual(trueReset);
    const later = at(1_000_001_900, 1_000_010);
    expect(later).toBeGreaterThanOrEqual(trueReset);
    expect(later).toBeLessThanOrEqual(first ?? 0);
    expect((later ?? 0) - trueReset).toBeLessThanOrEqual(100);
  });

  it('never dates a reset too early, whatever the lead and the moments of the answers', () => {
    for (let trial = 0; trial < 200; trial += 1) {
      const clock = createOktaClock();
      const lead = Math.round((Math.random() - 0.5) * 20_000);
      const delay = Math.round(Math.random() * 300);
      let localMs = 1_700_000_000_000 + Math.round(Math.random() * 1000);
      for (let sample = 0; sample < 10; sample += 1) {
        localMs += Math.round(Math.random() * 700);
        const reset = Math.ceil((localMs + lead) / 1000) + 5;
        const dated = clock.resetAtLocalMs(answer(localMs - delay + lead, reset), localMs) ?? 0;
        expect(dated).toBeGreaterThanOrEqual(reset * 1000 - lead);
      }
    }
  });

  it('takes a reset as it is without Date, and has none without Reset', () => {
    const clock = createOktaClock();
    const bare = {
      status: 200,
      headers: new Headers({ 'x-rate-limit-reset': '1700000005' }),
    } as unknown as Parameters<ReturnType<typeof createOktaClock>['resetAtLocalMs']>[0];
    expect(clock.resetAtLocalMs(bare, 1_700_000_000_000)).toBe(1_700_000_005_000);
    const none = { status: 200, headers: new Headers() } as unknown as typeof bare;
    expect(clock.resetAtLocalMs(none, 0)).toBeUndefined();
  });
});
