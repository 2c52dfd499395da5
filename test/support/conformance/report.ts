/**
 * Checks every management exchange the sandbox recorded during the test run against
 * management.yaml, and writes the coverage report: `node test/support/conformance/report.ts`.
 *
 * @remarks
 * Runs after the integration and end-to-end tiers (`npm run test:conformance`). Fails when any
 * exchange breaks the spec, and when nothing was recorded at all, so it cannot pass vacuously.
 * The report lists each operation exercised with its statuses and counts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { RecordedExchange } from '../../../main/sandbox/exchange-recorder.ts';
import { ROOT } from '../processes.ts';
import { createConformanceChecker } from './management-spec.ts';

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
let globalErrors = 0;
let documentedErrors = 0;
for (const exchange of exchanges) {
  const verdict = checker.check(exchange);
  if (verdict.operationId !== null && verdict.template !== null) {
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
 * Per operation exercised: each query parameter management.yaml declares, as the run met it —
 * answered (some request with it got a 2xx), only refused (every request with it got a 4xx), or
 * never sent. A declared parameter the sandbox silently ignored would show as answered; the
 * integration tables (`list-queries.test.ts`, the users list tests) are what tell it is honoured.
 */
const parameterRows = rows.map(([operationId]) => {
  const declared =
    checker.operations.find((operation) => operation.operationId === operationId)
      ?.queryParameters ?? [];
  const uses =
    parameterUse.get(operationId) ?? new Map<string, { answered: number; refused: number }>();
  const answered = declared.filter((name) => (uses.get(name)?.answered ?? 0) > 0);
  const refused = declared.filter(
    (name) => (uses.get(name)?.answered ?? 0) === 0 && (uses.get(name)?.refused ?? 0) > 0,
  );
  const unexercised = declared.filter((name) => !uses.has(name));
  return { operationId, declared, answered, refused, unexercised };
});
const parameterTotals = parameterRows.reduce(
  (totals, row) => ({
    declared: totals.declared + row.declared.length,
    answered: totals.answered + row.answered.length,
    refused: totals.refused + row.refused.length,
    unexercised: totals.unexercised + row.unexercised.length,
  }),
  { declared: 0, answered: 0, refused: 0, unexercised: 0 },
);
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
  '## Query parameters',
  '',
  `Every request's query parameters must be declared by its operation (an undeclared one is a violation above). Of the ${String(parameterTotals.declared)} parameters the exercised operations declare, ${String(parameterTotals.answered)} were sent and answered, ${String(parameterTotals.refused)} only refused (4xx), ${String(parameterTotals.unexercised)} never sent.`,
  '',
  '| operationId | declared | answered | only refused | never sent |',
  '|---|---|---|---|---|',
  ...parameterRows.map(
    (row) =>
      `| ${row.operationId} | ${row.declared.join(', ') || '—'} | ${row.answered.join(', ') || '—'} | ${row.refused.join(', ') || '—'} | ${row.unexercised.join(', ') || '—'} |`,
  ),
  '',
].join('\n');
writeFileSync(path.join(REPORT_DIR, 'report.md'), markdown);

process.stdout.write(
  `${markdown}\nReport: ${path.relative(ROOT, path.join(REPORT_DIR, 'report.md'))}\n`,
);
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
process.stdout.write(`${String(exchanges.length)} passed, 0 failed\n`);
