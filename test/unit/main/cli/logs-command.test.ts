import { describe, expect, it } from 'vitest';

import { toActivityEntry } from '../../../../main/activity/sign-in-activity.ts';
import { formatEntry, parseOutcome, parseSince } from '../../../../main/cli/logs-command.ts';

const now = new Date('2026-12-07T04:00:00Z');

describe('logs flags', () => {
  it.each([
    [undefined, '2026-12-07T03:00:00.000Z'],
    ['90s', '2026-12-07T03:58:30.000Z'],
    ['15m', '2026-12-07T03:45:00.000Z'],
    ['2h', '2026-12-07T02:00:00.000Z'],
    ['1d', '2026-12-06T04:00:00.000Z'],
    ['2026-12-01T00:00:00Z', '2026-12-01T00:00:00.000Z'],
  ])('--since %s → %s', (value, expected) => {
    expect(parseSince(value, now).toISOString()).toBe(expected);
  });

  it.each(['yesterday', '1w', '2026-12-01'])('refuses --since %s', (value) => {
    expect(() => parseSince(value, now)).toThrow(/neither a date-time nor a duration/);
  });

  it.each([
    [undefined, undefined],
    ['success', 'SUCCESS'],
    ['FAILURE', 'FAILURE'],
  ])('--outcome %s → %s', (value, expected) => {
    expect(parseOutcome(value)).toBe(expected);
  });

  it('refuses another --outcome', () => {
    expect(() => parseOutcome('denied')).toThrow(/success or failure/);
  });
});

describe('formatEntry', () => {
  it('prints time, outcome, who, reason, cause and fix on one line', () => {
    const entry = toActivityEntry({
      uuid: 'u',
      published: '2026-12-07T03:40:12.345Z',
      eventType: 'user.session.start',
      actor: { id: '00u1', type: 'User', alternateId: 'ada@example.com', displayName: 'Ada' },
      outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    });
    expect(entry).not.toBeNull();
    if (entry !== null) {
      expect(formatEntry(entry)).toMatch(
        /^2026-12-07T03:40:12Z {2}FAILURE {2}ada@example\.com {2}INVALID_CREDENTIALS — ada@example\.com typed a wrong password\..* Fix: Have ada@example\.com check the password/,
      );
    }
  });
});
