import { AppError, type AppErrorValue } from '../../shared/errors.ts';
import {
  type Channel,
  CHANNEL_NAMES,
  type ChannelResponse,
  CHANNELS,
  type ParsedChannelRequest,
} from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';
import type { Logger } from '../platform/logging/logger.ts';
import type { Redactor } from '../platform/logging/redact.ts';

/** A handler for one channel: gets the parsed request, answers with data or throws `AppError`. */
export type Handler<C extends Channel> = (
  request: Readonly<ParsedChannelRequest<C>>,
) => Promise<ChannelResponse<C>>;

/** One handler per contract channel; a missing one is a compile error. */
export type Handlers = { [C in Channel]: Handler<C> };

/** Calls the handler of a channel with an unparsed request and always answers with a `Result`. */
export type Dispatch = (channel: string, rawRequest: unknown) => Promise<Result<unknown>>;

/** The longest channel name (the contract's are under 30) shown of an unknown one. */
const SHOWN_CHANNEL_LENGTH = 64;

/** Text a caller chose the length of (a channel name, a Host header), as a log line or an answer
 * shows it: cut short, its length said. */
export function shortened(channel: string): string {
  return channel.length <= SHOWN_CHANNEL_LENGTH
    ? channel
    : `${channel.slice(0, SHOWN_CHANNEL_LENGTH)}… (${String(channel.length)} characters)`;
}

/**
 * The most JSON values (objects, arrays, strings, numbers…) a request may hold. The largest real
 * one, a setup naming a few thousand people, holds about two per person. Checking a bigger one
 * would cost zod seconds and gigabytes: 8 MB of `0,` in a document's array is four million
 * wrong items, each an issue with its path (and zod overflows its stack on a nested one).
 */
const MAX_REQUEST_VALUES = 50_000;
/** Issues a refusal names, each cut to a line: enough to find the fault, never an echo of it. */
const SHOWN_ISSUES = 5;
const SHOWN_ISSUE_LENGTH = 200;

/** Whether `value` holds at most `limit` values, counted without recursion (it may be deep). */
function holdsAtMost(value: unknown, limit: number): boolean {
  const pending: unknown[] = [value];
  let count = 0;
  while (pending.length > 0) {
    const next = pending.pop();
    count += 1;
    if (typeof next === 'object' && next !== null) {
      for (const member of Object.values(next)) {
        pending.push(member);
      }
    }
    if (count + pending.length > limit) {
      return false;
    }
  }
  return true;
}

/** The request as its channel's schema parses it, or what is wrong with it (a line or so). */
function checkRequest(
  schema: (typeof CHANNELS)[Channel]['request'],
  request: unknown,
): { faults: string } | { data: unknown } {
  if (!holdsAtMost(request, MAX_REQUEST_VALUES)) {
    return {
      faults: `it holds more than ${String(MAX_REQUEST_VALUES)} values; no request of the console's is that large.`,
    };
  }
  let parsed: ReturnType<typeof schema.safeParse>;
  try {
    parsed = schema.safeParse(request);
  } catch {
    // zod recurses with the request's shape; whatever it cannot check is refused, not a crash.
    return { faults: 'it is too large or too deeply nested to check.' };
  }
  if (parsed.success) {
    return { data: parsed.data };
  }
  const issues = parsed.error.issues;
  const shown = issues.slice(0, SHOWN_ISSUES).map((issue) => {
    const line = `${issue.path.join('.') || 'request'}: ${issue.message}`;
    return line.length <= SHOWN_ISSUE_LENGTH ? line : `${line.slice(0, SHOWN_ISSUE_LENGTH)}…`;
  });
  const more = issues.length - shown.length;
  return { faults: `${shown.join('; ')}${more > 0 ? `; and ${String(more)} more` : ''}` };
}

function invalidRequest(channel: string, detail: string): AppErrorValue {
  return {
    code: 'INVALID_REQUEST',
    message: `The request to "${channel}" was refused: ${detail}`,
    hint: 'This is a bug in the console’s window code; reload the window. Nothing was changed.',
  };
}

/**
 * Builds the one place where a request meets a handler, whatever the transport.
 *
 * @remarks
 * Electron IPC (`main/ipc/router.ts`) and browser mode's HTTP (`main/browser/`) both call this,
 * so request validation and error shaping cannot differ between them. Handlers throw
 * `AppError`s; anything else is logged (described, never with an SDK's message) and answered as
 * `INTERNAL`, because a thrown error would lose its code crossing IPC and might carry a secret in
 * its message. Every secret a request carries under a secret name (the API token being
 * connected) is remembered by the logger's redactor before the handler runs, so no later log line or
 * error can show it. Fails at start if a contract channel has no handler.
 */
export function createDispatcher(handlers: Handlers, logger: Logger): Dispatch {
  const redactor = logger.redactor;
  const missing = CHANNEL_NAMES.filter((channel) => typeof handlers[channel] !== 'function');
  if (missing.length > 0) {
    throw new Error(`No handler for contract channel(s): ${missing.join(', ')}`);
  }
  return async (channel, rawRequest) => {
    if (!Object.hasOwn(CHANNELS, channel)) {
      // Whatever the caller sent, at most a line of it goes to the log and back.
      const shown = shortened(channel);
      logger.log('warn', 'Refused a call to an unknown channel', { channel: shown });
      return { ok: false, error: invalidRequest(shown, 'no such channel.') };
    }
    const name = channel as Channel;
    const checked = checkRequest(CHANNELS[name].request, rawRequest ?? {});
    if ('faults' in checked) {
      logger.log('warn', 'Refused a request that does not match the contract', {
        channel,
        detail: checked.faults,
      });
      return { ok: false, error: invalidRequest(channel, checked.faults) };
    }
    rememberSecretsIn(checked.data, redactor);
    try {
      const handler = handlers[name] as (request: unknown) => Promise<unknown>;
      return { ok: true, data: await handler(checked.data) };
    } catch (error) {
      if (error instanceof AppError) {
        logger.log('info', 'A call failed', { channel, errorCode: error.code });
        const value = error.toValue();
        return {
          ok: false,
          error: {
            ...value,
            // A message may quote the config line to write (`client-secret: "${VAR}"`): the
            // reference stays, any secret goes.
            message: redactor.text(value.message, { keepReferences: true }),
            hint: redactor.text(value.hint, { keepReferences: true }),
          },
        };
      }
      logger.log('error', 'A handler threw unexpectedly', {
        channel,
        error: redactor.error(error),
      });
      return {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: `Something went wrong in the console while handling "${channel}".`,
          hint: 'Try again. If it persists, report it with the console log.',
        },
      };
    }
  };
}

/**
 * The request members that carry a secret from the renderer to main. Only these are remembered:
 * other members under a secret-like name hold labels (`setup:reveal-secret`'s
 * `secret: 'client-secret'`), and a label remembered as a secret would be cut out of every later
 * message. A unit test walks the contract and fails when a new secret-named member is neither
 * listed here nor a literal or enum.
 */
export const REQUEST_SECRET_MEMBERS: ReadonlySet<string> = new Set(['apiToken']);

/** Remembers every string under a {@link REQUEST_SECRET_MEMBERS} name, at any depth. */
function rememberSecretsIn(value: unknown, redactor: Redactor, depth = 0): void {
  if (typeof value !== 'object' || value === null || depth > 8) {
    return;
  }
  for (const [name, member] of Object.entries(value)) {
    if (typeof member === 'string' && REQUEST_SECRET_MEMBERS.has(name)) {
      redactor.remember(member);
    } else {
      rememberSecretsIn(member, redactor, depth + 1);
    }
  }
}
