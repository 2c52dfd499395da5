import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { RateLimitNotice } from '../../../../renderer/app/rate-limit-notice.tsx';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const WAIT = {
  orgUrl: 'https://acme.okta.com',
  bucket: 'apps',
  seconds: 3,
  reason: 'rate-limit',
  message: "waiting 3 s for Okta's rate limit on apps",
} as const;

describe('RateLimitNotice', () => {
  it('says why the console waits, counts down for the eye, and goes once the wait is over', () => {
    const bridge = createFakeBridge({});
    render(<RateLimitNotice api={bridge.api} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('');

    act(() => {
      bridge.emit('okta:rate-limit-wait', WAIT);
    });
    expect(status.textContent).toContain(
      "Okta (acme.okta.com) asks the console to slow down: waiting 3 s for Okta's rate limit on apps.",
    );
    expect(status.textContent).toContain('(resets in 3 s)');

    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(status.textContent).toContain('(resets in 2 s)');

    act(() => {
      vi.advanceTimersByTime(2000);
    });
    expect(status.textContent).toBe('');
  });

  it('keeps the longer of two waits, and drops a payload that breaks the contract', () => {
    const bridge = createFakeBridge({});
    render(<RateLimitNotice api={bridge.api} />);
    act(() => {
      bridge.emit('okta:rate-limit-wait', { ...WAIT, seconds: 30, message: 'waiting 30 s' });
      bridge.emit('okta:rate-limit-wait', { ...WAIT, seconds: 2, message: 'waiting 2 s' });
      bridge.emit('okta:rate-limit-wait', { ...WAIT, bucket: 'nope' } as never);
    });
    expect(screen.getByRole('status').textContent).toContain('waiting 30 s');
  });

  it('stays true after the admin cancels: it promises nothing goes on, only when the limit resets', () => {
    const bridge = createFakeBridge({});
    render(<RateLimitNotice api={bridge.api} />);
    act(() => {
      bridge.emit('okta:rate-limit-wait', { ...WAIT, seconds: 60, message: 'waiting 60 s' });
    });
    const text = screen.getByRole('status').textContent;
    // Said next to "Apply cancelled" or "Planning cancelled", it must not claim the work goes on.
    expect(text).not.toMatch(/goes on|by itself|continues/);
    expect(text).toContain('Requests of this kind wait until then; a cancelled one is not sent.');
    expect(text).toContain('(resets in 60 s)');
  });

  it('counts a backoff down as time left, not as a reset Okta never named', () => {
    const bridge = createFakeBridge({});
    render(<RateLimitNotice api={bridge.api} />);
    act(() => {
      bridge.emit('okta:rate-limit-wait', {
        ...WAIT,
        seconds: 4,
        reason: 'backoff',
        message: 'waiting 4 s before asking Okta again (apps: too many requests)',
      });
    });
    const text = screen.getByRole('status').textContent;
    expect(text).toContain('(4 s left)');
    expect(text).not.toContain('resets');
  });
});
