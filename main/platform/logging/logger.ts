import { createRedactor, type Redactor } from './redact.ts';

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The console's logger: structured lines, always redacted.
 *
 * @remarks
 * Services take a `Logger` instead of calling `console`, so tests can capture lines and so every
 * line passes through the process's {@link Redactor} on its way out — there is no unredacted
 * path. The message and every field are redacted as values (members under secret names go
 * whole, strings are scanned, thrown errors are described without an SDK's message) before the
 * line is serialised, so the line stays valid JSON.
 */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
  /** The redactor every line passes through; whoever learns a secret tells it here. */
  readonly redactor: Redactor;
}

/** Builds a {@link Logger} that writes one redacted JSON line per entry to `write`. */
export function createLogger(options: {
  write: (line: string) => void;
  clock?: () => Date;
  minLevel?: LogLevel;
  /** The process's redactor, which knows its secrets; a fresh one knows only the shapes. */
  redactor?: Redactor;
}): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const minIndex = order.indexOf(options.minLevel ?? 'info');
  const clock = options.clock ?? (() => new Date());
  const redactor = options.redactor ?? createRedactor();
  return {
    redactor,
    log(level, message, fields) {
      if (order.indexOf(level) < minIndex) {
        return;
      }
      const entry = redactor.value({ message, ...fields }) as Record<string, unknown>;
      options.write(JSON.stringify({ time: clock().toISOString(), level, ...entry }));
    },
  };
}

/** A logger that drops everything, for callers that have nothing to say to. */
export const SILENT_LOGGER: Logger = { log: () => undefined, redactor: createRedactor() };
