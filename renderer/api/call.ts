import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import {
  type Channel,
  type ChannelRequest,
  type ChannelResponse,
  channelResultSchema,
  type EventName,
  type EventPayload,
  EVENTS,
} from '../../shared/ipc/contract.ts';
import type { Result } from '../../shared/ipc/result.ts';

/**
 * Calls a contract channel and checks the answer against the contract before anyone uses it.
 *
 * @remarks
 * The renderer trusts nothing it did not validate: a response that does not match the schema
 * becomes an `INVALID_RESPONSE` failure value, and a transport failure a `INTERNAL` one, so
 * callers handle exactly one shape.
 */
export async function call<C extends Channel>(
  api: BridgeApi,
  channel: C,
  request: ChannelRequest<C>,
): Promise<Result<ChannelResponse<C>>> {
  let raw: unknown;
  try {
    raw = await (api[channel] as (request: ChannelRequest<C>) => Promise<unknown>)(request);
  } catch {
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: 'The console’s background process did not answer.',
        hint: 'If the console was stopped, start it again; otherwise reload the window.',
      },
    };
  }
  const parsed = channelResultSchema(channel).safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'INVALID_RESPONSE',
        message: `The answer to "${channel}" does not match the contract.`,
        hint: 'The window and the background process may be from different versions: restart the console.',
      },
    };
  }
  return parsed.data as Result<ChannelResponse<C>>;
}

/**
 * Subscribes to a contract event, passing on only payloads that match the event's schema.
 *
 * @remarks
 * Events are part of the contract like answers are, so they are checked the same way; a payload
 * that does not match is dropped rather than trusted. Returns the unsubscribe function.
 */
export function subscribe<E extends EventName>(
  api: BridgeApi,
  event: E,
  listener: (payload: EventPayload<E>) => void,
): () => void {
  return api.on(event, (payload: unknown) => {
    const parsed = EVENTS[event].safeParse(payload);
    if (parsed.success) {
      // The schema is EVENTS[event]'s, so its data is this event's payload; TypeScript cannot
      // narrow a union of schemas by a generic key.
      listener(parsed.data as EventPayload<E>);
    }
  });
}
