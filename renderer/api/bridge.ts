import { BRIDGE_GLOBAL_NAME, type BridgeApi } from '../../shared/ipc/bridge.ts';
import { createHttpBridge } from './http-bridge.ts';

/**
 * The bridge to main: the preload's in Electron, loopback HTTP in browser mode.
 *
 * @remarks
 * The only module that touches the global bridge; everything else receives a `BridgeApi`, so
 * tests pass a fake one.
 */
export function getBridge(): BridgeApi {
  const exposed = (globalThis as Record<string, unknown>)[BRIDGE_GLOBAL_NAME];
  return exposed === undefined ? createHttpBridge() : (exposed as BridgeApi);
}
