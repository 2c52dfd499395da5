import { redactSecrets } from './redact.ts';

/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * The console's logger: structured lines, always redacted.
 *
 * @remarks
 * Services take a `Logger` instead of calling `console`, so tests can capture lines and so every
 * line passes through {@link redactSecrets} on its way out — there is no unredacted path.
 */
export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** Builds a {@link Logger} that writes one redacted JSON line per entry to `write`. */
export function createLogger(options: {
  write: (line: string) => void;
  clock?: () => Date;
  minLevel?: LogLevel;
}): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const minIndex = order.indexOf(options.minLevel ?? 'info');
  const clock = options.clock ?? (() => new Date());
  return {
    log(level, message, fields) {
      if (order.indexOf(level) < minIndex) {
        return;
      }
      const line = JSON.stringify({ time: clock().toISOString(), level, message, ...fields });
      options.write(redactSecrets(line));
    },
  };
}

/** A logger that drops everything, for callers that have nothing to say to. */
export const SILENT_LOGGER: Logger = { log: () => undefined };
