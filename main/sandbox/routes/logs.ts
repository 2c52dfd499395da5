import { oktaError } from '../okta-errors.ts';
import { linkHeaders, readLimit } from '../pagination.ts';
import type { AdminRoleType } from '../sandbox-org.ts';
import type { LogEvent } from '../system-log.ts';
import { applyFilter, validationFailed } from './list-responses.ts';
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
  let entries: Entry[] = log.entries
    .map(({ seq, event }) => ({ seq, event, publishedMs: Date.parse(event.published) }))
    .filter((entry) => entry.publishedMs >= lower && (polling || entry.publishedMs < upper));
  const filtered = applyFilter(entries, query.get('filter'), (entry) => entry.event);
  if (!filtered.ok) {
    return filtered.error;
  }
  entries = filtered.items.filter((entry) => {
    const text = searchableText(entry.event);
    return keywords.every((keyword) => text.some((value) => value.includes(keyword.toLowerCase())));
  });

  // Polling follows storage order; bounded queries order by `published`, ties by storage order.
  const ascending = (a: Cursor, b: Cursor) =>
    polling ? a.seq - b.seq : a.publishedMs - b.publishedMs || a.seq - b.seq;
  const compare = sortOrder === 'ASCENDING' ? ascending : (a: Cursor, b: Cursor) => ascending(b, a);
  entries.sort(compare);
  const remaining = after === null ? entries : entries.filter((entry) => compare(entry, after) > 0);
  const page = remaining.slice(0, limit);
  const last = page.at(-1);
  let nextCursor: string | null = null;
  if (remaining.length > limit && last !== undefined) {
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
