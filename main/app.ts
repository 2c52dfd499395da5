import path from 'node:path';

import { app, BrowserWindow, dialog, protocol, session, shell } from 'electron';

import { startDesktopApp } from './desktop-app.ts';
import { electronIpcMain } from './ipc/electron-ipc.ts';
import { KeytarSecretStore } from './platform/secrets/keytar-secret-store.ts';

// The Electron entry: hands the real modules to the wiring, which is unit-tested with fakes.
void startDesktopApp(
  { app, BrowserWindow, dialog, protocol, session, shell, ipcMain: electronIpcMain },
  { secrets: new KeytarSecretStore(), bundleDir: path.resolve(import.meta.dirname, '..') },
);
