import { contextBridge, ipcRenderer } from 'electron';

import { BRIDGE_GLOBAL_NAME } from '../shared/ipc/bridge.ts';
import { EVENT_IPC_CHANNEL, type EventEnvelope } from '../shared/ipc/contract.ts';
import { buildBridge } from './preload-bridge.ts';

// Electron checklist #20: only the contract's functions cross into the page; `ipcRenderer`
// itself, and the IPC event, never do. Bundled to one CJS file because a sandboxed preload
// cannot `require` local files.
contextBridge.exposeInMainWorld(
  BRIDGE_GLOBAL_NAME,
  buildBridge(
    (channel, request) => ipcRenderer.invoke(channel, request),
    (listener) => {
      ipcRenderer.on(EVENT_IPC_CHANNEL, (_event, envelope: EventEnvelope) => {
        listener(envelope);
      });
    },
  ),
);
