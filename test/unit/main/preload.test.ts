import { beforeAll, describe, expect, it, vi } from 'vitest';

import { BRIDGE_GLOBAL_NAME } from '../../../shared/ipc/bridge.ts';
import { CHANNEL_NAMES, EVENT_IPC_CHANNEL } from '../../../shared/ipc/contract.ts';

/**
 * The preload itself, run against a recording `electron` (the runtime cannot run here, and what
 * is under test is what the preload hands to `contextBridge`, not Electron). Electron checklist
 * #20: the page gets the contract's bridge and nothing else — never `ipcRenderer`, never one of
 * its methods, never the IPC event whose `sender` is `ipcRenderer`.
 */
const electron = vi.hoisted(() => {
  const ipcRenderer = {
    invoke: vi.fn((channel: string, request: unknown) =>
      Promise.resolve({ ok: true, data: { channel, request } }),
    ),
    on: vi.fn(),
    send: vi.fn(),
    sendSync: vi.fn(),
    postMessage: vi.fn(),
  };
  const exposed: { name: string; api: unknown }[] = [];
  const contextBridge = {
    exposeInMainWorld: vi.fn((name: string, api: unknown) => {
      exposed.push({ name, api });
    }),
    exposeInIsolatedWorld: vi.fn(),
  };
  return { ipcRenderer, contextBridge, exposed };
});

vi.mock('electron', () => ({
  contextBridge: electron.contextBridge,
  ipcRenderer: electron.ipcRenderer,
  default: { contextBridge: electron.contextBridge, ipcRenderer: electron.ipcRenderer },
}));

/** Every value reachable from `root` (own properties, functions included), each once. */
function reachable(root: unknown): Set<unknown> {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) {
      return;
    }
    if (seen.has(value)) {
      return;
    }
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      visit(descriptor?.value);
    }
  };
  visit(root);
  return seen;
}

type Bridge = Record<string, unknown> & {
  on: (event: string, listener: (...args: unknown[]) => void) => () => void;
};

let bridge: Bridge;
/** What the preload subscribed with, captured at load (mock calls are cleared between tests). */
let subscriptions: unknown[][];

beforeAll(async () => {
  await import('../../../main/preload.ts');
  bridge = electron.exposed[0]?.api as Bridge;
  subscriptions = [...electron.ipcRenderer.on.mock.calls];
});

describe('main/preload.ts (Electron checklist #20)', () => {
  it('exposes one object, under the bridge’s name, in the main world only', () => {
    expect(electron.exposed.map((entry) => entry.name)).toEqual([BRIDGE_GLOBAL_NAME]);
    expect(electron.contextBridge.exposeInIsolatedWorld).not.toHaveBeenCalled();
  });

  it('gives the page exactly the contract’s channels plus on', () => {
    expect(Object.keys(bridge).sort()).toEqual([...CHANNEL_NAMES, 'on'].sort());
  });

  it('lets neither ipcRenderer nor any of its methods reach the page', () => {
    const inPage = reachable(bridge);
    expect(inPage.has(electron.ipcRenderer)).toBe(false);
    for (const method of Object.values(electron.ipcRenderer)) {
      expect(inPage.has(method)).toBe(false);
    }
  });

  it('sends each channel’s request through invoke on that channel, and nothing else', async () => {
    const request = { profileId: 'p1' };
    const answer = await (bridge['profiles:switch'] as (request: unknown) => Promise<unknown>)(
      request,
    );
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith('profiles:switch', request);
    expect(answer).toEqual({ ok: true, data: { channel: 'profiles:switch', request } });
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.sendSync).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.postMessage).not.toHaveBeenCalled();
  });

  it('listens on the one event channel and hands a listener the payload only, never the IPC event', () => {
    expect(subscriptions).toHaveLength(1);
    const [channel, handler] = subscriptions[0] as [
      string,
      (event: unknown, envelope: unknown) => void,
    ];
    expect(channel).toBe(EVENT_IPC_CHANNEL);

    const listener = vi.fn();
    bridge.on('profiles:verify-progress', listener);
    const ipcEvent = { sender: electron.ipcRenderer, senderFrame: {}, ports: [] };
    const payload = { orgUrl: 'https://a.okta.com', step: 'reach-org', state: 'running' };
    handler(ipcEvent, { event: 'profiles:verify-progress', payload });

    expect(listener).toHaveBeenCalledExactlyOnceWith(payload);
    const handedOver = reachable(listener.mock.calls);
    expect(handedOver.has(ipcEvent)).toBe(false);
    expect(handedOver.has(electron.ipcRenderer)).toBe(false);
  });
});
