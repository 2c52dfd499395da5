import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { type ElectronModules, startDesktopApp } from '../../../main/desktop-app.ts';
import type { NavigationEvent } from '../../../main/windows/harden-web-contents.ts';
import { createWebPreferences } from '../../../main/windows/web-preferences.ts';
import { CHANNEL_NAMES } from '../../../shared/ipc/contract.ts';
import { InMemorySecretStore } from '../../support/in-memory-secret-store.ts';

/** Electron's modules as plain fakes that record what the wiring did, in order. */
function fakeElectron() {
  const calls: string[] = [];
  const appListeners = new Map<string, (...args: unknown[]) => void>();
  const handled = new Map<string, unknown>();
  const windows: { options: { webPreferences?: unknown }; url: string }[] = [];
  let permissionRequest: ((...args: unknown[]) => void) | undefined;
  let permissionCheck: ((...args: unknown[]) => boolean) | undefined;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'desktop-app-'));

  class FakeBrowserWindow {
    webContents = { id: 41, once: vi.fn(), send: vi.fn() };
    record: { options: { webPreferences?: unknown }; url: string };
    constructor(options: { webPreferences?: unknown }) {
      calls.push('new BrowserWindow');
      this.record = { options, url: '' };
      windows.push(this.record);
    }
    once = vi.fn();
    on = vi.fn();
    show = vi.fn();
    loadURL(url: string) {
      this.record.url = url;
      return Promise.resolve();
    }
  }

  const electron = {
    app: {
      enableSandbox: () => calls.push('enableSandbox'),
      getPath: () => dataDir,
      getVersion: () => '0.0.0-test',
      whenReady: () => ready,
      quit: vi.fn(),
      on: (event: string, listener: (...args: unknown[]) => void) => {
        calls.push(`app.on ${event}`);
        appListeners.set(event, listener);
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) =>
        calls.push(`registerSchemes ${JSON.stringify(schemes)}`),
      handle: (scheme: string) => calls.push(`protocol.handle ${scheme}`),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: (...args: unknown[]) => void) => {
          permissionRequest = handler;
        },
        setPermissionCheckHandler: (handler: (...args: unknown[]) => boolean) => {
          permissionCheck = handler;
        },
      },
    },
    shell: { openExternal: vi.fn().mockResolvedValue(undefined) },
    ipcMain: { handle: (channel: string, listener: unknown) => handled.set(channel, listener) },
    BrowserWindow: FakeBrowserWindow,
  } as unknown as ElectronModules;

  return {
    electron,
    calls,
    appListeners,
    handled,
    windows,
    resolveReady,
    permissionRequest: () => permissionRequest,
    permissionCheck: () => permissionCheck,
  };
}

function started() {
  const fake = fakeElectron();
  const done = startDesktopApp(fake.electron, {
    secrets: new InMemorySecretStore(),
    bundleDir: '/app/out',
    logLine: () => undefined,
  });
  return { fake, done };
}

describe('startDesktopApp', () => {
  it('sandboxes renderers, registers the app scheme and hooks every WebContents before ready', () => {
    const { fake } = started();
    expect(fake.calls.slice(0, 3)).toEqual([
      'enableSandbox',
      'registerSchemes [{"scheme":"app","privileges":{"standard":true,"secure":true}}]',
      'app.on web-contents-created',
    ]);
    expect(fake.calls).not.toContain('new BrowserWindow');
  });

  it('hardens every WebContents that is created', () => {
    const { fake } = started();
    const listeners = new Map<string, (event: NavigationEvent) => void>();
    let openHandler: ((details: { url: string }) => unknown) | undefined;
    fake.appListeners.get('web-contents-created')?.(
      {},
      {
        on: (name: string, listener: (event: NavigationEvent) => void) =>
          listeners.set(name, listener),
        setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => {
          openHandler = handler;
        },
      },
    );
    expect([...listeners.keys()].sort()).toEqual(
      ['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect'].sort(),
    );
    const preventDefault = vi.fn();
    listeners.get('will-navigate')?.({ url: 'https://evil.example/', preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(fake.electron.shell.openExternal).not.toHaveBeenCalled();
    expect(openHandler?.({ url: 'https://developer.okta.com/docs/' })).toEqual({ action: 'deny' });
    expect(fake.electron.shell.openExternal).toHaveBeenCalledWith(
      'https://developer.okta.com/docs/',
    );
  });

  it('once ready: serves app://, denies every permission, routes every channel, opens one hardened window', async () => {
    const { fake, done } = started();
    fake.resolveReady();
    await done;
    expect(fake.calls).toContain('protocol.handle app');
    const callback = vi.fn();
    fake.permissionRequest()?.({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.permissionCheck()?.({}, 'notifications', 'app://console')).toBe(false);
    expect([...fake.handled.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]?.options.webPreferences).toStrictEqual(
      createWebPreferences('/app/out/preload/preload.cjs'),
    );
    expect(fake.windows[0]?.url).toBe('app://console/index.html');
  });

  it('refuses IPC from anything but the window it created', async () => {
    const { fake, done } = started();
    fake.resolveReady();
    await done;
    const handler = fake.handled.get('profiles:list') as (
      event: unknown,
      request: unknown,
    ) => Promise<unknown>;
    const frame = { url: 'app://console/index.html', parent: null };
    expect(await handler({ sender: { id: 99 }, senderFrame: frame }, {})).toMatchObject({
      ok: false,
      error: { code: 'UNTRUSTED_SENDER' },
    });
    expect(await handler({ sender: { id: 41 }, senderFrame: frame }, {})).toMatchObject({
      ok: true,
    });
  });
});
