import {
  diagnoseSignInEvent,
  type SignInEventDiagnosis,
} from '../../shared/preview/sign-in-event-diagnosis.ts';
import type { ActiveOrg } from '../okta/active-org.ts';
import type { OktaClient } from '../okta/okta-client.ts';
import { allOf, anyEquals, filterEquals, filterString } from '../okta/okta-filter.ts';
import { requestOktaJson } from '../okta/okta-request.ts';
import { asObject, type JsonObject, stringOf } from '../platform/json.ts';

/**
 * One app's sign-in activity, read from the System Log: successes and failures, each failure
 * explained with the preview's diagnosis, in pages or followed live.
 */

/**
 * The event types an app's sign-ins leave in the System Log: the sign-in at Okta's page
 * (`user.session.start`, failures only: a success is the `user.authentication.sso` into the app),
 * a lock-out it caused, and refused OAuth requests on the org or a custom authorization server.
 */
export const SIGN_IN_EVENT_TYPES = [
  'user.session.start',
  'user.authentication.sso',
  'user.account.lock',
  'app.oauth2.authorize',
  'app.oauth2.as.authorize',
  'app.oauth2.token.grant',
  'app.oauth2.as.token.grant',
] as const;

/** The app whose activity is read: its id (`target.id`) and client id (`client.id`). */
export interface ActivityApp {
  id: string;
  clientId: string;
  label: string;
}

/** What to show: a part of the user's login (case-insensitive) and the outcome. */
export interface ActivityFilters {
  user?: string;
  outcome?: 'SUCCESS' | 'FAILURE';
}

/** One sign-in, successful or not, as the activity shows it. */
export interface SignInActivityEntry {
  uuid: string;
  published: string;
  eventType: string;
  /** The login (as typed, for an unknown user); `null` when no user was known yet. */
  login: string | null;
  displayName: string | null;
  outcome: 'SUCCESS' | 'FAILURE';
  /** Okta's `outcome.reason`. */
  reason: string | null;
  /** For a failure: the preview's diagnosis code, cause and fix. */
  diagnosis: SignInEventDiagnosis | null;
}

/** A page of activity and the `next` link to follow for more (Okta's, never built here). */
export interface ActivityPage {
  entries: SignInActivityEntry[];
  next: string | null;
}

/** Reads one page of `GET /api/v1/logs` at an absolute URL: the events and the `next` link. */
export type LogPageReader = (url: string) => Promise<{ events: unknown[]; next: string | null }>;

/** `limit` of a page: Okta's default is 100, its maximum 1000 (okta-behaviours.md §6). */
const DEFAULT_PAGE_SIZE = 100;

/**
 * The `filter` that asks Okta for the app's sign-in events: the app as a target or its client as
 * the OAuth client, the sign-in event types, successes into the app and failures, and the
 * chosen user and outcome.
 */
export function activityFilter(app: ActivityApp, filters: ActivityFilters = {}): string {
  const parts = [
    `${filterEquals('target.id', app.id)} or ${filterEquals('client.id', app.clientId)}`,
    anyEquals('eventType', SIGN_IN_EVENT_TYPES),
    filters.outcome === 'SUCCESS'
      ? filterEquals('eventType', 'user.authentication.sso')
      : filters.outcome === 'FAILURE'
        ? filterEquals('outcome.result', 'FAILURE')
        : `${filterEquals('eventType', 'user.authentication.sso')} or ${filterEquals('outcome.result', 'FAILURE')}`,
  ];
  if (filters.outcome === 'SUCCESS') {
    parts.push(filterEquals('outcome.result', 'SUCCESS'));
  }
  if (filters.user !== undefined && filters.user !== '') {
    parts.push(`actor.alternateId co ${filterString(filters.user)}`);
  }
  return allOf(...parts);
}

function userOf(event: JsonObject): { login: string | null; displayName: string | null } {
  const actor = asObject(event.actor);
  if (actor.type === 'User') {
    const known = actor.id !== 'unknown';
    return {
      login: stringOf(actor.alternateId) ?? null,
      displayName: known ? (stringOf(actor.displayName) ?? null) : null,
    };
  }
  // An OAuth request refused before anyone signed in names the client as actor; a user, if the
  // request had one, is among the targets.
  const targets = Array.isArray(event.target) ? event.target.map(asObject) : [];
  const user = targets.find((target) => target.type === 'User' || target.type === 'AppUser');
  return user === undefined
    ? { login: null, displayName: null }
    : {
        login: stringOf(user.alternateId) ?? null,
        displayName: stringOf(user.displayName) ?? null,
      };
}

/**
 * One System Log event as an activity entry, or `null` when it is not one (a successful
 * `user.session.start`, which the app's `user.authentication.sso` already shows).
 */
export function toActivityEntry(value: unknown): SignInActivityEntry | null {
  const event = asObject(value);
  const eventType = stringOf(event.eventType) ?? '';
  const outcome = asObject(event.outcome);
  const result = stringOf(outcome.result) ?? '';
  const failed = result === 'FAILURE' || result === 'DENY';
  if (!(SIGN_IN_EVENT_TYPES as readonly string[]).includes(eventType)) {
    return null;
  }
  if (!failed && eventType !== 'user.authentication.sso') {
    return null;
  }
  const reason = stringOf(outcome.reason) ?? null;
  const who = userOf(event);
  return {
    uuid: stringOf(event.uuid) ?? '',
    published: stringOf(event.published) ?? '',
    eventType,
    ...who,
    outcome: failed ? 'FAILURE' : 'SUCCESS',
    reason,
    diagnosis: diagnoseSignInEvent({
      eventType,
      outcome: { result, reason },
      login: who.login,
      debugData: asObject(asObject(event.debugContext).debugData),
    }),
  };
}

/** Whether an entry passes the filters (Okta applies them too; this holds them to the letter). */
export function matchesFilters(entry: SignInActivityEntry, filters: ActivityFilters): boolean {
  if (filters.outcome !== undefined && entry.outcome !== filters.outcome) {
    return false;
  }
  const user = filters.user?.toLowerCase() ?? '';
  return user === '' || (entry.login?.toLowerCase().includes(user) ?? false);
}

function entriesOf(events: unknown[], filters: ActivityFilters): SignInActivityEntry[] {
  return events
    .map(toActivityEntry)
    .filter(
      (entry): entry is SignInActivityEntry => entry !== null && matchesFilters(entry, filters),
    );
}

/** The `rel="next"` URL of a response's `Link` headers (fetch joins several with `, `). */
export function nextLinkOf(link: string | null): string | null {
  for (const part of (link ?? '').split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]+)>\s*;.*\brel="?next"?/.exec(part);
    if (match?.[1] !== undefined) {
      return match[1];
    }
  }
  return null;
}

/** A {@link LogPageReader} over the console's client: its scheduler paces the `logs` bucket. */
export function oktaLogPageReader(client: OktaClient): LogPageReader {
  return async (url) => {
    // Through the client's executor, so the scheduler paces it.
    const { body, headers } = await requestOktaJson(client, 'GET', url);
    return {
      events: Array.isArray(body) ? body : [],
      next: nextLinkOf(headers.get('link')),
    };
  };
}

/** What a read of the activity asks for. */
export interface ActivityQuery {
  app: ActivityApp;
  filters?: ActivityFilters;
  /** The oldest event wanted. */
  since: Date;
  /** Events per page asked of Okta (default 100, at most 1000). */
  limit?: number;
}

function logsUrl(orgUrl: string, params: Record<string, string>): string {
  return `${orgUrl}/api/v1/logs?${new URLSearchParams(params).toString()}`;
}

/**
 * The newest sign-ins first, one page: a bounded query (`until` now, `DESCENDING`), whose `next`
 * link, when there is one, reads the page after it with {@link readActivityPage}.
 */
export async function listSignInActivity(
  deps: { readPage: LogPageReader; orgUrl: string; now: () => Date },
  query: ActivityQuery,
): Promise<ActivityPage> {
  const url = logsUrl(deps.orgUrl, {
    since: query.since.toISOString(),
    until: deps.now().toISOString(),
    filter: activityFilter(query.app, query.filters),
    sortOrder: 'DESCENDING',
    limit: String(Math.min(query.limit ?? DEFAULT_PAGE_SIZE, 1000)),
  });
  return readActivityPage(deps, url, query.filters ?? {});
}

/** The page a `next` link points at. */
export async function readActivityPage(
  deps: { readPage: LogPageReader },
  url: string,
  filters: ActivityFilters,
): Promise<ActivityPage> {
  const page = await deps.readPage(url);
  return { entries: entriesOf(page.events, filters), next: page.next };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows the app's sign-ins as they happen, oldest first, until `signal` aborts.
 *
 * @remarks
 * Okta's polling pattern (okta-behaviours.md §6): an `ASCENDING` query with `since` and no
 * `until` always answers with a `next` link, which is followed for the events stored after the
 * page. A full page is followed at once (there is more); otherwise the next request waits
 * `pollIntervalMs`, since the `logs` bucket allows only 20–120 requests a minute, and the
 * client's scheduler waits out a 429 on top of that. Errors end the follow by rejecting.
 */
export async function followSignInActivity(
  deps: { readPage: LogPageReader; orgUrl: string },
  query: ActivityQuery & {
    signal: AbortSignal;
    pollIntervalMs: number;
    onEntries: (entries: SignInActivityEntry[]) => void;
  },
): Promise<void> {
  const limit = Math.min(query.limit ?? DEFAULT_PAGE_SIZE, 1000);
  let url: string | null = logsUrl(deps.orgUrl, {
    since: query.since.toISOString(),
    filter: activityFilter(query.app, query.filters),
    sortOrder: 'ASCENDING',
    limit: String(limit),
  });
  // A function, so the check after the await is not narrowed away: the signal may abort meanwhile.
  const isStopped = () => query.signal.aborted;
  while (url !== null && !isStopped()) {
    const page = await deps.readPage(url);
    if (isStopped()) {
      return;
    }
    const entries = entriesOf(page.events, query.filters ?? {});
    if (entries.length > 0) {
      query.onEntries(entries);
    }
    url = page.next;
    if (page.events.length < limit) {
      await pause(query.pollIntervalMs, query.signal);
    }
  }
}

/** The sign-in activity service: the engine on the active org's client. */
export interface SignInActivityService {
  /** The app by id, with its client id. */
  app(appId: string): Promise<ActivityApp>;
  list(query: ActivityQuery): Promise<ActivityPage>;
  /** The page a previous answer's `next` link points at. */
  page(next: string, filters?: ActivityFilters): Promise<ActivityPage>;
  follow(query: Parameters<typeof followSignInActivity>[1]): Promise<void>;
}

/** Builds the {@link SignInActivityService} over the org `activeOrg` answers. */
export function createSignInActivityService(deps: {
  activeOrg: () => Promise<Pick<ActiveOrg, 'orgUrl' | 'client'>>;
  now?: () => Date;
}): SignInActivityService {
  const now = deps.now ?? (() => new Date());
  const engine = async () => {
    const org = await deps.activeOrg();
    return { orgUrl: org.orgUrl, readPage: oktaLogPageReader(org.client), client: org.client, now };
  };
  return {
    async app(appId) {
      const { client } = await engine();
      const record = asObject(await client.applicationApi.getApplication({ appId }));
      const id = stringOf(record.id) ?? appId;
      const credentials = asObject(record.credentials);
      return {
        id,
        clientId: stringOf(asObject(credentials.oauthClient).client_id) ?? id,
        label: stringOf(record.label) ?? id,
      };
    },
    async list(query) {
      return listSignInActivity(await engine(), query);
    },
    async page(next, filters = {}) {
      return readActivityPage(await engine(), next, filters);
    },
    async follow(query) {
      await followSignInActivity(await engine(), query);
    },
  };
}
