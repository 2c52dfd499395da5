import { randomUUID } from 'node:crypto';
import path from 'node:path';

import type {
  App,
  BrowserWindow,
  BrowserWindowConstructorOptions,
  Dialog,
  Protocol,
  Session,
  Shell,
} from 'electron';

import { EVENT_IPC_CHANNEL } from '../shared/ipc/contract.ts';
import { composeConsole } from './composition/compose.ts';
import { type IpcMainLike, registerIpcHandlers } from './ipc/router.ts';
import { openLogFile } from './platform/logging/log-file.ts';
import { createLogger } from './platform/logging/logger.ts';
import type { SecretStore } from './platform/secrets/secret-store.ts';
import { APP_ORIGIN, APP_SCHEME, createAppProtocolHandler } from './windows/app-protocol.ts';
import { type HardenableWebContents, hardenWebContents } from './windows/harden-web-contents.ts';
import { createInterceptWindows, type InterceptSession } from './windows/intercept-window.ts';
import { createMainWindow } from './windows/main-window.ts';
import { connectedOrgOrigins, DOCUMENTATION_ORIGINS } from './windows/navigation-policy.ts';
import { openExternalSafe } from './windows/open-external.ts';
import { createPermissionHandlers } from './windows/permissions.ts';

/**
 * The Electron modules the desktop app uses, passed in rather than imported.
 *
 * @remarks
 * `main/app.ts` hands over the real ones; the unit test hands over fakes and checks that every
 * hardening step is wired (sandbox, scheme, web-contents guards, both permission handlers, sender
 * checks, window preferences) without an Electron runtime.
 */
export interface ElectronModules {
  app: Pick<App, 'enableSandbox' | 'getPath' | 'getVersion' | 'whenReady' | 'quit'> & {
    on(
      event: 'web-contents-created',
      listener: (event: unknown, contents: HardenableWebContents) => void,
    ): unknown;
    on(event: 'window-all-closed' | 'before-quit', listener: () => void): unknown;
  };
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  session: {
    defaultSession: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;
    fromPartition(partition: string): InterceptSession;
  };
  shell: Pick<Shell, 'openExternal'>;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  ipcMain: IpcMainLike;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
}

/**
 * Starts the desktop app: hardening first, then services, IPC and the window.
 *
 * @remarks
 * Order matters: the sandbox switch and the scheme registration must happen before the app is
 * ready, and the `web-contents-created` hook before any window exists, so nothing is ever created
 * unguarded.
 */
export function startDesktopApp(
  electron: ElectronModules,
  options: { secrets: SecretStore; bundleDir: string; logLine?: (line: string) => void },
): Promise<void> {
  const { app } = electron;
  // Electron checklist #4: every renderer sandboxed, before any window exists.
  app.enableSandbox();
  // Electron checklist #18: a standard, secure custom scheme instead of file://.
  electron.protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true } },
  ]);

  const dataDir = app.getPath('userData');
  const logFile = openLogFile(dataDir);
  const logLine = options.logLine ?? ((line: string) => process.stderr.write(`${line}\n`));
  const logger = createLogger({
    write: (line) => {
      logFile.write(line);
      logLine(line);
    },
  });
  const trustedWebContentsIds = new Set<number>();
  const windows = new Set<BrowserWindow>();
  let connectedOrigins: string[] = [];
  // The login preview's sign-in window, for apps the admin will not let the console change.
  const interceptWindows = createInterceptWindows({
    fromPartition: (partition) => electron.session.fromPartition(partition),
    createWindow: (windowOptions) => new electron.BrowserWindow(windowOptions),
    randomId: () => randomUUID(),
  });

  // Electron checklist #12–#14: every WebContents, including ones created later.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, {
      appOrigin: APP_ORIGIN,
      openInSystemBrowser: (url) => {
        openExternalSafe(url, {
          shell: electron.shell,
          allowedOrigins: [...DOCUMENTATION_ORIGINS, ...connectedOrigins],
          logger,
        });
      },
      logger,
      allowsNavigation: (session, url) => interceptWindows.allowsNavigation(session, url),
    });
  });
  app.on('window-all-closed', () => {
    app.quit();
  });

  return app.whenReady().then(async () => {
    logger.log('info', 'Starting SSO Setup Console', {
      electron: process.versions.electron,
      chrome: process.versions.chrome,
    });
    electron.protocol.handle(
      APP_SCHEME,
      createAppProtocolHandler(path.join(options.bundleDir, 'renderer')),
    );
    // Electron checklist #5: both handlers, deny-all.
    const permissions = createPermissionHandlers((permission) => {
      logger.log('warn', 'Denied a permission request', { permission });
    });
    electron.session.defaultSession.setPermissionRequestHandler(permissions.request);
    electron.session.defaultSession.setPermissionCheckHandler(permissions.check);

    const core = composeConsole({
      mode: 'electron',
      version: app.getVersion(),
      dataDir,
      secrets: options.secrets,
      logger,
      interceptWindow: interceptWindows,
      // Electron checklist: dialogs run in main; the renderer only names the file.
      chooseSavePath: async (suggestedName) => {
        const chosen = await electron.dialog.showSaveDialog({
          title: 'Save the exported file',
          defaultPath: suggestedName,
          // No native overwrite question: the console shows the diff before replacing a file.
          properties: ['createDirectory'],
        });
        return chosen.canceled || chosen.filePath === '' ? null : chosen.filePath;
      },
      emit: (event, payload) => {
        for (const window of windows) {
          window.webContents.send(EVENT_IPC_CHANNEL, { event, payload });
        }
      },
    });
    // The allowlist for links to the connected orgs; a failure to read it only narrows it.
    const refreshConnectedOrigins = async () => {
      try {
        const { profiles } = await core.profiles.list();
        connectedOrigins = connectedOrgOrigins(profiles.map((profile) => profile.orgUrl));
      } catch (error) {
        logger.log('warn', 'Could not read the connected orgs for the link allowlist', {
          error,
        });
      }
    };
    await refreshConnectedOrigins();
    registerIpcHandlers({
      ipcMain: electron.ipcMain,
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
    const window = createMainWindow({
      BrowserWindow: electron.BrowserWindow,
      preloadPath: path.join(options.bundleDir, 'preload', 'preload.cjs'),
      trustedWebContentsIds,
    });
    windows.add(window);
    window.on('closed', () => windows.delete(window));
    app.on('before-quit', () => {
      void core.stop();
      logFile.close();
    });
  });
}
