import path from 'node:path';

import { app, protocol, session } from 'electron';

import { EVENT_IPC_CHANNEL } from '../shared/ipc/contract.ts';
import { KeytarSecretStore } from './adapters/keytar-secret-store.ts';
import { openExternalSafe } from './adapters/open-external.ts';
import { composeConsole } from './compose.ts';
import { registerElectronIpc } from './ipc/electron-ipc.ts';
import { openLogFile } from './services/logging/log-file.ts';
import { createLogger } from './services/logging/logger.ts';
import { APP_ORIGIN, APP_SCHEME, createAppProtocolHandler } from './windows/app-protocol.ts';
import { hardenWebContents } from './windows/harden-web-contents.ts';
import { createMainWindow } from './windows/main-window.ts';
import { DOCUMENTATION_ORIGINS } from './windows/navigation-policy.ts';
import { createPermissionHandlers } from './windows/permissions.ts';

// Electron checklist #4: every renderer sandboxed, before any window exists.
app.enableSandbox();
// Electron checklist #18: a standard, secure custom scheme instead of file://.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
]);

const dataDir = app.getPath('userData');
const logFile = openLogFile(dataDir);
const logger = createLogger({
  write: (line) => {
    logFile.write(line);
    process.stderr.write(`${line}\n`);
  },
});
/** The console's open windows, for pushing events to them. */
const BrowserWindowRegistry = (() => {
  const open = new Set<Electron.BrowserWindow>();
  return {
    add(window: Electron.BrowserWindow) {
      open.add(window);
      window.on('closed', () => open.delete(window));
    },
    windows: () => [...open],
  };
})();

const trustedWebContentsIds = new Set<number>();
let connectedOrigins: string[] = [];

// Electron checklist #12–#14: every WebContents, including ones created later.
app.on('web-contents-created', (_event, contents) => {
  hardenWebContents(contents, {
    appOrigin: APP_ORIGIN,
    openExternal: (url) => {
      openExternalSafe(url, () => [...DOCUMENTATION_ORIGINS, ...connectedOrigins], logger);
    },
    logger,
  });
});

app.on('window-all-closed', () => {
  app.quit();
});

void app.whenReady().then(async () => {
  logger.log('info', 'Starting SSO Setup Console', {
    electron: process.versions.electron,
    chrome: process.versions.chrome,
  });
  const here = import.meta.dirname;
  protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(here, '../renderer')));
  // Electron checklist #5: both handlers, deny-all.
  const permissions = createPermissionHandlers((permission) => {
    logger.log('warn', 'Denied a permission request', { permission });
  });
  session.defaultSession.setPermissionRequestHandler(permissions.request);
  session.defaultSession.setPermissionCheckHandler(permissions.check);

  const core = composeConsole({
    mode: 'electron',
    version: app.getVersion(),
    dataDir,
    secrets: new KeytarSecretStore(),
    logger,
    emit: (event, payload) => {
      for (const window of BrowserWindowRegistry.windows()) {
        window.webContents.send(EVENT_IPC_CHANNEL, { event, payload });
      }
    },
  });
  const refreshConnectedOrigins = async () => {
    const { profiles } = await core.profiles.list();
    connectedOrigins = profiles
      .map((profile) => profile.orgUrl)
      .filter((url) => url.startsWith('https:'));
  };
  await refreshConnectedOrigins();
  registerElectronIpc({
    dispatch: async (channel, request) => {
      const result = await core.dispatch(channel, request);
      if (channel.startsWith('profiles:')) {
        await refreshConnectedOrigins();
      }
      return result;
    },
    trustedWebContentsIds,
    appOrigin: APP_ORIGIN,
    logger,
  });
  BrowserWindowRegistry.add(
    createMainWindow({
      preloadPath: path.join(here, '../preload/preload.cjs'),
      trustedWebContentsIds,
    }),
  );
  app.on('before-quit', () => {
    void core.stop();
    logFile.close();
  });
});
