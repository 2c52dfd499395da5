/**
 * `npm run bench`: how fast the sandbox org is with the large seed, measured over real HTTP.
 *
 * - start-up: `npm run sandbox -- --json --seed large` (100,000 users, 2,000 groups, 1,000
 *   apps) from spawning the process to its JSON line, several runs;
 * - user search latency: a mix of realistic `search` / `filter` / `q` queries, one at a time,
 *   sent with plain `fetch` and an SSWS token (no SDK, so the client adds as little as can be);
 * - pagination throughput: walking every listed user with `limit=200`, following `rel="next"`;
 * - the state file: saving the large org and starting from it.
 *
 * Prints a table and writes `test-results/bench/sandbox.json` with the machine it ran on. Not
 * part of `npm test`: timings belong here, never in tests.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LARGE_SEED_DEFAULTS } from '../../main/sandbox/seed.ts';
import { type CapturedProcess, ROOT, startNodeScript } from '../support/processes.ts';
import { benchMachine } from './bench-machine.ts';
import { median, percentile, round } from './bench-stats.ts';

const STARTUP_RUNS = 3;
const SEARCHES_PER_KIND = 30;
const PAGE_WALKS = 2;
const CLI = 'main/sandbox/cli.ts';
const OUTPUT = path.join(ROOT, 'test-results', 'bench', 'sandbox.json');

/** The sandboxes started here must not record exchanges for the conformance step. */
const env = { ...process.env };
delete env.SSO_CONSOLE_SANDBOX_RECORD_DIR;

interface Running {
  process: CapturedProcess;
  orgUrl: string;
  apiToken: string;
  readyMs: number;
}

async function startSandbox(args: string[]): Promise<Running> {
  const started = performance.now();
  // The bench measures the sandbox's own speed, not Okta's per-minute limits, which would stop
  // a walk over 100,000 users after a few hundred pages.
  const child = startNodeScript(CLI, ['--json', '--rate-limits', 'unlimited', ...args], env);
  const line = await child.waitForLine(/^\{/, 120_000);
  const readyMs = performance.now() - started;
  const { orgUrl, apiToken } = JSON.parse(line) as { orgUrl: string; apiToken: string };
  return { process: child, orgUrl, apiToken, readyMs };
}

async function get(sandbox: Running, pathAndQuery: string): Promise<Response> {
  const response = await fetch(`${sandbox.orgUrl}${pathAndQuery}`, {
    headers: { Authorization: `SSWS ${sandbox.apiToken}`, Accept: 'application/json' },
  });
  if (response.status !== 200) {
    throw new Error(
      `GET ${pathAndQuery} answered ${String(response.status)}: ${await response.text()}`,
    );
  }
  return response;
}

type User = { id: string; status: string; profile: Record<string, string> };

/** Search kinds, each built from real values of the seeded org so they find something. */
function searchKinds(sample: User[]) {
  const pick = (index: number): User => {
    const user = sample[(index * 37) % sample.length];
    if (user === undefined) {
      throw new Error('The seeded org listed no users to build searches from.');
    }
    return user;
  };
  const search = (expression: string) => `/api/v1/users?search=${encodeURIComponent(expression)}`;
  return [
    {
      name: 'login eq (exact)',
      query: (i: number) => search(`profile.login eq "${pick(i).profile.login ?? ''}"`),
    },
    {
      name: 'email sw (prefix)',
      query: (i: number) =>
        search(`profile.email sw "${(pick(i).profile.email ?? '').slice(0, 6)}"`),
    },
    {
      name: 'status eq ACTIVE (page 1)',
      query: () => search('status eq "ACTIVE"'),
    },
    {
      name: 'lastName eq and status',
      query: (i: number) =>
        search(`profile.lastName eq "${pick(i).profile.lastName ?? ''}" and status eq "ACTIVE"`),
    },
    {
      name: 'department and title',
      query: (i: number) =>
        search(
          `profile.department eq "${pick(i).profile.department ?? ''}" and profile.title eq "Director"`,
        ),
    },
    {
      name: 'filter lastUpdated gt',
      query: () =>
        `/api/v1/users?filter=${encodeURIComponent(`lastUpdated gt "${new Date(Date.now() - 30 * 86_400_000).toISOString()}"`)}`,
    },
    {
      name: 'q (name prefix)',
      query: (i: number) =>
        `/api/v1/users?q=${encodeURIComponent((pick(i).profile.firstName ?? '').slice(0, 3))}`,
    },
    {
      name: 'email sw, no match (full scan)',
      query: (i: number) => search(`profile.email sw "nobody${String(i)}"`),
    },
  ];
}

async function measureSearch(sandbox: Running) {
  const sample = (await (await get(sandbox, '/api/v1/users?limit=200')).json()) as User[];
  const kinds = searchKinds(sample.filter((user) => user.profile.department !== undefined));
  // Warm-up: the first search after start-up builds the login index and JIT-compiles the paths.
  for (const kind of kinds) {
    await (await get(sandbox, kind.query(0))).arrayBuffer();
  }
  const all: number[] = [];
  const perKind = [];
  for (const kind of kinds) {
    const times: number[] = [];
    let results = 0;
    for (let index = 1; index <= SEARCHES_PER_KIND; index += 1) {
      const started = performance.now();
      const body = (await (await get(sandbox, kind.query(index))).json()) as unknown[];
      times.push(performance.now() - started);
      results += body.length;
    }
    all.push(...times);
    perKind.push({
      name: kind.name,
      example: decodeURIComponent(kind.query(1).replace('/api/v1/users?', '')),
      requests: times.length,
      meanResults: round(results / times.length),
      p50Ms: round(median(times), 2),
      p95Ms: round(percentile(times, 95), 2),
    });
  }
  return {
    client: 'fetch (undici, keep-alive) with SSWS auth, one request at a time',
    perKind,
    overall: {
      requests: all.length,
      p50Ms: round(median(all), 2),
      p95Ms: round(percentile(all, 95), 2),
    },
  };
}

async function walkAllUsers(sandbox: Running) {
  let next: string | undefined = '/api/v1/users?limit=200';
  let users = 0;
  let pages = 0;
  const started = performance.now();
  while (next !== undefined) {
    const response = await get(sandbox, next);
    users += ((await response.json()) as unknown[]).length;
    pages += 1;
    const link = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    next = link === undefined ? undefined : link.slice(sandbox.orgUrl.length);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    users,
    pages,
    seconds: round(seconds, 2),
    usersPerSecond: round(users / seconds, 0),
    pagesPerSecond: round(pages / seconds, 1),
  };
}

async function measureStateFile() {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'sandbox-bench-'));
  const file = path.join(folder, 'large-org.json');
  try {
    const created = await startSandbox(['--seed', 'large', '--state', file]);
    await created.process.stop();
    const fileMb = statSync(file).size / 1_000_000;
    const loaded = await startSandbox(['--state', file]);
    // One change: time until its save has replaced the file (encode + write + fsync + rename).
    const before = statSync(file).mtimeMs;
    const started = performance.now();
    const response = await fetch(`${loaded.orgUrl}/api/v1/groups`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${loaded.apiToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ profile: { name: 'Bench change' } }),
    });
    await response.arrayBuffer();
    while (statSync(file).mtimeMs === before) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const savedAfterMs = performance.now() - started;
    await loaded.process.stop();
    return {
      fileMb: round(fileMb),
      seedAndCreateFileMs: round(created.readyMs, 0),
      startFromFileMs: round(loaded.readyMs, 0),
      changeSavedAfterMs: round(savedAfterMs, 0),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function printTable(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) {
    process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
  }
}

const benchStarted = performance.now();
const machineAtStart = benchMachine();
process.stdout.write(
  `Sandbox benchmark: large seed ${LARGE_SEED_DEFAULTS.users.toLocaleString('en-US')} users / ${LARGE_SEED_DEFAULTS.groups.toLocaleString('en-US')} groups / ${LARGE_SEED_DEFAULTS.apps.toLocaleString('en-US')} apps\n`,
);

const startupMs: number[] = [];
let sandbox: Running | undefined;
for (let run = 0; run < STARTUP_RUNS; run += 1) {
  await sandbox?.process.stop();
  sandbox = await startSandbox(['--seed', 'large']);
  startupMs.push(sandbox.readyMs);
  process.stdout.write(
    `  start-up run ${String(run + 1)}: ${String(round(sandbox.readyMs, 0))} ms\n`,
  );
}
if (sandbox === undefined) {
  throw new Error('No sandbox started.');
}
const search = await measureSearch(sandbox);
const walks = [];
for (let walk = 0; walk < PAGE_WALKS; walk += 1) {
  walks.push(await walkAllUsers(sandbox));
}
await sandbox.process.stop();
const stateFile = await measureStateFile();
const bestWalk = walks.reduce((best, walk) => (walk.seconds < best.seconds ? walk : best));

const result = {
  timestamp: new Date().toISOString(),
  machine: machineAtStart,
  seed: LARGE_SEED_DEFAULTS,
  startup: {
    what: 'spawn `node main/sandbox/cli.ts --json --seed large` until its JSON line (Node start, seeding, listen)',
    runsMs: startupMs.map((ms) => round(ms, 0)),
    medianMs: round(median(startupMs), 0),
  },
  search,
  pagination: {
    what: 'GET /api/v1/users?limit=200, following rel="next" to the end (DEPROVISIONED users are not listed)',
    walks,
    best: bestWalk,
  },
  stateFile,
  benchSeconds: round((performance.now() - benchStarted) / 1000),
};

process.stdout.write('\n');
printTable([
  [
    'Machine',
    `${result.machine.cpuModel}, ${String(result.machine.cores)} cores, Node ${result.machine.node}, reference work ${String(result.machine.referenceWorkMs)} ms, load ${String(result.machine.loadAverage1m)} at start`,
  ],
  [
    'Start-up, large seed (median of 3)',
    `${String(result.startup.medianMs)} ms  (runs: ${result.startup.runsMs.join(', ')} ms)`,
  ],
  [
    `User search, ${String(search.overall.requests)} queries`,
    `p50 ${String(search.overall.p50Ms)} ms, p95 ${String(search.overall.p95Ms)} ms`,
  ],
  ...search.perKind.map((kind): [string, string] => [
    `  ${kind.name}`,
    `p50 ${String(kind.p50Ms)} ms, p95 ${String(kind.p95Ms)} ms  (${String(kind.meanResults)} results)`,
  ]),
  [
    'Pagination, limit=200 (best walk)',
    `${bestWalk.usersPerSecond.toLocaleString('en-US')} users/s, ${String(bestWalk.pagesPerSecond)} pages/s  (${bestWalk.users.toLocaleString('en-US')} users, ${String(bestWalk.pages)} pages in ${String(bestWalk.seconds)} s)`,
  ],
  ['State file, large org', `${String(stateFile.fileMb)} MB`],
  ['  seed + create file', `${String(stateFile.seedAndCreateFileMs)} ms`],
  ['  start from file', `${String(stateFile.startFromFileMs)} ms`],
  [
    '  one change saved after',
    `${String(stateFile.changeSavedAfterMs)} ms (200 ms debounce included)`,
  ],
  ['Benchmark took', `${String(result.benchSeconds)} s`],
]);
mkdirSync(path.dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`\nWrote ${path.relative(ROOT, OUTPUT)}\n`);
