import { describe, expect, it, vi } from 'vitest';

import { type IpcMainLike, registerIpcHandlers } from '../../../../main/ipc/router.ts';
import { SILENT_LOGGER } from '../../../../main/platform/logging/logger.ts';
import { CHANNEL_NAMES } from '../../../../shared/ipc/contract.ts';

function fakeIpcMain() {
  const registered = new Map<string, (event: unknown, request: unknown) => unknown>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      registered.set(channel, listener as (event: unknown, request: unknown) => unknown);
    },
  };
  return { ipcMain, registered };
}

const trusted = {
  sender: { id: 1 },
  senderFrame: { url: 'app://console/index.html', parent: null },
};

describe('registerIpcHandlers', () => {
  it('registers exactly the contract channels', () => {
    const { ipcMain, registered } = fakeIpcMain();
    registerIpcHandlers({
      ipcMain,
      dispatch: vi.fn(),
      trustedWebContentsIds: new Set([1]),
      appOrigin: 'app://console',
      logger: SILENT_LOGGER,
    });
    expect([...registered.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('dispatches calls from the trusted top frame', async () => {
    const { ipcMain, registered } = fakeIpcMain();
    const dispatch = vi
      .fn()
      .mockResolvedValue({ ok: true, data: { profiles: [], activeProfileId: null } });
    registerIpcHandlers({
      ipcMain,
      dispatch,
      trustedWebContentsIds: new Set([1]),
      appOrigin: 'app://console',
      logger: SILENT_LOGGER,
    });
    await registered.get('profiles:list')?.(trusted, {});
    expect(dispatch).toHaveBeenCalledWith('profiles:list', {});
  });

  it.each([
    ['an iframe', { ...trusted, senderFrame: { url: 'app://console/x', parent: {} } }],
    ['another window', { ...trusted, sender: { id: 2 } }],
    [
      'a page that navigated away',
      { ...trusted, senderFrame: { url: 'https://evil.example/', parent: null } },
    ],
  ])('refuses %s with UNTRUSTED_SENDER and never dispatches', async (_name, event) => {
    const { ipcMain, registered } = fakeIpcMain();
    const dispatch = vi.fn();
    registerIpcHandlers({
      ipcMain,
      dispatch,
      trustedWebContentsIds: new Set([1]),
      appOrigin: 'app://console',
      logger: SILENT_LOGGER,
    });
    for (const channel of CHANNEL_NAMES) {
      expect(await registered.get(channel)?.(event, {})).toMatchObject({
        ok: false,
        error: { code: 'UNTRUSTED_SENDER' },
      });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });
});
