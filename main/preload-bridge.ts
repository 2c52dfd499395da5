import type { BridgeApi } from '../shared/ipc/bridge.ts';
import type { EventEnvelope } from '../shared/ipc/contract.ts';
import { CHANNEL_NAMES, EVENT_NAMES, type EventName } from '../shared/ipc/contract.ts';
import { createListenerRegistry } from '../shared/ipc/listener-registry.ts';
import type { Result } from '../shared/ipc/result.ts';

/**
 * Builds the bridge object from the contract and two transport functions.
 *
 * @remarks
 * Electron checklist #20. Kept free of `electron` so a unit test can check it exposes exactly the
 * contract's channels plus `on`, and that listeners get the payload only — never the IPC event,
 * whose `sender` would hand the page `ipcRenderer`. Unknown event names are ignored.
 */
export function buildBridge(
  invoke: (channel: string, request: unknown) => Promise<unknown>,
  subscribe: (listener: (envelope: EventEnvelope) => void) => void,
): BridgeApi {
  const listeners = createListenerRegistry();
  subscribe((envelope) => {
    listeners.dispatch(envelope.event, envelope.payload);
  });
  const methods = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [
      channel,
      (request: unknown) => invoke(channel, request) as Promise<Result<unknown>>,
    ]),
  );
  const on = (event: EventName, listener: (payload: never) => void) => {
    if (!EVENT_NAMES.includes(event)) {
      return () => undefined;
    }
    return listeners.add(event, listener as (payload: unknown) => void);
  };
  return Object.freeze({ ...methods, on }) as unknown as BridgeApi;
}
