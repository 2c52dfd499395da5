import { OKTA_OAUTH_TEXTS } from '../../shared/okta/oauth-texts.ts';
import { isAssigned, oauthClientView } from './oidc/okta-oauth-rules.ts';
import type { SandboxApp, SandboxOrg, SandboxUser } from './sandbox-org.ts';
import { seededRandom } from './seed.ts';
import {
  createSystemLog,
  type LogClientInfo,
  type LogEvent,
  recordOAuthAuthorize,
  recordSignInAttempt,
  SYSTEM_LOG_CAPACITY,
} from './system-log.ts';

/**
 * A past of sign-ins for one app: many System Log events, as if people had been signing in to it
 * for days, so the console's sign-in activity can be tried (and measured) on tens of thousands.
 */

/** The most sign-in entries one call adds: with their companion events they fit the log. */
export const MAX_SIGN_IN_HISTORY = 50_000;

/** How many days back a history reaches unless told. */
export const DEFAULT_HISTORY_DAYS = 7;

/** What {@link addSignInHistory} added. */
export interface SignInHistorySummary {
  /** Sign-in entries for the app: what its sign-in activity lists. */
  entries: number;
  /** Events stored: the entries and the `user.session.start` successes that come with some. */
  events: number;
  successes: number;
  wrongPasswords: number;
  unknownUsers: number;
  notAssigned: number;
  /** The oldest and newest `published` times. */
  from: string;
  to: string;
}

const HISTORY_PRNG_SEED = 0x5eed_1095;

/** How many users of each kind the history draws from (enough to look real; bounded for speed). */
const USERS_PER_KIND = 500;
/** Users looked at to find them, so a 1,000,000-user org costs no more than a small one. */
const USERS_SCANNED = 20_000;

/** Browsers people sign in with; Okta reads browser, OS and device off these. */
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
];

/**
 * The share of each kind of entry, cumulated: a sign-in into the app, a wrong password, an
 * unknown username, and a signed-in user the app is not assigned to, refused at `/authorize`.
 */
const MIX = { success: 0.7, wrongPassword: 0.87, unknownUser: 0.9 } as const;

/** Okta-shaped ids from the PRNG: 32 hex digits, and a version 4 UUID. */
function hexFrom(random: () => number, digits: number): string {
  let hex = '';
  while (hex.length < digits) {
    hex += Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  }
  return hex.slice(0, digits);
}

function uuidFrom(random: () => number): string {
  const hex = hexFrom(random, 32);
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Users who can sign in (ACTIVE, with a password), split by whether the app is theirs. */
function signInUsers(org: SandboxOrg, app: SandboxApp) {
  const assigned: SandboxUser[] = [];
  const unassigned: SandboxUser[] = [];
  let scanned = 0;
  for (const user of org.users.values()) {
    if (scanned >= USERS_SCANNED) {
      break;
    }
    scanned += 1;
    if (user.status !== 'ACTIVE' || user.passwordHash === null || user.adminRoles.length > 0) {
      continue;
    }
    const list = isAssigned(org, app, user.id) ? assigned : unassigned;
    if (list.length < USERS_PER_KIND) {
      list.push(user);
    }
    if (assigned.length >= USERS_PER_KIND && unassigned.length >= USERS_PER_KIND) {
      break;
    }
  }
  return { assigned, unassigned };
}

/**
 * Adds `entries` past sign-ins of `app` to the org's System Log, spread over the last `days`
 * days before `now`: sign-ins into the app, wrong passwords, unknown usernames, and users the app
 * is not assigned to, refused at `/authorize`.
 *
 * @remarks
 * Each event is built by the very functions that log a real sign-in at the sandbox's sign-in
 * page and `/authorize` ({@link recordSignInAttempt}, {@link recordOAuthAuthorize}), with the
 * same client, request URIs and texts, so the history is what the sandbox itself would have
 * logged. Only the time, the uuid and the request id come from a fixed PRNG instead of the
 * clock and `randomUUID`, so the same org, app and `now` give the same events every time (the
 * app's and users' ids are the org's). Sign-ins of the app's assigned users (ACTIVE, with a
 * password) succeed or mistype; the others are refused; with no assigned user, no sign-in
 * succeeds. The events are stored after those already in the log (the log keeps storage order,
 * and a bounded query orders by `published`); when the log is then over
 * {@link SYSTEM_LOG_CAPACITY}, its oldest stored events drop off as they always do. Linear:
 * 50,000 entries take well under a second.
 *
 * @throws TypeError for an app that is not an OIDC app.
 * @throws RangeError for a count that is not a whole number from 0 to {@link MAX_SIGN_IN_HISTORY},
 *   or `days` that is not a positive number.
 */
export function addSignInHistory(
  org: SandboxOrg,
  options: { app: SandboxApp; entries: number; now: Date; orgUrl: string; days?: number },
): SignInHistorySummary {
  const { app, entries, now, orgUrl } = options;
  const days = options.days ?? DEFAULT_HISTORY_DAYS;
  if (!Number.isInteger(entries) || entries < 0 || entries > MAX_SIGN_IN_HISTORY) {
    throw new RangeError(
      `A sign-in history holds a whole number of entries from 0 to ${MAX_SIGN_IN_HISTORY.toLocaleString('en-US')}, not ${String(entries)}.`,
    );
  }
  if (!Number.isFinite(days) || days <= 0) {
    throw new RangeError(
      `A sign-in history reaches back a positive number of days, not ${String(days)}.`,
    );
  }
  const client = oauthClientView(app);
  if (client === undefined) {
    throw new TypeError(
      `A sign-in history is for an OIDC app; ${app.id} signs in with ${String(app.record.signOnMode)}.`,
    );
  }
  const { clientId } = client;
  const server = org.authServers.get('default');
  const authServer =
    server === undefined
      ? ({ kind: 'org', issuer: orgUrl } as const)
      : ({ kind: 'custom', server, issuer: `${orgUrl}/oauth2/${server.id}` } as const);
  const placementKey = server === undefined ? 'org' : server.id;
  const authorizePath =
    server === undefined ? '/oauth2/v1/authorize' : `/oauth2/${server.id}/v1/authorize`;
  const { assigned, unassigned } = signInUsers(org, app);

  const random = seededRandom(HISTORY_PRNG_SEED);
  const below = (count: number) => Math.floor(random() * count);
  const pick = <T>(list: readonly T[]): T => list[below(list.length)] as T;
  const ipAddresses = Array.from({ length: 48 }, (_, index) =>
    index % 2 === 0 ? `198.51.100.${String(10 + index)}` : `203.0.113.${String(10 + index)}`,
  );

  // The record functions stamp events with `org.clock()` and append them to `org.systemLog`:
  // here they write to a scratch log, on a clock set to each entry's time.
  let at = 0;
  const scratch: SandboxOrg = { ...org, systemLog: createSystemLog(), clock: () => new Date(at) };
  const built: LogEvent[] = [];
  const keep = (events: readonly LogEvent[]) => {
    for (const event of events) {
      event.uuid = uuidFrom(random);
      built.push(event);
    }
    scratch.systemLog.entries.length = 0;
  };
  const clientFor = (requestUri: string): LogClientInfo => ({
    ipAddress: pick(ipAddresses),
    userAgent: pick(USER_AGENTS),
    requestId: hexFrom(random, 32),
    requestUri,
    oauthClientId: clientId,
  });

  const summary = { successes: 0, wrongPasswords: 0, unknownUsers: 0, notAssigned: 0 };
  const end = now.getTime() - 60_000;
  const span = days * 86_400_000 - 60_000;
  const step = span / Math.max(entries, 1);
  for (let index = 0; index < entries; index += 1) {
    at = Math.floor(end - span + (index + random()) * step);
    const interaction = hexFrom(random, 21);
    const signInUri = `/signin/${placementKey}/${interaction}`;
    const roll = random();
    if (roll < MIX.success && assigned.length > 0) {
      const user = pick(assigned);
      keep(
        recordSignInAttempt(scratch, {
          login: user.profile.login,
          user,
          outcome: 'SUCCESS',
          app,
          client: clientFor(signInUri),
        }),
      );
      summary.successes += 1;
    } else if (roll < MIX.unknownUser && roll >= MIX.wrongPassword) {
      keep(
        recordSignInAttempt(scratch, {
          login: `someone.${String(below(5000))}@example.com`,
          outcome: 'FAILURE',
          reason: 'VERIFICATION_ERROR',
          client: clientFor(signInUri),
        }),
      );
      summary.unknownUsers += 1;
    } else if (roll >= MIX.unknownUser && unassigned.length > 0) {
      const user = pick(unassigned);
      const client = clientFor(signInUri);
      keep(
        recordSignInAttempt(scratch, {
          login: user.profile.login,
          user,
          outcome: 'SUCCESS',
          client,
        }),
      );
      // `/authorize` resumes a moment later and refuses, as the provider's check logs it.
      at += 150 + below(400);
      keep([
        recordOAuthAuthorize(scratch, {
          authServer,
          app,
          clientId,
          user,
          outcome: 'FAILURE',
          reason: 'access_denied',
          debugData: { errorDescription: OKTA_OAUTH_TEXTS.notAssigned },
          client: {
            ...client,
            requestUri: `${authorizePath}/${interaction}`,
            requestId: hexFrom(random, 32),
          },
        }),
      ]);
      summary.notAssigned += 1;
    } else {
      const user =
        assigned.length > 0 ? pick(assigned) : unassigned.length > 0 ? pick(unassigned) : undefined;
      keep(
        recordSignInAttempt(scratch, {
          login: user?.profile.login ?? `someone.${String(below(5000))}@example.com`,
          ...(user === undefined ? {} : { user }),
          outcome: 'FAILURE',
          reason: user === undefined ? 'VERIFICATION_ERROR' : 'INVALID_CREDENTIALS',
          client: clientFor(signInUri),
        }),
      );
      if (user === undefined) {
        summary.unknownUsers += 1;
      } else {
        summary.wrongPasswords += 1;
      }
    }
  }

  const log = org.systemLog;
  for (const event of built) {
    log.entries.push({ seq: log.nextSeq, event, publishedMs: Date.parse(event.published) });
    log.nextSeq += 1;
  }
  if (log.entries.length > SYSTEM_LOG_CAPACITY) {
    log.entries.splice(0, log.entries.length - SYSTEM_LOG_CAPACITY);
  }
  return {
    entries,
    events: built.length,
    ...summary,
    from: built[0]?.published ?? now.toISOString(),
    to: built.at(-1)?.published ?? now.toISOString(),
  };
}
