import { describe, expect, it } from 'vitest';

import {
  activityFilter,
  followSignInActivity,
  listSignInActivity,
  type LogPageReader,
  matchesFilters,
  nextLinkOf,
  toActivityEntry,
} from '../../../../main/activity/sign-in-activity.ts';

const app = { id: '0oaAPP', clientId: '0oaCLIENT', label: 'Kestra' };

function event(overrides: Record<string, unknown>) {
  return {
    uuid: 'u1',
    published: '2026-12-07T03:40:12.345Z',
    eventType: 'user.session.start',
    actor: { id: '00u1', type: 'User', alternateId: 'ada@example.com', displayName: 'Ada L' },
    outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
    debugContext: { debugData: {} },
    ...overrides,
  };
}

describe('activityFilter', () => {
  it.each([
    [{}, 'eventType eq "user.authentication.sso" or outcome.result eq "FAILURE"'],
    [{ outcome: 'FAILURE' as const }, '(outcome.result eq "FAILURE")'],
    [{ outcome: 'SUCCESS' as const }, '(outcome.result eq "SUCCESS")'],
    [{ user: 'ada"x' }, '(actor.alternateId co "ada\\"x")'],
  ])('%o → contains %s', (filters, part) => {
    const filter = activityFilter(app, filters);
    expect(filter).toContain('(target.id eq "0oaAPP" or client.id eq "0oaCLIENT")');
    expect(filter).toContain('eventType eq "app.oauth2.authorize"');
    expect(filter).toContain(part);
  });
});

describe('toActivityEntry', () => {
  it.each([
    ['a wrong password', event({}), 'FAILURE', 'INVALID_CREDENTIALS', 'ada@example.com'],
    [
      'an unknown user',
      event({
        actor: { id: 'unknown', type: 'User', alternateId: 'nobody', displayName: 'unknown' },
        outcome: { result: 'FAILURE', reason: 'VERIFICATION_ERROR' },
      }),
      'FAILURE',
      'UNKNOWN_USER',
      'nobody',
    ],
    [
      'a sign-in to the app',
      event({ eventType: 'user.authentication.sso', outcome: { result: 'SUCCESS' } }),
      'SUCCESS',
      null,
      'ada@example.com',
    ],
    [
      'a refusal before sign-in (the client as actor)',
      event({
        eventType: 'app.oauth2.authorize',
        actor: { id: '0oaCLIENT', type: 'PublicClientApp', alternateId: 'Kestra' },
        outcome: { result: 'FAILURE', reason: 'illegal_redirect_uri' },
      }),
      'FAILURE',
      'REDIRECT_URI_NOT_REGISTERED',
      null,
    ],
  ])('%s', (_, value, outcome, code, login) => {
    const entry = toActivityEntry(value);
    expect(entry?.outcome).toBe(outcome);
    expect(entry?.diagnosis?.code ?? null).toBe(code);
    expect(entry?.login).toBe(login);
  });

  it.each([
    ['a successful session (the sso event shows it)', event({ outcome: { result: 'SUCCESS' } })],
    ['an admin change', event({ eventType: 'application.lifecycle.update' })],
  ])('leaves out %s', (_, value) => {
    expect(toActivityEntry(value)).toBeNull();
  });
});

describe('matchesFilters', () => {
  const entry = toActivityEntry(event({}));
  it.each([
    [{}, true],
    [{ user: 'ADA' }, true],
    [{ user: 'bob' }, false],
    [{ outcome: 'FAILURE' as const }, true],
    [{ outcome: 'SUCCESS' as const }, false],
  ])('%o → %s', (filters, expected) => {
    expect(entry !== null && matchesFilters(entry, filters)).toBe(expected);
  });
});

describe('nextLinkOf', () => {
  it.each([
    [null, null],
    ['<https://o/api/v1/logs?limit=2>; rel="self"', null],
    [
      '<https://o/api/v1/logs?limit=2>; rel="self", <https://o/api/v1/logs?after=x%2Cy&limit=2>; rel="next"',
      'https://o/api/v1/logs?after=x%2Cy&limit=2',
    ],
  ])('%s → %s', (link, next) => {
    expect(nextLinkOf(link)).toBe(next);
  });
});

describe('reading the log', () => {
  it('lists newest first with a bounded query and hands back Okta’s next link', async () => {
    const urls: string[] = [];
    const readPage: LogPageReader = (url) => {
      urls.push(url);
      return Promise.resolve({ events: [event({})], next: 'https://o/api/v1/logs?after=c' });
    };
    const page = await listSignInActivity(
      { readPage, orgUrl: 'https://o', now: () => new Date('2026-12-07T04:00:00Z') },
      { app, since: new Date('2026-12-07T03:00:00Z'), limit: 20 },
    );
    expect(page.next).toBe('https://o/api/v1/logs?after=c');
    expect(page.entries).toHaveLength(1);
    const query = new URL(urls[0] ?? '').searchParams;
    expect(query.get('sortOrder')).toBe('DESCENDING');
    expect(query.get('until')).toBe('2026-12-07T04:00:00.000Z');
    expect(query.get('limit')).toBe('20');
  });

  it('follows the polling link, waits on a short page, and stops when aborted', async () => {
    const stop = new AbortController();
    const urls: string[] = [];
    const seen: string[] = [];
    const readPage: LogPageReader = (url) => {
      urls.push(url);
      const events = urls.length === 2 ? [event({ uuid: 'late' })] : [];
      if (urls.length === 3) {
        stop.abort();
      }
      return Promise.resolve({
        events,
        next: `https://o/api/v1/logs?after=${String(urls.length)}`,
      });
    };
    await followSignInActivity(
      { readPage, orgUrl: 'https://o' },
      {
        app,
        since: new Date('2026-12-07T03:00:00Z'),
        signal: stop.signal,
        pollIntervalMs: 1,
        onEntries: (entries) => seen.push(...entries.map((entry) => entry.uuid)),
      },
    );
    expect(seen).toEqual(['late']);
    const first = new URL(urls[0] ?? '').searchParams;
    expect(first.get('sortOrder')).toBe('ASCENDING');
    expect(first.has('until')).toBe(false);
    expect(urls.slice(1)).toEqual([
      'https://o/api/v1/logs?after=1',
      'https://o/api/v1/logs?after=2',
    ]);
  });
});
