import { vi } from 'vitest';

import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import {
  type Channel,
  CHANNEL_NAMES,
  type EventName,
  type EventPayload,
} from '../../shared/ipc/contract.ts';

/** A `BridgeApi` whose answers a renderer test scripts, with a way to push events. */
export function createFakeBridge(answers: Partial<Record<Channel, (request: unknown) => unknown>>) {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: { channel: Channel; request: unknown }[] = [];
  const methods = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [
      channel,
      vi.fn((request: unknown) => {
        calls.push({ channel, request });
        const answer = answers[channel];
        return Promise.resolve(
          answer === undefined
            ? { ok: false, error: { code: 'INTERNAL', message: 'unscripted', hint: '-' } }
            : answer(request),
        );
      }),
    ]),
  );
  const api = {
    ...methods,
    on: (event: EventName, listener: (payload: never) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  } as unknown as BridgeApi;
  return {
    api,
    calls,
    emit<E extends EventName>(event: E, payload: EventPayload<E>) {
      for (const listener of listeners.get(event) ?? []) {
        listener(payload);
      }
    },
  };
}
