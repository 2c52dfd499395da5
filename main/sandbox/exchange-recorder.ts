import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** One management API exchange as the sandbox answered it. */
export interface RecordedExchange {
  method: string;
  /** The request path without the query. */
  path: string;
  query: string;
  status: number;
  contentType: string | undefined;
  /** The parsed JSON body, or `null` for an empty one. */
  body: unknown;
}

/** Fields whose values are secrets even in the sandbox: client secrets, activation and OAuth tokens. */
const SECRET_KEYS = new Set([
  'client_secret',
  'activationToken',
  'access_token',
  'id_token',
  'refresh_token',
  'apiToken',
]);

/**
 * The exchange as JSON with every secret masked by asterisks of the same length.
 *
 * @remarks
 * Recordings are test output, and secrets never reach test output, not even the sandbox's
 * throwaway ones. The mask keeps the string's length, so the spec's length rules (a client
 * secret has 14–100 characters) are still checked.
 */
export function serialiseExchange(exchange: RecordedExchange): string {
  return JSON.stringify(exchange, (key, value: unknown) =>
    typeof value === 'string' && SECRET_KEYS.has(key) ? '*'.repeat(value.length) : value,
  );
}

/** The environment variable that turns recording on for every sandbox a test run starts. */
export const RECORD_DIR_ENV = 'SSO_CONSOLE_SANDBOX_RECORD_DIR';

/**
 * Appends each exchange as one JSON line to `<dir>/<pid>-<port>.jsonl`.
 *
 * @remarks
 * The test suite sets {@link RECORD_DIR_ENV}, so sandboxes started in-process, by
 * `npm run sandbox` or inside the console all record the same way; the conformance step then
 * checks every line against management.yaml. Appends are synchronous so a sandbox killed
 * mid-test still leaves whole lines behind.
 */
export function createExchangeRecorder(
  dir: string,
  port: number,
): (exchange: RecordedExchange) => void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${String(process.pid)}-${String(port)}.jsonl`);
  return (exchange) => {
    appendFileSync(file, `${serialiseExchange(exchange)}\n`);
  };
}
