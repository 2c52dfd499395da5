/**
 * `npm run bench` (setup part): what a fresh Kestra apply costs against the sandbox org.
 *
 * - management API calls, split into reads and writes, counted at the org (the sandbox records
 *   every exchange), and the longest chain of dependent writes in the plan;
 * - wall time of the apply on loopback, and with 150 ms of latency added to every management
 *   request (a sandbox latency fault), which is closer to a real org across the internet.
 *
 * Prints a table and writes `test-results/bench/setup.json`. Not part of `npm test`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createOktaClient } from '../../main/okta/okta-client.ts';
import { readOrgSnapshot } from '../../main/okta/org-snapshot.ts';
import { startSandbox } from '../../main/sandbox/sandbox-server.ts';
import { type Plan, planSetup } from '../../main/setup/plan.ts';
import { createSetupDocument } from '../../shared/setup/presets.ts';
import { applyAndKeep } from '../support/apply-setup.ts';
import { ROOT } from '../support/processes.ts';

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

const loopback = await measure(0);
const delayed = await measure(LATENCY_MS);
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
];
const width = Math.max(...rows.map(([label]) => label.length));
process.stdout.write(`\nSetup benchmark: fresh Kestra apply against the sandbox (demo seed)\n`);
for (const [label, value] of rows) {
  process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
}
mkdirSync(path.dirname(OUTPUT), { recursive: true });
writeFileSync(
  OUTPUT,
  `${JSON.stringify({ at: new Date().toISOString(), machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version }, latencyMs: LATENCY_MS, loopback, delayed }, null, 2)}\n`,
);
process.stdout.write(`\nWrote ${path.relative(ROOT, OUTPUT)}\n`);
