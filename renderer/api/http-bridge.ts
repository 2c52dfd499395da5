import type { BridgeApi } from '../../shared/ipc/bridge.ts';
import { CHANNEL_NAMES, type EventName } from '../../shared/ipc/contract.ts';
import { createListenerRegistry } from '../../shared/ipc/listener-registry.ts';

/**
 * The bridge over browser mode's loopback HTTP: the same shape as the Electron preload's.
 *
 * @remarks
 * Calls are same-origin `POST api/call/<channel>` with JSON, relative to the page, which browser
 * mode serves under `/s/<per-launch token>/`: the path authenticates them. Events arrive over one
 * `EventSource`.
 */
export function createHttpBridge(fetchImpl: typeof fetch = fetch.bind(globalThis)): BridgeApi {
  const listeners = createListenerRegistry();
  let source: EventSource | undefined;

  function ensureEventSource(): void {
    if (source !== undefined || typeof EventSource === 'undefined') {
      return;
    }
    // Relative: the page lives under /s/<token>/, and so must every request it makes.
    source = new EventSource('api/events');
    source.onmessage = (message: MessageEvent<string>) => {
      const envelope = JSON.parse(message.data) as { event: string; payload: unknown };
      listeners.dispatch(envelope.event, envelope.payload);
    };
  }

  const methods = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [
      channel,
      async (request: unknown) => {
        const response = await fetchImpl(`api/call/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(request),
        });
        if (!response.ok) {
          throw new Error(`HTTP ${String(response.status)}`);
        }
        return (await response.json()) as unknown;
      },
    ]),
  );
  const on = (event: EventName, listener: (payload: never) => void) => {
    ensureEventSource();
    return listeners.add(event, listener as (payload: unknown) => void);
  };
  return Object.freeze({ ...methods, on }) as unknown as BridgeApi;
}
