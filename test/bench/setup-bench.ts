/**
 * `npm run bench` (setup part): what a fresh Kestra apply costs against the sandbox org.
 *
 * - management API calls, split into reads and writes, counted at the org (the sandbox records
 *   every exchange), and the longest chain of dependent writes in the plan;
 * - wall time of the apply on loopback, and with 150 ms of latency added to every management
 *   request (a sandbox latency fault), which is closer to a real org across the internet;
 * - a setup naming 2,000 users (`BENCH_USERS` for another count) under Okta's integrator-free
 *   limits at 150 ms: plan and apply wall time through the console's request scheduler, the
 *   429s it met and its failures, beside the same lookups made the way the console made them
 *   before (one per login, all at once, the SDK's own retries). The apply is bound by the `apps`
 *   bucket (20 requests a minute, every assignment included): about 100 minutes for 2,000.
 *
 * Prints a table and writes `test-results/bench/setup.json`. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import okta from '@okta/okta-sdk-nodejs';

import { orgFromCredentials } from '../../main/okta/active-org.ts';
import { createOktaClient } from '../../main/okta/okta-client.ts';
import { readOrgSnapshot } from '../../main/okta/org-snapshot.ts';
import { startSandbox } from '../../main/sandbox/sandbox-server.ts';
import { hasChanges, type Plan, planSetup } from '../../main/setup/plan.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import { applyAndKeep } from '../support/apply-setup.ts';
import { ROOT } from '../support/processes.ts';
import { collect } from '../support/sandbox-sdk.ts';

const OUTPUT = path.join(ROOT, 'test-results', 'bench', 'setup.json');
const LATENCY_MS = 150;

function kestraDocument() {
  const document = createSetupDocument({ id: randomUUID(), preset: 'kestra' });
  document.assignments = {
    users: [{ login: 'alice.martin@example.com' }],
    groups: [{ name: 'Kestra Admins' }],
    testUser: { firstName: 'Ada', lastName: 'Lovelace', email: `ada.${randomUUID()}@example.com` },
  };
  return document;
}

/** The longest chain of writes that must wait for one another, from the plan's dependencies. */
function longestChain(plan: Plan): number {
  const depth = new Map<string, number>();
  for (const step of plan.steps.filter((planned) => planned.action !== 'unchanged')) {
    depth.set(step.key, 1 + Math.max(0, ...step.dependsOn.map((key) => depth.get(key) ?? 0)));
  }
  return Math.max(0, ...depth.values());
}

async function measure(latencyMs: number) {
  const recordDir = mkdtempSync(path.join(os.tmpdir(), 'setup-bench-'));
  const sandbox = await startSandbox({
    seed: { kind: 'demo' },
    rateLimits: 'unlimited',
    recordDir,
  });
  try {
    const client = createOktaClient({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
    const document = kestraDocument();
    const plan = planSetup(document, await readOrgSnapshot(client, document));
    for (const file of readdirSync(recordDir)) {
      rmSync(path.join(recordDir, file));
    }
    if (latencyMs > 0) {
      await fetch(`${sandbox.orgUrl}/__sandbox/faults`, {
        method: 'POST',
        headers: { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ method: '*', path: '/api/v1/**', latencyMs, times: 100_000 }),
      });
    }
    const started = performance.now();
    await applyAndKeep({ client, orgUrl: sandbox.orgUrl, document });
    const wallMs = performance.now() - started;
    const exchanges = readdirSync(recordDir).flatMap((file) =>
      readFileSync(path.join(recordDir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { method: string }),
    );
    const writes = exchanges.filter((exchange) => exchange.method !== 'GET').length;
    return {
      calls: exchanges.length,
      reads: exchanges.length - writes,
      writes,
      plannedChanges: plan.steps.filter((step) => step.action !== 'unchanged').length,
      longestDependentChain: longestChain(plan),
      wallMs: Math.round(wallMs),
    };
  } finally {
    await sandbox.close();
    rmSync(recordDir, { recursive: true, force: true });
  }
}

/** One user lookup per login, all at once, through the SDK's own executor: the console before. */
async function unboundedLookups(orgUrl: string, token: string, logins: readonly string[]) {
  const client = new okta.Client({
    orgUrl,
    token,
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
    requestExecutor: new okta.DefaultRequestExecutor({ maxRetries: 2, requestTimeout: 30_000 }),
  });
  let rateLimited = 0;
  (client.requestExecutor as okta.DefaultRequestExecutor).on('backoff', () => {
    rateLimited += 1;
  });
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    logins.map(async (login) =>
      collect(await client.userApi.listUsers({ search: `profile.login eq "${login}"` })),
    ),
  );
  const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
  const first = failures[0];
  const firstFailure: unknown = first?.status === 'rejected' ? first.reason : undefined;
  return {
    wallMs: Math.round(performance.now() - started),
    lookups: logins.length,
    rateLimitedRetries: rateLimited,
    failures: failures.length,
    firstFailure:
      firstFailure instanceof Error
        ? firstFailure.message.replace(/\s+/g, ' ').slice(0, 120)
        : undefined,
  };
}

/**
 * A setup naming `users` users, planned and applied under Okta's integrator-free limits (the
 * `apps` bucket: 20 requests a minute, every assignment included) with `latencyMs` on every
 * management request: the scheduler's wall time, the 429s it met and the failures (none
 * expected); and the same setup's lookups the way the console made them before the scheduler.
 */
async function scale(users: number, latencyMs: number) {
  const sandbox = await startSandbox({
    seed: { kind: 'large', users: users + 50, groups: 5, apps: 0 },
    rateLimits: 'integrator-free',
  });
  try {
    const logins = [...sandbox.org.users.values()]
      .filter((user) => user.status === 'ACTIVE' && user.adminRoles.length === 0)
      .slice(0, users)
      .map((user) => user.profile.login);
    const document = kestraDocument();
    // The large seed's own people, and no group: its groups are named after departments.
    document.assignments.users = logins.map((login) => ({ login }));
    document.assignments.groups = [];
    await fetch(`${sandbox.orgUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${sandbox.apiToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ method: '*', path: '/api/v1/**', latencyMs, times: 1_000_000 }),
    });

    const before = await unboundedLookups(sandbox.orgUrl, sandbox.apiToken, logins);
    // Let the windows the comparison spent reset, so the scheduler starts as an admin would.
    await new Promise((resolve) => setTimeout(resolve, 61_000));

    const waits: string[] = [];
    const org = orgFromCredentials(
      { orgUrl: sandbox.orgUrl, token: sandbox.apiToken },
      { onRateLimitWait: (wait) => waits.push(wait.message) },
    );
    const planStarted = performance.now();
    const plan = planSetup(document, await readOrgSnapshot(org.client, document));
    const planMs = performance.now() - planStarted;
    const applyStarted = performance.now();
    let failure: string | undefined;
    try {
      await applyAndKeep({ client: org.client, orgUrl: sandbox.orgUrl, document });
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const applyMs = performance.now() - applyStarted;
    const stats = org.scheduler.stats();
    const planned =
      failure === undefined &&
      !hasChanges(planSetup(document, await readOrgSnapshot(org.client, document)));
    const appsLimit = 20;
    const appsRequests = plan.steps.filter((step) => step.action !== 'unchanged').length;
    return {
      users,
      latencyMs,
      tier: 'integrator-free',
      bounded: {
        planWallMs: Math.round(planMs),
        applyWallMs: Math.round(applyMs),
        plannedChanges: appsRequests,
        requestsSent: stats.sent,
        rateLimited429s: stats.rateLimited,
        waits: stats.waits,
        waitedMs: Math.round(stats.waitedMs),
        peakInFlight: stats.peakInFlight,
        failures: failure === undefined ? 0 : 1,
        failure,
        endsInPlannedState: planned,
        // The apps bucket allows 20 a window of a minute, the first opened by the first
        // request; the plan's writes are nearly all in it.
        floorMinutesFromAppsBucket: Math.max(0, Math.ceil(appsRequests / appsLimit) - 1),
      },
      unbounded: before,
    };
  } finally {
    await sandbox.close();
  }
}

const SCALE_USERS = Number(process.env.BENCH_USERS ?? 2000);
const loopback = await measure(0);
const delayed = await measure(LATENCY_MS);
const scaled = await scale(SCALE_USERS, LATENCY_MS);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
const rows: [string, string][] = [
  [
    'Management API calls (fresh Kestra apply)',
    `${String(loopback.calls)} (${String(loopback.reads)} reads, ${String(loopback.writes)} writes)`,
  ],
  ['Planned changes', String(loopback.plannedChanges)],
  ['Longest chain of dependent writes', String(loopback.longestDependentChain)],
  ['Apply wall time, loopback', `${String(loopback.wallMs)} ms`],
  [
    `Apply wall time, +${String(LATENCY_MS)} ms per request`,
    `${String(delayed.wallMs)} ms (${String(delayed.calls)} calls)`,
  ],
  [
    `${String(SCALE_USERS)} users, integrator-free, +${String(LATENCY_MS)} ms: plan`,
    `${String(scaled.bounded.planWallMs)} ms`,
  ],
  [
    `  … apply (floor from the apps bucket: ${String(scaled.bounded.floorMinutesFromAppsBucket)} min)`,
    `${minutes(scaled.bounded.applyWallMs)}, ${String(scaled.bounded.requestsSent)} requests, ${String(scaled.bounded.rateLimited429s)} 429s met, ${String(scaled.bounded.failures)} failures, planned state ${scaled.bounded.endsInPlannedState ? 'reached' : 'NOT reached'}`,
  ],
  [
    `  … the same lookups unbounded (SDK executor, one per login)`,
    `${String(scaled.unbounded.wallMs)} ms, ${String(scaled.unbounded.rateLimitedRetries)} 429 retries, ${String(scaled.unbounded.failures)} of ${String(scaled.unbounded.lookups)} failed${scaled.unbounded.firstFailure === undefined ? '' : ` (${scaled.unbounded.firstFailure})`}`,
  ],
];
const width = Math.max(...rows.map(([label]) => label.length));
process.stdout.write(`\nSetup benchmark against the sandbox org\n`);
for (const [label, value] of rows) {
  process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
}
mkdirSync(path.dirname(OUTPUT), { recursive: true });
writeFileSync(
  OUTPUT,
  `${JSON.stringify({ at: new Date().toISOString(), machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version }, latencyMs: LATENCY_MS, loopback, delayed, scale: scaled }, null, 2)}\n`,
);
process.stdout.write(`\nWrote ${path.relative(ROOT, OUTPUT)}\n`);
