/**
 * Checks every management exchange the sandbox recorded during the test run against
 * management.yaml, and writes the coverage report: `node test/support/conformance/report.ts`.
 *
 * @remarks
 * Runs after the integration and end-to-end tiers (`npm run test:conformance`). Fails when any
 * exchange breaks the spec, when nothing was recorded at all (so it cannot pass vacuously), and
 * when the sandbox's route registry disagrees with the spec (a route implementing a query
 * parameter its operation does not declare). The report lists each operation exercised with its
 * statuses and counts, and each operation's query parameters: declared, implemented by the
 * sandbox (the rest it refuses), and of those implemented, which the run exercised.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { RecordedExchange } from '../../../main/sandbox/exchange-recorder.ts';
import { MANAGEMENT_ROUTES } from '../../../main/sandbox/management-routes.ts';
import { ROOT } from '../processes.ts';
import { INTERNAL_OPERATIONS } from './internal-operations.ts';
import { createConformanceChecker } from './management-spec.ts';
import { compareRoutesWithSpec } from './sandbox-routes.ts';

/** Where the test run's sandboxes record their exchanges. */
export const EXCHANGES_DIR = path.join(ROOT, 'test-results', 'sandbox-exchanges');
const REPORT_DIR = path.join(ROOT, 'test-results', 'conformance');

function readExchanges(dir: string): RecordedExchange[] {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(path.join(dir, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RecordedExchange),
    );
}

const exchanges = readExchanges(EXCHANGES_DIR);
if (exchanges.length === 0) {
  process.stderr.write(
    `Conformance: no sandbox exchanges were recorded in ${EXCHANGES_DIR}. Run the integration and e2e tiers first (npm test does).\n`,
  );
  process.exit(1);
}

const checker = createConformanceChecker();
const coverage = new Map<
  string,
  { method: string; template: string; statuses: Map<number, number> }
>();
/** Per operation and query parameter: how often a request with it was answered 2xx, and 4xx. */
const parameterUse = new Map<string, Map<string, { answered: number; refused: number }>>();
const violations = new Map<string, { count: number; example: string; errors: string[] }>();
/** Exchanges with the internal routes the console calls (internal-operations.ts), by status. */
const internalCoverage = new Map<string, Map<number, number>>();
let globalErrors = 0;
let documentedErrors = 0;
for (const exchange of exchanges) {
  const verdict = checker.check(exchange);
  if (verdict.statusMatch === 'internal' && verdict.operationId !== null) {
    const statuses = internalCoverage.get(verdict.operationId) ?? new Map<number, number>();
    statuses.set(exchange.status, (statuses.get(exchange.status) ?? 0) + 1);
    internalCoverage.set(verdict.operationId, statuses);
  } else if (verdict.operationId !== null && verdict.template !== null) {
    const entry = coverage.get(verdict.operationId) ?? {
      method: exchange.method,
      template: verdict.template,
      statuses: new Map<number, number>(),
    };
    entry.statuses.set(exchange.status, (entry.statuses.get(exchange.status) ?? 0) + 1);
    coverage.set(verdict.operationId, entry);
    const uses =
      parameterUse.get(verdict.operationId) ??
      new Map<string, { answered: number; refused: number }>();
    for (const name of verdict.queryParameters) {
      const use = uses.get(name) ?? { answered: 0, refused: 0 };
      if (exchange.status < 300) {
        use.answered += 1;
      } else if (exchange.status >= 400 && exchange.status < 500) {
        use.refused += 1;
      }
      uses.set(name, use);
    }
    parameterUse.set(verdict.operationId, uses);
  }
  if (verdict.statusMatch === 'global-error') {
    globalErrors += 1;
  }
  if (verdict.statusMatch === 'documented-error') {
    documentedErrors += 1;
  }
  if (verdict.errors.length > 0) {
    const key = `${verdict.operationId ?? `${exchange.method} ${exchange.path}`} → HTTP ${String(exchange.status)}: ${verdict.errors[0] ?? ''}`;
    const seen = violations.get(key) ?? {
      count: 0,
      example: `${exchange.method} ${exchange.path}${exchange.query}`,
      errors: verdict.errors.slice(0, 5),
    };
    seen.count += 1;
    violations.set(key, seen);
  }
}

const rows = [...coverage.entries()].sort(([a], [b]) => a.localeCompare(b));
const operationsInSpec = checker.operations.length;

/**
 * Per operation of the sandbox's route registry: the query parameters management.yaml declares,
 * those the sandbox implements, those it refuses (declared, not implemented: the server answers
 * E0000001), and, of the implemented ones, which the run exercised (sent, and answered 2xx),
 * which it sent but never saw answered 2xx, and which it never sent. That an exercised parameter
 * is honoured, not just accepted, is what the unit tables (`list-query-parameters.test.ts`) and
 * the integration tests check; this shows where the run leaves an implemented one untried.
 */
const routeRows = compareRoutesWithSpec(MANAGEMENT_ROUTES, checker.operations);
const registryProblems = routeRows.flatMap((row) => row.problems);
const parameterRows = routeRows
  .map((row) => {
    const declared = row.operation?.queryParameters ?? [];
    const uses =
      parameterUse.get(row.operationId) ?? new Map<string, { answered: number; refused: number }>();
    const implemented = [...row.implemented];
    return {
      operationId: row.operationId,
      inSpec: row.operation !== undefined,
      declared,
      implemented,
      refused: declared.filter((name) => !implemented.includes(name)),
      exercised: implemented.filter((name) => (uses.get(name)?.answered ?? 0) > 0),
      sentNeverAnswered: implemented.filter(
        (name) => uses.has(name) && (uses.get(name)?.answered ?? 0) === 0,
      ),
      neverSent: implemented.filter((name) => !uses.has(name)),
    };
  })
  .sort((a, b) => a.operationId.localeCompare(b.operationId));
const parameterTotals = parameterRows.reduce(
  (totals, row) => ({
    operations: totals.operations + 1,
    declared: totals.declared + row.declared.length,
    implemented: totals.implemented + row.implemented.length,
    refused: totals.refused + row.refused.length,
    exercised: totals.exercised + row.exercised.length,
    sentNeverAnswered: totals.sentNeverAnswered + row.sentNeverAnswered.length,
    neverSent: totals.neverSent + row.neverSent.length,
  }),
  {
    operations: 0,
    declared: 0,
    implemented: 0,
    refused: 0,
    exercised: 0,
    sentNeverAnswered: 0,
    neverSent: 0,
  },
);
const list = (names: readonly string[]) => names.join(', ') || '—';
mkdirSync(REPORT_DIR, { recursive: true });
writeFileSync(
  path.join(REPORT_DIR, 'report.json'),
  `${JSON.stringify(
    {
      exchanges: exchanges.length,
      operationsExercised: rows.length,
      operationsInSpec,
      globalErrors,
      documentedErrors,
      operations: rows.map(([operationId, entry]) => ({
        operationId,
        method: entry.method,
        path: entry.template,
        statuses: Object.fromEntries(entry.statuses),
      })),
      parameters: { totals: parameterTotals, operations: parameterRows },
      internalOperations: INTERNAL_OPERATIONS.map((operation) => ({
        operationId: operation.operationId,
        method: operation.method,
        path: operation.template,
        source: operation.source,
        statuses: Object.fromEntries(internalCoverage.get(operation.operationId) ?? []),
      })),
      routeRegistryProblems: registryProblems,
      violations: [...violations.entries()].map(([summary, detail]) => ({ summary, ...detail })),
    },
    null,
    2,
  )}\n`,
);
const markdown = [
  '# Sandbox conformance to management.yaml',
  '',
  `${String(exchanges.length)} exchanges checked; ${String(rows.length)} of ${String(operationsInSpec)} operations exercised; ${String(violations.size)} kinds of violation.`,
  '',
  `${String(globalErrors)} responses were errors Okta sends on every route (401, 429, 5xx) and ${String(documentedErrors)} were errors okta-behaviours.md documents beyond the spec (query errors, duplicate group); both were checked against ModelError and Okta's error shape.`,
  '',
  '| operationId | method | path | statuses (count) |',
  '|---|---|---|---|',
  ...rows.map(
    ([operationId, entry]) =>
      `| ${operationId} | ${entry.method} | \`${entry.template}\` | ${[...entry.statuses.entries()].map(([status, count]) => `${String(status)} (${String(count)})`).join(', ')} |`,
  ),
  '',
  '## Routes outside management.yaml',
  '',
  "Okta routes the console calls that the spec does not have, because Okta's public API has no other way to do what they do. Their answers are checked against the shape of the source named (internal-operations.ts); their errors against Okta's error shape.",
  '',
  '| operationId | method | path | source | statuses (count) |',
  '|---|---|---|---|---|',
  ...INTERNAL_OPERATIONS.map(
    (operation) =>
      `| ${operation.operationId} | ${operation.method} | \`${operation.template}\` | ${operation.source} | ${[...(internalCoverage.get(operation.operationId) ?? new Map<number, number>()).entries()].map(([status, count]) => `${String(status)} (${String(count)})`).join(', ') || 'not exercised'} |`,
  ),
  '',
  '## Query parameters',
  '',
  `Every request's query parameters must be declared by its operation (an undeclared one is a violation above), and the sandbox answers only those its route implements, refusing the rest with E0000001. ${String(parameterTotals.operations)} operations in the sandbox's route registry: ${String(parameterTotals.declared)} query parameters declared, ${String(parameterTotals.implemented)} implemented, ${String(parameterTotals.refused)} refused; of the implemented, ${String(parameterTotals.exercised)} exercised (sent and answered 2xx), ${String(parameterTotals.sentNeverAnswered)} sent but never answered 2xx, ${String(parameterTotals.neverSent)} never sent.`,
  '',
  '| operationId | declared | implemented | refused by the sandbox | exercised | sent, never 2xx | never sent |',
  '|---|---|---|---|---|---|---|',
  ...parameterRows.map(
    (row) =>
      `| ${row.operationId}${row.inSpec ? '' : ' (outside management.yaml)'} | ${list(row.declared)} | ${list(row.implemented)} | ${list(row.refused)} | ${list(row.exercised)} | ${list(row.sentNeverAnswered)} | ${list(row.neverSent)} |`,
  ),
  '',
].join('\n');
writeFileSync(path.join(REPORT_DIR, 'report.md'), markdown);

process.stdout.write(
  `${markdown}\nReport: ${path.relative(ROOT, path.join(REPORT_DIR, 'report.md'))}\n`,
);
if (registryProblems.length > 0) {
  process.stderr.write(
    `\nThe sandbox's route registry (main/sandbox/management-routes.ts) disagrees with management.yaml:\n${registryProblems.map((problem) => `- ${problem}`).join('\n')}\n`,
  );
}
if (violations.size > 0) {
  process.stderr.write('\nResponses that break management.yaml:\n');
  for (const [summary, detail] of violations) {
    process.stderr.write(`- ${summary} (×${String(detail.count)}, e.g. ${detail.example})\n`);
    for (const error of detail.errors.slice(1)) {
      process.stderr.write(`    ${error}\n`);
    }
  }
  process.stderr.write(
    `${String(exchanges.length - [...violations.values()].reduce((sum, v) => sum + v.count, 0))} passed, ${String([...violations.values()].reduce((sum, v) => sum + v.count, 0))} failed\n`,
  );
  process.exit(1);
}
if (registryProblems.length > 0) {
  process.exit(1);
}
process.stdout.write(`${String(exchanges.length)} passed, 0 failed\n`);
