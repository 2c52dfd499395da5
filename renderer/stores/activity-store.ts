import { createStore } from 'zustand/vanilla';

import type { AppErrorValue } from '../../shared/errors.ts';
import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import type { ActivityEntry, ChannelResponse } from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';
import { call } from '../api/call.ts';

/** What the activity shows: part of a login, the outcome, and how far back. */
export interface ActivityFilterValues {
  user: string;
  outcome: 'ALL' | 'SUCCESS' | 'FAILURE';
  /** How many hours back the list starts. */
  hours: number;
}

/** The activity store's state and actions. */
export interface ActivityState {
  appId: string | null;
  app: ChannelResponse<'activity:list'>['app'] | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Newest first; every entry once (by its System Log uuid). */
  entries: ActivityEntry[];
  /** More, older entries can be read (main holds where they start). */
  hasMore: boolean;
  loadingMore: boolean;
  filters: ActivityFilterValues;
  error: AppErrorValue | null;
  /** Whether new sign-ins are polled for. */
  live: boolean;
  /** When the last poll answered (ISO), for "updated at". */
  polledAt: string | null;
  /** The last poll's failure; polling goes on, and this clears when one succeeds. */
  pollError: AppErrorValue | null;
  /** Opens an app's activity: the newest page within the filters. */
  open: (appId: string) => Promise<void>;
  /** Changes the filters and reads again from the newest. */
  setFilters: (filters: ActivityFilterValues) => Promise<void>;
  /** Reads the next, older page. */
  loadMore: () => Promise<void>;
  /** Asks once for sign-ins newer than those shown. */
  poll: () => Promise<void>;
  setLive: (live: boolean) => void;
  /** Stops polling and forgets the app (the view closed). */
  close: () => void;
}

/** Entries per page asked of Okta. */
const PAGE_SIZE = 200;
/** Entries a poll asks for: Okta's maximum, so a burst between polls comes in one page. */
const POLL_PAGE_SIZE = 1000;
/**
 * How far before the newest entry shown a poll starts. The System Log stores an event some
 * seconds after its `published` time, so a poll from exactly the newest would miss one that
 * arrived late; the overlap reads it, and the uuids drop what is already shown.
 */
const POLL_OVERLAP_MS = 60_000;
/** Pages one poll reads at most before leaving the rest to the next. */
const MAX_POLL_PAGES = 5;

const HOUR_MS = 3_600_000;

/** The default filters: everyone, both outcomes, the last 24 hours. */
export const DEFAULT_ACTIVITY_FILTERS: ActivityFilterValues = {
  user: '',
  outcome: 'ALL',
  hours: 24,
};

/** What the store needs besides the bridge: the clock and the poll timer (tests pass fakes). */
export interface ActivityStoreDeps {
  now?: () => Date;
  /** Schedules `run` after `ms`; answers a cancel. */
  schedule?: (run: () => void, ms: number) => () => void;
  /** Milliseconds between polls (default 10 s: the `logs` bucket allows 20–120 a minute). */
  pollIntervalMs?: number;
}

/** Orders two strings by their UTF-16 code units, as ISO timestamps and uuids sort. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Newest first, ties by uuid.
 *
 * @remarks
 * Plain code-unit comparison, not `localeCompare`: `published` is an ISO 8601 UTC time, which
 * sorts as text, and a locale-aware comparison costs about a microsecond each, which a sort of
 * 50,000 entries (some 800,000 comparisons) would turn into most of a second.
 */
function byNewest(a: ActivityEntry, b: ActivityEntry): number {
  return compareText(b.published, a.published) || compareText(b.uuid, a.uuid);
}

/** Merges two lists that are each newest first into one, in one pass. */
function mergeNewestFirst(
  first: readonly ActivityEntry[],
  second: readonly ActivityEntry[],
): ActivityEntry[] {
  const merged: ActivityEntry[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const a = first[i];
    const b = second[j];
    if (a === undefined || b === undefined) {
      // One list is used up: the rest of the other follows as it is.
      return a === undefined ? merged.concat(second.slice(j)) : merged.concat(first.slice(i));
    }
    if (byNewest(a, b) <= 0) {
      merged.push(a);
      i += 1;
    } else {
      merged.push(b);
      j += 1;
    }
  }
}

/**
 * One app's sign-in activity: pages of the System Log's sign-ins and failures, newest first,
 * each failure with its diagnosis, and new ones polled for while the view is open.
 *
 * @remarks
 * Built for tens of thousands of entries: each uuid is remembered in a set, so a page or a poll
 * adds only what is new in time proportional to its own size, and the list on screen is
 * virtualized. Polls are chained (the next is scheduled when one answers), so a slow org never
 * has two in flight, and a poll whose view was closed or whose filters changed is dropped.
 */
export function createActivityStore(api: BridgeApi, deps: ActivityStoreDeps = {}) {
  const now = deps.now ?? (() => new Date());
  const schedule =
    deps.schedule ??
    ((run: () => void, ms: number) => {
      const timer = setTimeout(run, ms);
      return () => {
        clearTimeout(timer);
      };
    });
  const pollIntervalMs = deps.pollIntervalMs ?? 10_000;
  let seen = new Set<string>();
  let cursor: string | null = null;
  /** Bumped by every new reading (open, filters, close): answers to an older one are dropped. */
  let generation = 0;
  let cancelPoll: (() => void) | null = null;

  function requestOf(state: ActivityState) {
    const { user, outcome } = state.filters;
    return {
      appId: state.appId ?? '',
      ...(user.trim() === '' ? {} : { user: user.trim() }),
      ...(outcome === 'ALL' ? {} : { outcome }),
    };
  }

  /** The entries not shown yet, remembered as shown. */
  function fresh(entries: readonly ActivityEntry[]): ActivityEntry[] {
    const added: ActivityEntry[] = [];
    for (const entry of entries) {
      if (!seen.has(entry.uuid)) {
        seen.add(entry.uuid);
        added.push(entry);
      }
    }
    return added;
  }

  const store = createStore<ActivityState>()((set, get) => {
    function stopPolling() {
      cancelPoll?.();
      cancelPoll = null;
    }

    function schedulePoll() {
      stopPolling();
      if (!get().live || get().appId === null) {
        return;
      }
      const mine = generation;
      cancelPoll = schedule(() => {
        cancelPoll = null;
        if (mine === generation) {
          void get()
            .poll()
            .finally(() => {
              if (mine === generation) {
                schedulePoll();
              }
            });
        }
      }, pollIntervalMs);
    }

    async function read() {
      generation += 1;
      const mine = generation;
      stopPolling();
      seen = new Set();
      cursor = null;
      set({ status: 'loading', entries: [], hasMore: false, error: null, pollError: null });
      const since = new Date(now().getTime() - get().filters.hours * HOUR_MS).toISOString();
      const result = await call(api, 'activity:list', {
        ...requestOf(get()),
        since,
        limit: PAGE_SIZE,
      });
      if (mine !== generation) {
        return;
      }
      if (!result.ok) {
        set({ status: 'error', error: result.error });
        return;
      }
      cursor = result.data.cursor;
      set({
        status: 'ready',
        app: result.data.app,
        entries: fresh(result.data.entries).sort(byNewest),
        hasMore: cursor !== null,
        polledAt: now().toISOString(),
      });
      schedulePoll();
    }

    return {
      appId: null,
      app: null,
      status: 'idle',
      entries: [],
      hasMore: false,
      loadingMore: false,
      filters: DEFAULT_ACTIVITY_FILTERS,
      error: null,
      live: true,
      polledAt: null,
      pollError: null,

      async open(appId) {
        set({ appId, app: get().appId === appId ? get().app : null });
        await read();
      },

      async setFilters(filters) {
        set({ filters });
        await read();
      },

      async loadMore() {
        if (cursor === null || get().loadingMore) {
          return;
        }
        const mine = generation;
        set({ loadingMore: true, error: null });
        const result = await call(api, 'activity:page', { cursor });
        if (mine !== generation) {
          return;
        }
        if (!result.ok) {
          set({ loadingMore: false, error: result.error });
          return;
        }
        cursor = result.data.cursor;
        const added = fresh(result.data.entries);
        set({
          loadingMore: false,
          hasMore: cursor !== null,
          // A page is older than everything shown: appended as it is, already newest first
          // (`concat` copies the references in one go, where a spread walks an iterator).
          entries: added.length === 0 ? get().entries : get().entries.concat(added),
        });
      },

      async poll() {
        const state = get();
        if (state.appId === null || state.status !== 'ready') {
          return;
        }
        const mine = generation;
        const windowStart = now().getTime() - state.filters.hours * HOUR_MS;
        const newest = state.entries[0]?.published;
        const since = new Date(
          newest === undefined
            ? windowStart
            : Math.max(windowStart, Date.parse(newest) - POLL_OVERLAP_MS),
        ).toISOString();
        const added: ActivityEntry[] = [];
        let result: Result<{ entries: ActivityEntry[]; cursor: string | null }> = await call(
          api,
          'activity:list',
          {
            ...requestOf(state),
            since,
            limit: POLL_PAGE_SIZE,
          },
        );
        let pages = 1;
        for (;;) {
          if (mine !== generation) {
            return;
          }
          if (!result.ok) {
            set({ pollError: result.error });
            return;
          }
          const page = fresh(result.data.entries);
          added.push(...page);
          const next = result.data.cursor;
          // A page holding only new entries may have more behind it; one that reached what is
          // shown has not.
          if (
            next === null ||
            page.length < result.data.entries.length ||
            pages >= MAX_POLL_PAGES
          ) {
            break;
          }
          pages += 1;
          result = await call(api, 'activity:page', { cursor: next });
        }
        const entries = get().entries;
        const first = entries[0];
        const inOrder = added.sort(byNewest);
        const last = inOrder[inOrder.length - 1];
        set({
          pollError: null,
          polledAt: now().toISOString(),
          entries:
            inOrder.length === 0
              ? entries
              : first === undefined || last === undefined || byNewest(last, first) <= 0
                ? inOrder.concat(entries)
                : // An event stored late, older than the newest shown: placed by its time, in
                  // one merge of the two ordered lists rather than a sort of all of them.
                  mergeNewestFirst(inOrder, entries),
        });
      },

      setLive(live) {
        set({ live });
        if (live) {
          void get()
            .poll()
            .finally(() => {
              schedulePoll();
            });
        } else {
          stopPolling();
        }
      },

      close() {
        generation += 1;
        stopPolling();
        seen = new Set();
        cursor = null;
        set({
          appId: null,
          app: null,
          status: 'idle',
          entries: [],
          hasMore: false,
          loadingMore: false,
          error: null,
          pollError: null,
          polledAt: null,
        });
      },
    };
  });
  return store;
}

/** An activity store; see {@link createActivityStore}. */
export type ActivityStore = ReturnType<typeof createActivityStore>;
