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
    expect(status.textContent).toContain('(3 s left)');

    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(status.textContent).toContain('(2 s left)');

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
});
