/**
 * `npm run bench`, last step: the one table of issue 16's figures, P1 to P5, read from the JSON
 * each benchmark wrote — for each figure ours, the peer or the bound, the ratio, the goal and
 * whether it holds, with the machine — printed and written to `test-results/bench/summary.json`.
 *
 * @remarks
 * Each benchmark keeps its own detail (stages, runs, 429s); this only gathers the headline rows,
 * so a reader sees every figure against its peer in one place. A benchmark that did not run is
 * named as missing rather than left out silently.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT } from '../support/processes.ts';
import { benchMachine } from './bench-machine.ts';

const DIR = path.join(ROOT, 'test-results', 'bench');

/** One figure of the table. */
interface Row {
  figure: string;
  ours: string;
  peerOrBound: string;
  ratio: number | null;
  goal: string;
  pass: boolean | null;
}

function read(name: string): Record<string, unknown> | undefined {
  const file = path.join(DIR, name);
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : undefined;
}

interface TableRow {
  figure: string;
  ours: number;
  bound?: number;
  peer?: number;
  unit: string;
  goal: string;
  ratio: number | null;
  pass: boolean | null;
}

/**
 * Rows of a benchmark that writes its own `table` (renderer, activity, preview); rows it only
 * reports (no bound, `pass: null`) are kept when `informative` says so.
 */
function fromTable(json: Record<string, unknown> | undefined, informative = false): Row[] {
  const table = (json?.table ?? []) as TableRow[];
  return table
    .filter((row) => informative || row.pass !== null)
    .map((row) => ({
      figure: row.figure,
      ours: `${String(row.ours)} ${row.unit}`,
      peerOrBound:
        row.peer === undefined && row.bound === undefined
          ? '—'
          : `${String(row.peer ?? row.bound ?? '')} ${row.unit}`,
      ratio: row.ratio,
      goal: row.goal,
      pass: row.pass,
    }));
}

interface SetupBench {
  p1: {
    latencyMs: number;
    ours: { calls: number; reads: number; writes: number; roundTrips: number; wallMs: number };
    peer: { calls: number; roundTrips: number; wallMs: number };
  }[];
  p2: {
    tier: string;
    users: number;
    groups: number;
    windowSeconds: number;
    ours: { applyMs: number; failures: number; rateLimited429s: number };
    bound: { boundMs: number };
    ratio: number;
    naive: { wallMs: number; retries429: number; failures: number; requests: number };
  }[];
}

/** Rows of the setup benchmark (P1, P2). */
function fromSetup(json: Record<string, unknown> | undefined): Row[] {
  if (json === undefined || !('p1' in json)) {
    return [];
  }
  const setup = json as unknown as SetupBench;
  const rows: Row[] = [];
  const delayed = setup.p1.find((run) => run.latencyMs > 0);
  if (delayed !== undefined) {
    rows.push(
      {
        figure: `P1 fresh apply, +${String(delayed.latencyMs)} ms: wall`,
        ours: `${String(delayed.ours.wallMs)} ms`,
        peerOrBound: `${String(delayed.peer.wallMs)} ms (SDK script)`,
        ratio: delayed.ours.wallMs / delayed.peer.wallMs,
        goal: '≤ 1000 ms',
        pass: delayed.ours.wallMs <= 1000,
      },
      {
        figure: 'P1 fresh apply: management calls',
        ours: `${String(delayed.ours.calls)} (${String(delayed.ours.reads)} reads)`,
        peerOrBound: `${String(delayed.peer.calls)} (SDK script)`,
        ratio: delayed.ours.calls / delayed.peer.calls,
        goal: '≤ 8',
        pass: delayed.ours.calls <= 8,
      },
      {
        figure: 'P1 fresh apply: dependent round trips',
        ours: String(delayed.ours.roundTrips),
        peerOrBound: `${String(delayed.peer.roundTrips)} (SDK script)`,
        ratio: delayed.ours.roundTrips / delayed.peer.roundTrips,
        goal: '≤ 3',
        pass: delayed.ours.roundTrips <= 3,
      },
    );
  }
  for (const run of setup.p2) {
    rows.push({
      figure: `P2 ${String(run.users)} users + ${String(run.groups)} groups, ${run.tier} (${String(run.windowSeconds)} s windows)`,
      ours: `${(run.ours.applyMs / 1000).toFixed(1)} s, ${String(run.ours.failures)} failures`,
      peerOrBound: `${(run.bound.boundMs / 1000).toFixed(1)} s bound; naive loop ${(run.naive.wallMs / 1000).toFixed(1)} s, ${String(run.naive.retries429)} 429s, ${String(run.naive.failures)} of ${String(run.naive.requests)} failed`,
      ratio: run.ratio,
      goal: '≤ 1.1× bound, 0 failures',
      pass: run.ratio <= 1.1 && run.ours.failures === 0,
    });
  }
  return rows;
}

const sources = {
  'setup.json (P1, P2)': read('setup.json'),
  'renderer.json (P3, P4)': read('renderer.json'),
  'activity.json (issue 17: sign-in activity, 50,000 events)': read('activity.json'),
  'preview.json (P5)': read('preview.json'),
};
const missing = Object.entries(sources)
  .filter(([, json]) => json === undefined)
  .map(([name]) => name);
const rows = [
  ...fromSetup(sources['setup.json (P1, P2)']),
  ...fromTable(sources['renderer.json (P3, P4)']).sort((a, b) => a.figure.localeCompare(b.figure)),
  ...fromTable(sources['activity.json (issue 17: sign-in activity, 50,000 events)'], true),
  ...fromTable(sources['preview.json (P5)']),
];
const machine = benchMachine();
const cells = [
  ['figure', 'ours', 'peer or bound', 'ratio', 'goal', 'pass'],
  ...rows.map((row) => [
    row.figure,
    row.ours,
    row.peerOrBound,
    row.ratio === null ? '—' : row.ratio.toFixed(2),
    row.goal,
    row.pass === null ? '—' : row.pass ? 'yes' : 'NO',
  ]),
];
const widths =
  cells[0]?.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0))) ?? [];
process.stdout.write(
  `\nIssue 16's figures, side by side (${machine.cpuModel}, ${String(machine.cores)} cores, ${String(machine.memoryGb)} GB, Node ${machine.node}, reference work ${String(machine.referenceWorkMs)} ms: see bench-machine.ts)\n`,
);
for (const row of cells) {
  process.stdout.write(
    `${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`,
  );
}
if (missing.length > 0) {
  process.stdout.write(`Missing (that benchmark did not run): ${missing.join(', ')}\n`);
}
writeFileSync(
  path.join(DIR, 'summary.json'),
  `${JSON.stringify({ at: new Date().toISOString(), machine, rows, missing }, null, 2)}\n`,
);
process.stdout.write(`Wrote ${path.relative(ROOT, path.join(DIR, 'summary.json'))}\n`);
