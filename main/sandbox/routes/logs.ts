import { oktaError } from '../okta-errors.ts';
import { linkHeaders, readLimit } from '../pagination.ts';
import type { AdminRoleType } from '../sandbox-org.ts';
import type { LogEvent, SystemLog } from '../system-log.ts';
import { compileItemFilter, validationFailed } from './list-responses.ts';
import type { Route, RouteContext, RouteResult } from './route.ts';

/** Roles that may read the System Log (`okta.logs.read`). */
const LOG_READERS: readonly AdminRoleType[] = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'READ_ONLY_ADMIN',
  'REPORT_ADMIN',
];

/** `limit` of `/api/v1/logs`: default 100, at most 1000 (okta-behaviours.md §6). */
const LOG_LIMITS = { default: 100, max: 1000 };

/** Without `since`, a query starts 7 days before its upper bound (management.yaml). */
const DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** `q`: at most 10 keywords of at most 40 characters (management.yaml). */
const MAX_KEYWORDS = 10;
const MAX_KEYWORD_LENGTH = 40;

/**
 * RFC 3339 date-times, the profile of ISO 8601 `since` and `until` must follow (Okta's Events
 * API migration guide): a date, a time with optional seconds and fraction, and a zone.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function invalidDate(): RouteResult {
  return oktaError(
    400,
    'E0000030',
    "Bad request. Invalid date. Dates must be of the form yyyy-MM-dd''T''HH:mm:ss.SSSZZ",
  );
}

function invalidCursor(): RouteResult {
  return oktaError(
    400,
    'E0000029',
    'Invalid paging request. Ensure the pagination cursor has not been altered',
  );
}

/** Reads `since`/`until`: `null` when absent, `undefined` when not a valid date-time. */
function readDate(query: URLSearchParams, name: string): number | null | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    return null;
  }
  const time = RFC3339.test(raw) ? Date.parse(raw) : Number.NaN;
  return Number.isNaN(time) ? undefined : time;
}

interface Entry {
  seq: number;
  event: LogEvent;
  publishedMs: number;
}

/**
 * A position in the log: the last event a page returned (its publication time and storage
 * sequence number), encoded so clients treat it as opaque.
 */
interface Cursor {
  publishedMs: number;
  seq: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${String(cursor.publishedMs)}.${String(cursor.seq)}`, 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(raw: string): Cursor | null {
  const match = /^(-?\d+)\.(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  return match === null ? null : { publishedMs: Number(match[1]), seq: Number(match[2]) };
}

/** Orders positions in the log by `published`, ties by storage order. */
function compareCursors(a: Cursor, b: Cursor): number {
  return a.publishedMs - b.publishedMs || a.seq - b.seq;
}

/**
 * The first index in `items` at which `isPast` holds, for a predicate that is false and then
 * true along the list (a binary search); `items.length` when it never holds.
 */
function firstIndex<T>(items: readonly T[], isPast: (item: T) => boolean): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isPast(items[middle] as T)) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

/** The log's entries ordered by `published`, kept while the log is unchanged. */
const sortedLogs = new WeakMap<
  SystemLog,
  { nextSeq: number; length: number; first: Entry | undefined; sorted: Entry[] }
>();

/**
 * The log's entries ordered by `published` (ties by storage order), for bounded queries.
 *
 * @remarks
 * Sorted once per change of the log, not once per page: paging through 50,000 sign-ins is then a
 * binary search and one page's scan each, not a sort of the whole log for every page. Events are
 * usually stored in `published` order (the clock moves forward), so a log that already is in
 * order is only copied.
 */
function byPublished(log: SystemLog): Entry[] {
  const cached = sortedLogs.get(log);
  if (
    cached?.nextSeq === log.nextSeq &&
    cached.length === log.entries.length &&
    cached.first === log.entries[0]
  ) {
    return cached.sorted;
  }
  const sorted = [...log.entries];
  let inOrder = true;
  for (let index = 1; index < sorted.length && inOrder; index += 1) {
    inOrder = compareCursors(sorted[index - 1] as Entry, sorted[index] as Entry) <= 0;
  }
  if (!inOrder) {
    sorted.sort(compareCursors);
  }
  sortedLogs.set(log, {
    nextSeq: log.nextSeq,
    length: log.entries.length,
    first: log.entries[0],
    sorted,
  });
  return sorted;
}

/** Every string anywhere in the event, lower-cased, for keyword search. */
function searchableText(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value.toLowerCase()];
  }
  if (Array.isArray(value)) {
    return value.flatMap(searchableText);
  }
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).flatMap(searchableText);
  }
  return [];
}

/**
 * `GET /api/v1/logs` (`listLogEvents`): the System Log with Okta's query parameters.
 *
 * @remarks
 * Two kinds of query, as Okta defines them:
 * - **polling** — `ASCENDING` (the default) without `until`: events in the order they were
 *   stored, and the answer always has a `next` link, even on an empty page, so a client can
 *   poll it for events that arrive later (the SDK's `subscribe()` relies on this);
 * - **bounded** — with `until`, or `DESCENDING`: events ordered by `published`, `next` only
 *   while more remain.
 *
 * `since` defaults to 7 days before `until` (or now); `since` is inclusive, `until` exclusive.
 * `filter` takes Okta's SCIM-like expressions over the rendered event, where a path through an
 * array (`target.id`) matches if any element does; `q` keeps events whose text contains every
 * keyword, case-insensitively.
 *
 * A page costs a binary search to where it starts and a scan of the entries it reads (and one
 * beyond, to know whether a next page exists), with the filter evaluated on those alone: paging
 * through a log of 100,000 events stays linear overall, not a scan and sort of the whole log per
 * page.
 */
function listLogEvents(context: RouteContext): RouteResult {
  const { query } = context;
  const since = readDate(query, 'since');
  const until = readDate(query, 'until');
  if (since === undefined || until === undefined) {
    return invalidDate();
  }
  const sortOrder = (query.get('sortOrder') ?? 'ASCENDING').toUpperCase();
  if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') {
    return validationFailed('sortOrder', 'must be ASCENDING or DESCENDING');
  }
  const limit = readLimit(query, LOG_LIMITS);
  if (limit === null) {
    return validationFailed('limit', 'must be a positive integer');
  }
  const afterParam = query.get('after');
  const after = afterParam === null ? null : decodeCursor(afterParam);
  if (afterParam !== null && after === null) {
    return invalidCursor();
  }
  const keywords = (query.get('q') ?? '').split(/\s+/).filter((keyword) => keyword !== '');
  if (
    keywords.length > MAX_KEYWORDS ||
    keywords.some((keyword) => keyword.length > MAX_KEYWORD_LENGTH)
  ) {
    return validationFailed(
      'q',
      `Use at most ${String(MAX_KEYWORDS)} keywords of at most ${String(MAX_KEYWORD_LENGTH)} characters each`,
    );
  }

  const polling = sortOrder === 'ASCENDING' && until === null;
  const upper = until ?? context.now.getTime();
  const lower = since ?? upper - DEFAULT_WINDOW_MS;
  const log = context.org.systemLog;
  const expression = query.get('filter');
  let filter: (entry: Entry) => boolean = () => true;
  if (expression !== null) {
    const compiled = compileItemFilter(expression, () => (entry: Entry) => entry.event);
    if (!compiled.ok) {
      return compiled.error;
    }
    filter = compiled.matches;
  }
  const lowered = keywords.map((keyword) => keyword.toLowerCase());
  const hasKeywords = (entry: Entry) => {
    const text = searchableText(entry.event);
    return lowered.every((keyword) => text.some((value) => value.includes(keyword)));
  };
  // The filter, then the keywords: the event's text is gathered only for events that need it.
  const matches = (entry: Entry) => filter(entry) && (lowered.length === 0 || hasKeywords(entry));

  // Polling follows storage order; bounded queries order by `published`, ties by storage order.
  const page: Entry[] = [];
  /** Whether a match beyond the page exists: the look-ahead that decides on a `next` link. */
  const beyond = { found: false };
  const take = (entry: Entry): boolean => {
    if (!matches(entry)) {
      return true;
    }
    if (page.length === limit) {
      beyond.found = true;
      return false;
    }
    page.push(entry);
    return true;
  };
  const takeAt = (entries: readonly Entry[], index: number) => {
    const entry = entries[index];
    return entry !== undefined && take(entry);
  };
  if (polling) {
    const { entries } = log;
    // Storage order is `seq` order: the page starts right after the cursor's event.
    let index = after === null ? 0 : firstIndex(entries, (entry) => entry.seq > after.seq);
    for (; index < entries.length; index += 1) {
      const entry = entries[index];
      if (entry === undefined || (entry.publishedMs >= lower && !take(entry))) {
        break;
      }
    }
  } else {
    const sorted = byPublished(log);
    // The window [lower, upper) is one run of the sorted entries; the cursor cuts it further.
    const low = firstIndex(sorted, (entry) => entry.publishedMs >= lower);
    const high = firstIndex(sorted, (entry) => entry.publishedMs >= upper);
    if (sortOrder === 'ASCENDING') {
      let index =
        after === null
          ? low
          : Math.max(
              low,
              firstIndex(sorted, (entry) => compareCursors(entry, after) > 0),
            );
      for (; index < high && takeAt(sorted, index); index += 1) {
        // take() collects the page.
      }
    } else {
      let index =
        after === null
          ? high - 1
          : Math.min(
              high,
              firstIndex(sorted, (entry) => compareCursors(entry, after) >= 0),
            ) - 1;
      for (; index >= low && takeAt(sorted, index); index -= 1) {
        // take() collects the page.
      }
    }
  }
  const last = page.at(-1);
  let nextCursor: string | null = null;
  if (beyond.found && last !== undefined) {
    nextCursor = encodeCursor(last);
  } else if (polling) {
    // Everything stored so far has been seen: the next poll starts after the newest event.
    nextCursor = encodeCursor({ publishedMs: 0, seq: Math.max(after?.seq ?? 0, log.nextSeq - 1) });
  }
  return {
    status: 200,
    body: page.map((entry) => entry.event),
    headers: { Link: linkHeaders(context.url, limit, nextCursor) },
  };
}

/** The System Log API. */
export const LOG_ROUTES: readonly Route[] = [
  {
    operationId: 'listLogEvents',
    queryParameters: ['since', 'until', 'after', 'filter', 'q', 'limit', 'sortOrder'],
    method: 'GET',
    pattern: /^\/api\/v1\/logs$/,
    allowedRoles: LOG_READERS,
    handle: listLogEvents,
  },
];
