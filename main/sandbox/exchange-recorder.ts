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
    appendFileSync(file, `${JSON.stringify(exchange)}\n`);
  };
}
