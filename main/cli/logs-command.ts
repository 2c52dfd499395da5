import type {
  ActivityFilters,
  SignInActivityEntry,
  SignInActivityService,
} from '../activity/sign-in-activity.ts';
import { CliError } from './cli-error.ts';

/** How far back `logs` reads without `--since`. */
const DEFAULT_SINCE_MS = 60 * 60 * 1000;

/** How long `logs --follow` waits between polls that found nothing new, without `--poll`. */
const DEFAULT_POLL_SECONDS = 10;

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `--since`: an ISO date-time, or a duration back from now (`90s`, `15m`, `1h`, `7d`). */
export function parseSince(value: string | undefined, now: Date): Date {
  if (value === undefined) {
    return new Date(now.getTime() - DEFAULT_SINCE_MS);
  }
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration !== null) {
    return new Date(now.getTime() - Number(duration[1]) * (UNIT_MS[duration[2] ?? 'h'] ?? 0));
  }
  const time = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new CliError(
      `--since "${value}" is neither a date-time nor a duration.`,
      'Use an ISO date-time (2026-12-07T03:00:00Z) or a duration back from now: 30m, 1h, 7d.',
    );
  }
  return new Date(time);
}

/** `--outcome`: `success` or `failure`. */
export function parseOutcome(value: string | undefined): ActivityFilters['outcome'] {
  if (value === undefined) {
    return undefined;
  }
  const outcome = value.toUpperCase();
  if (outcome !== 'SUCCESS' && outcome !== 'FAILURE') {
    throw new CliError(
      `--outcome must be success or failure, not "${value}".`,
      'Leave it out for both.',
    );
  }
  return outcome;
}

function positiveInteger(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new CliError(
      `${flag} must be a whole number from 1 to ${String(max)}, not "${value}".`,
      `Leave ${flag} out for the default.`,
    );
  }
  return number;
}

/** One entry as a line: time, outcome, who, the diagnosis code (and Okta's reason), cause and fix. */
export function formatEntry(entry: SignInActivityEntry): string {
  const time = entry.published.replace(/\.\d+Z$/, 'Z');
  const who = entry.login ?? '(no user yet)';
  const what =
    entry.diagnosis === null
      ? entry.eventType
      : // The diagnosis code, as the preview says it; Okta's own reason beside it when it differs.
        `${entry.diagnosis.code}${entry.reason === null || entry.reason === entry.diagnosis.code ? '' : ` (${entry.reason})`} — ${entry.diagnosis.cause} Fix: ${entry.diagnosis.fix}`;
  return `${time}  ${entry.outcome.padEnd(7)}  ${who}  ${what}`;
}

/**
 * `sso-console logs`: one app's sign-ins and failures from the System Log, newest first, or
 * followed live with `--follow` (oldest first, as they arrive) until `signal` aborts.
 *
 * @remarks
 * Without `--follow`, `--limit N` (default 50) caps the entries printed, reading further pages
 * through Okta's `next` links as needed. With `--json`, each entry is one JSON line.
 */
export async function runLogsCommand(
  options: {
    activity: SignInActivityService;
    /** The app id, resolved from `--app ID|LABEL` by the caller. */
    appId: string;
    user?: string;
    outcome?: string;
    since?: string;
    limit?: string;
    poll?: string;
    follow: boolean;
    json: boolean;
  },
  io: {
    write: (text: string) => void;
    warn: (text: string) => void;
    now: () => Date;
    /** Aborted on SIGINT: `--follow` then ends with exit 0. */
    signal: AbortSignal;
  },
): Promise<number> {
  const filters: ActivityFilters = {
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(parseOutcome(options.outcome) === undefined
      ? {}
      : { outcome: parseOutcome(options.outcome) }),
  };
  const since = parseSince(options.since, io.now());
  const limit = positiveInteger('--limit', options.limit, 1000) ?? 50;
  const pollSeconds = positiveInteger('--poll', options.poll, 3600) ?? DEFAULT_POLL_SECONDS;
  const app = await options.activity.app(options.appId);
  const print = (entries: SignInActivityEntry[]) => {
    io.write(
      entries
        .map((entry) => `${options.json ? JSON.stringify(entry) : formatEntry(entry)}\n`)
        .join(''),
    );
  };
  if (options.follow) {
    if (!options.json) {
      io.warn(`Following sign-ins to "${app.label}" (${app.id}); Ctrl+C stops.\n`);
    }
    await options.activity.follow({
      app,
      filters,
      since,
      signal: io.signal,
      pollIntervalMs: pollSeconds * 1000,
      onEntries: print,
    });
    return 0;
  }
  let page = await options.activity.list({ app, filters, since, limit });
  let printed = 0;
  for (;;) {
    const entries = page.entries.slice(0, limit - printed);
    print(entries);
    printed += entries.length;
    if (printed >= limit || page.next === null || io.signal.aborted) {
      break;
    }
    page = await options.activity.page(page.next, filters);
  }
  if (printed === 0 && !options.json) {
    io.warn(`No sign-ins to "${app.label}" (${app.id}) since ${since.toISOString()}.\n`);
  }
  return 0;
}
