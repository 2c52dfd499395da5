import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';

import { APP_ENTRY_URL } from './app-protocol.ts';
import { createWebPreferences } from './web-preferences.ts';

/**
 * Creates the console's one window, with hardened preferences, sized for 1280×800 screens.
 *
 * @remarks
 * The window's `webContents.id` is added to the trusted set the IPC router checks, and removed
 * when the window's contents are destroyed, so a recycled id can never inherit trust.
 */
export function createMainWindow(options: {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  preloadPath: string;
  trustedWebContentsIds: Set<number>;
}): BrowserWindow {
  const window = new options.BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'SSO Setup Console',
    webPreferences: createWebPreferences(options.preloadPath),
  });
  const id = window.webContents.id;
  options.trustedWebContentsIds.add(id);
  window.webContents.once('destroyed', () => {
    options.trustedWebContentsIds.delete(id);
  });
  window.once('ready-to-show', () => {
    window.show();
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
