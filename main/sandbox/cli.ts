import path from 'node:path';
import { parseArgs } from 'node:util';

import { oauthClientView } from './oidc/okta-oauth-rules.ts';
import {
  DEFAULT_RATE_LIMIT_TIER,
  RATE_LIMIT_TIERS,
  type RateLimitSettings,
  type RateLimitTier,
} from './rate-limits.ts';
import { startSandbox } from './sandbox-server.ts';
import {
  LARGE_SEED_DEFAULTS,
  largeSeedFrom,
  SEED_PASSWORD,
  type SeedOption,
  type SeedSummary,
  SERVICE_APP_LABEL,
} from './seed.ts';
import {
  addSignInHistory,
  MAX_SIGN_IN_HISTORY,
  type SignInHistorySummary,
} from './sign-in-history.ts';
import { StateFileError } from './state-file.ts';

const TIERS = [...RATE_LIMIT_TIERS, 'unlimited'].join(', ');

const USAGE = `Usage: npm run sandbox -- [--json] [--port N] [--seed demo|large [--users N] [--groups N] [--apps N] [--log-events N]] [--state FILE] [--rate-limits TIER] [--concurrency N]

Starts a local Okta-compatible org on 127.0.0.1 and runs until stopped (Ctrl+C).
  --json               print exactly one JSON line {"orgUrl": "...", "apiToken": "..."} once ready
                       (plus "serviceAppClientId" when the org has the demo seed's service app)
                       (progress lines go to stderr)
  --port N             listen on port N (0, the default, picks a free port)
  --seed demo          add a few users, groups (Kestra Admins, Engineering, …) and apps to a fresh org
  --seed large         add many users, groups and apps (same ones every time), for search and paging;
                       --users N, --groups N, --apps N set how many (default ${LARGE_SEED_DEFAULTS.users.toLocaleString('en-US')}, ${LARGE_SEED_DEFAULTS.groups.toLocaleString('en-US')}, ${LARGE_SEED_DEFAULTS.apps.toLocaleString('en-US')})
  --log-events N       with --seed: N past sign-ins (successes, wrong passwords, unknown and unassigned
                       users) in the System Log for the seed's first OIDC app ("Kestra (staging)" in
                       the demo), over the last 7 days, the same every time; 0 to ${MAX_SIGN_IN_HISTORY.toLocaleString('en-US')}
  --state FILE         keep the org in FILE across restarts: loaded if it exists (the seed is then
                       ignored), else created; saved within 0.2 s of each change and on exit
  --rate-limits TIER   Okta's per-bucket limits of TIER: ${TIERS}
                       (default ${DEFAULT_RATE_LIMIT_TIER}); change them later with PUT /__sandbox/rate-limits
  --concurrency N      requests in flight before a concurrency 429 (default: the tier's, 75 for enterprise)
Seeded users who have a password sign in with ${SEED_PASSWORD}.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

let values: {
  json?: boolean;
  port?: string;
  'rate-limits'?: string;
  concurrency?: string;
  seed?: string;
  users?: string;
  groups?: string;
  apps?: string;
  'log-events'?: string;
  state?: string;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      port: { type: 'string' },
      'rate-limits': { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      users: { type: 'string' },
      groups: { type: 'string' },
      apps: { type: 'string' },
      'log-events': { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`sandbox: ${error instanceof Error ? error.message : String(error)}`);
}
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const port = Number(values.port ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`sandbox: --port must be a whole number from 0 to 65535, not "${values.port ?? ''}".`);
}

const tier = values['rate-limits'] ?? DEFAULT_RATE_LIMIT_TIER;
if (!TIERS.split(', ').includes(tier)) {
  fail(`sandbox: --rate-limits must be one of ${TIERS}, not "${tier}".`);
}
const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
  fail(
    `sandbox: --concurrency must be a whole number of requests from 1, not "${values.concurrency ?? ''}".`,
  );
}
const rateLimits: RateLimitSettings = {
  tier: tier as RateLimitTier | 'unlimited',
  ...(concurrency === undefined ? {} : { concurrency }),
};

/** The seed the flags ask for; exits with a clear message when they do not make sense. */
function seedFromFlags(): SeedOption | undefined {
  if (values.seed !== undefined && values.seed !== 'demo' && values.seed !== 'large') {
    fail(`sandbox: --seed must be demo or large, not "${values.seed}".`);
  }
  for (const flag of ['users', 'groups', 'apps'] as const) {
    if (values[flag] !== undefined && values.seed !== 'large') {
      fail(
        `sandbox: --${flag} only applies to --seed large. Add --seed large, or leave --${flag} out.`,
      );
    }
  }
  if (values.seed !== 'large') {
    return values.seed === 'demo' ? { kind: 'demo' } : undefined;
  }
  const large = largeSeedFrom({ users: values.users, groups: values.groups, apps: values.apps });
  if (!large.ok) {
    fail(`sandbox: --${large.problem}.`);
  }
  return large.seed;
}

const seed = seedFromFlags();

/** How many past sign-ins `--log-events` asks for; exits when it makes no sense. */
function logEventsFromFlags(): number | undefined {
  const raw = values['log-events'];
  if (raw === undefined) {
    return undefined;
  }
  if (seed === undefined) {
    fail(
      'sandbox: --log-events adds sign-ins for a seeded app, so it needs --seed demo or --seed large.',
    );
  }
  const count = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(count) || count > MAX_SIGN_IN_HISTORY) {
    fail(
      `sandbox: --log-events must be a whole number from 0 to ${MAX_SIGN_IN_HISTORY.toLocaleString('en-US')}, not "${raw}".`,
    );
  }
  return count;
}
const logEvents = logEventsFromFlags();
if (values.state?.trim() === '') {
  fail('sandbox: --state needs a file path, e.g. --state sandbox-org.json.');
}
const statePath = values.state === undefined ? undefined : path.resolve(values.state);
const json = values.json === true;
/** Progress and summaries: on stdout normally, on stderr with --json (stdout is one line). */
const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

function describeSeed(summary: SeedSummary): string {
  const count = (value: number) => value.toLocaleString('en-US');
  return `${summary.kind} — ${count(summary.users)} users, ${count(summary.groups)} groups (${count(summary.groupMemberships)} memberships), ${count(summary.apps)} apps (${count(summary.appAssignments)} assignments)`;
}

const startedAt = performance.now();
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
try {
  sandbox = await startSandbox({
    port,
    rateLimits,
    ...(seed === undefined ? {} : { seed }),
    ...(statePath === undefined ? {} : { statePath }),
    onProgress: say,
  });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  fail(
    error instanceof StateFileError
      ? `sandbox: ${error.message}`
      : code === 'EADDRINUSE'
        ? `sandbox: port ${String(port)} is already in use. Pick another with --port, or --port 0 for any free port.`
        : `sandbox: could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
}
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
if (sandbox.seeded !== undefined) {
  say(`Seeded in ${seconds} s: ${describeSeed(sandbox.seeded)}.`);
}
if (logEvents !== undefined && sandbox.seeded !== undefined) {
  const historyStartedAt = performance.now();
  // The seed's first OIDC app: the demo's "Kestra (staging)", the large seed's first one.
  const app = [...sandbox.org.apps.values()].find(
    (candidate) => candidate.record.signOnMode === 'OPENID_CONNECT',
  );
  if (app === undefined) {
    fail('sandbox: --log-events needs an OIDC app in the seed; add --apps 1 or more.');
  }
  const history: SignInHistorySummary = addSignInHistory(sandbox.org, {
    app,
    entries: logEvents,
    now: sandbox.org.clock(),
    orgUrl: sandbox.orgUrl,
  });
  say(
    `Logged ${history.entries.toLocaleString('en-US')} past sign-ins for ${String(app.record.label)} (${app.id}) in ${((performance.now() - historyStartedAt) / 1000).toFixed(1)} s: ${history.successes.toLocaleString('en-US')} successes, ${history.wrongPasswords.toLocaleString('en-US')} wrong passwords, ${history.unknownUsers.toLocaleString('en-US')} unknown users, ${history.notAssigned.toLocaleString('en-US')} not assigned (${history.events.toLocaleString('en-US')} events since ${history.from}).`,
  );
}
if (sandbox.loadedFromState) {
  say(
    `Loaded the org from ${statePath ?? ''} in ${seconds} s: ${sandbox.org.users.size.toLocaleString('en-US')} users.${seed === undefined ? '' : ` (--seed${logEvents === undefined ? '' : ' and --log-events'} ignored: the file already holds an org.)`}`,
  );
}

/** The demo seed's service app, whether seeded now or loaded from the state file. */
const serviceAppClientId =
  sandbox.seeded?.serviceAppClientId ??
  [...sandbox.org.apps.values()]
    .filter((app) => app.record.label === SERVICE_APP_LABEL)
    .map((app) => oauthClientView(app)?.clientId)
    .find((clientId) => clientId !== undefined);

if (json) {
  process.stdout.write(
    `${JSON.stringify({
      orgUrl: sandbox.orgUrl,
      apiToken: sandbox.apiToken,
      ...(serviceAppClientId === undefined ? {} : { serviceAppClientId }),
    })}\n`,
  );
} else {
  process.stdout.write(
    [
      'Sandbox org running — a local emulation of an Okta org, not a real one.',
      `  Org URL:   ${sandbox.orgUrl}`,
      `  API token: ${sandbox.apiToken}  (super admin; also the /__sandbox/ admin token)`,
      ...(statePath === undefined
        ? []
        : [`  State:     ${statePath}  (holds secrets: keep it private; saved after changes)`]),
      ...(seed === undefined
        ? []
        : [
            `  Sign-in:   seeded users with a password use ${SEED_PASSWORD}${seed.kind === 'demo' ? ' (e.g. alice.martin@example.com)' : ''}`,
          ]),
      ...(serviceAppClientId === undefined
        ? []
        : [
            `  Service app: ${SERVICE_APP_LABEL}, client id ${serviceAppClientId} (private_key_jwt; register your own key to use it)`,
          ]),
      'Connect the console to it with these values. Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
