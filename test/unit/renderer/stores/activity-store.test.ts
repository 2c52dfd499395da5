import { describe, expect, it } from 'vitest';

import { createActivityStore } from '../../../../renderer/stores/activity-store.ts';
import type { ActivityEntry } from '../../../../shared/ipc/contract.ts';
import { createFakeBridge } from '../../../support/fake-bridge.ts';

const NOW = new Date('2026-12-07T12:00:00.000Z');
const APP = { id: '0oa1', label: 'Kestra', clientId: '0oa1client' };

function entry(uuid: string, published: string, outcome: 'SUCCESS' | 'FAILURE' = 'FAILURE') {
  return {
    uuid,
    published,
    eventType: outcome === 'SUCCESS' ? 'user.authentication.sso' : 'user.session.start',
    login: 'ada@example.com',
    displayName: 'Ada Lovelace',
    outcome,
    reason: outcome === 'SUCCESS' ? null : 'INVALID_CREDENTIALS',
    diagnosis:
      outcome === 'SUCCESS'
        ? null
        : {
            code: 'INVALID_CREDENTIALS',
            oktaText: null,
            cause: 'ada@example.com typed a wrong password.',
            fix: 'Reset it.',
          },
  } satisfies ActivityEntry;
}

/** A scheduler the test runs by hand. */
function manualSchedule() {
  const pending: { run: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    pending,
    schedule: (task: () => void, ms: number) => {
      const job = {
        ms,
        cancelled: false,
        run: () => {
          job.cancelled = true;
          task();
        },
      };
      pending.push(job);
      return () => {
        job.cancelled = true;
      };
    },
    live: () => pending.filter((job) => !job.cancelled),
  };
}

describe('createActivityStore', () => {
  it('opens an app with its newest page, reads older pages by cursor, and never shows one twice', async () => {
    const fake = createFakeBridge({
      'activity:list': () => ({
        ok: true,
        data: {
          app: APP,
          entries: [entry('b', '2026-12-07T11:00:00.000Z'), entry('a', '2026-12-07T10:00:00.000Z')],
          cursor: 'cursor-1',
        },
      }),
      'activity:page': () => ({
        ok: true,
        data: {
          entries: [entry('a', '2026-12-07T10:00:00.000Z'), entry('z', '2026-12-07T09:00:00.000Z')],
          cursor: null,
        },
      }),
    });
    const clock = manualSchedule();
    const store = createActivityStore(fake.api, { now: () => NOW, schedule: clock.schedule });
    await store.getState().open('0oa1');
    expect(fake.calls[0]).toEqual({
      channel: 'activity:list',
      request: { appId: '0oa1', since: '2026-12-06T12:00:00.000Z', limit: 200 },
    });
    expect(store.getState()).toMatchObject({ status: 'ready', app: APP, hasMore: true });
    await store.getState().loadMore();
    expect(fake.calls[1]).toEqual({ channel: 'activity:page', request: { cursor: 'cursor-1' } });
    expect(store.getState().entries.map((shown) => shown.uuid)).toEqual(['b', 'a', 'z']);
    expect(store.getState().hasMore).toBe(false);
  });

  it('polls from a minute before the newest entry shown, adds only new ones on top, and keeps polling', async () => {
    const answers = [
      [entry('b', '2026-12-07T11:00:00.000Z'), entry('a', '2026-12-07T10:00:00.000Z')],
      [entry('c', '2026-12-07T11:30:00.000Z'), entry('b', '2026-12-07T11:00:00.000Z')],
    ];
    const fake = createFakeBridge({
      'activity:list': () => ({
        ok: true,
        data: { app: APP, entries: answers.shift() ?? [], cursor: null },
      }),
    });
    const clock = manualSchedule();
    const store = createActivityStore(fake.api, {
      now: () => NOW,
      schedule: clock.schedule,
      pollIntervalMs: 10_000,
    });
    await store.getState().open('0oa1');
    expect(clock.live()).toHaveLength(1);
    expect(clock.live()[0]?.ms).toBe(10_000);
    clock.live()[0]?.run();
    await flushPromises();
    expect(fake.calls[1]?.request).toEqual({
      appId: '0oa1',
      since: '2026-12-07T10:59:00.000Z',
      limit: 1000,
    });
    expect(store.getState().entries.map((shown) => shown.uuid)).toEqual(['c', 'b', 'a']);
    // The next poll is scheduled once this one answered; pausing cancels it.
    expect(clock.live()).toHaveLength(1);
    store.getState().setLive(false);
    expect(clock.live()).toHaveLength(0);
  });

  it('places an event the System Log stored late by its time', async () => {
    const answers = [
      [entry('b', '2026-12-07T11:00:00.000Z'), entry('a', '2026-12-07T10:00:00.000Z')],
      [entry('late', '2026-12-07T10:59:30.000Z')],
    ];
    const fake = createFakeBridge({
      'activity:list': () => ({
        ok: true,
        data: { app: APP, entries: answers.shift() ?? [], cursor: null },
      }),
    });
    const store = createActivityStore(fake.api, {
      now: () => NOW,
      schedule: manualSchedule().schedule,
    });
    await store.getState().open('0oa1');
    await store.getState().poll();
    expect(store.getState().entries.map((shown) => shown.uuid)).toEqual(['b', 'late', 'a']);
  });

  it('sends the filters, and drops an answer a newer reading overtook', async () => {
    const releases: (() => void)[] = [];
    const fake = createFakeBridge({
      'activity:list': (request) =>
        new Promise((resolve) => {
          const { user } = request as { user?: string };
          releases.push(() => {
            resolve({
              ok: true,
              data: {
                app: APP,
                entries: [entry(user ?? 'everyone', '2026-12-07T11:00:00.000Z')],
                cursor: null,
              },
            });
          });
        }),
    });
    const store = createActivityStore(fake.api, {
      now: () => NOW,
      schedule: manualSchedule().schedule,
    });
    const first = store.getState().open('0oa1');
    const second = store.getState().setFilters({ user: ' grace ', outcome: 'FAILURE', hours: 1 });
    expect(fake.calls[1]?.request).toEqual({
      appId: '0oa1',
      user: 'grace',
      outcome: 'FAILURE',
      since: '2026-12-07T11:00:00.000Z',
      limit: 200,
    });
    releases[1]?.();
    await second;
    releases[0]?.();
    await first;
    expect(store.getState().entries.map((shown) => shown.uuid)).toEqual(['grace']);
  });

  it('keeps what it shows when a poll fails, says so, and clears it when one succeeds', async () => {
    let fail = false;
    const fake = createFakeBridge({
      'activity:list': () =>
        fail
          ? {
              ok: false,
              error: { code: 'RATE_LIMITED', message: 'Okta asked to wait.', hint: 'Wait.' },
            }
          : {
              ok: true,
              data: { app: APP, entries: [entry('a', '2026-12-07T10:00:00.000Z')], cursor: null },
            },
    });
    const store = createActivityStore(fake.api, {
      now: () => NOW,
      schedule: manualSchedule().schedule,
    });
    await store.getState().open('0oa1');
    fail = true;
    await store.getState().poll();
    expect(store.getState().pollError?.code).toBe('RATE_LIMITED');
    expect(store.getState().entries).toHaveLength(1);
    fail = false;
    await store.getState().poll();
    expect(store.getState().pollError).toBeNull();
  });

  it('holds 50,000 entries read over 250 pages and polls, each once, newest first', async () => {
    // 50,000 entries a second apart, newest first; each page repeats the last of the one
    // before (the System Log's pages can overlap), which must not be shown twice.
    const many = Array.from({ length: 50_000 }, (_, index) =>
      entry(
        `e${String(index).padStart(5, '0')}`,
        new Date(NOW.getTime() - 60_000 - index * 1000).toISOString(),
      ),
    );
    const pageOf = (page: number) => many.slice(Math.max(0, page * 200 - 1), (page + 1) * 200);
    let polls = 0;
    const fake = createFakeBridge({
      'activity:list': () => {
        polls += 1;
        return {
          ok: true,
          data: {
            app: APP,
            entries:
              polls === 1
                ? pageOf(0)
                : polls === 2
                  ? [entry('new', NOW.toISOString()), ...many.slice(0, 60)]
                  : // Stored late: older than the newest shown, between e00099 and e00100.
                    [entry('late', new Date(NOW.getTime() - 60_000 - 99_500).toISOString())],
            cursor: polls === 1 ? 'page-1' : null,
          },
        };
      },
      'activity:page': (request) => {
        const page = Number((request as { cursor: string }).cursor.slice('page-'.length));
        return {
          ok: true,
          data: { entries: pageOf(page), cursor: page < 249 ? `page-${String(page + 1)}` : null },
        };
      },
    });
    const store = createActivityStore(fake.api, {
      now: () => NOW,
      schedule: manualSchedule().schedule,
    });
    await store.getState().open('0oa1');
    while (store.getState().hasMore) {
      await store.getState().loadMore();
    }
    expect(fake.calls.filter((call) => call.channel === 'activity:page')).toHaveLength(249);
    expect(store.getState().entries).toHaveLength(50_000);
    await store.getState().poll();
    await store.getState().poll();
    const uuids = store.getState().entries.map((shown) => shown.uuid);
    expect(uuids).toHaveLength(50_002);
    expect(new Set(uuids).size).toBe(50_002);
    expect(uuids.slice(0, 2)).toEqual(['new', 'e00000']);
    expect(uuids.slice(100, 103)).toEqual(['e00099', 'late', 'e00100']);
    expect(uuids.at(-1)).toBe('e49999');
  });

  it('stops polling and forgets the app when the view closes', async () => {
    const fake = createFakeBridge({
      'activity:list': () => ({ ok: true, data: { app: APP, entries: [], cursor: null } }),
    });
    const clock = manualSchedule();
    const store = createActivityStore(fake.api, { now: () => NOW, schedule: clock.schedule });
    await store.getState().open('0oa1');
    expect(clock.live()).toHaveLength(1);
    store.getState().close();
    expect(clock.live()).toHaveLength(0);
    expect(store.getState()).toMatchObject({ appId: null, status: 'idle', entries: [] });
  });
});

/** Lets the promise chain a scheduled poll started run to its end. */
async function flushPromises() {
  for (let turn = 0; turn < 10; turn += 1) {
    await Promise.resolve();
  }
}
