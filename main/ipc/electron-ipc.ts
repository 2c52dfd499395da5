import { ipcMain } from 'electron';

import type { Logger } from '../services/logging/logger.ts';
import type { Dispatch } from './dispatcher.ts';
import { registerIpcHandlers } from './router.ts';

/**
 * Registers the contract on Electron's real `ipcMain`.
 *
 * @remarks
 * Kept apart from the router so the router is tested with a fake `ipcMain`, and so no file
 * outside `main/ipc/` imports raw IPC.
 */
export function registerElectronIpc(options: {
  dispatch: Dispatch;
  trustedWebContentsIds: ReadonlySet<number>;
  appOrigin: string;
  logger: Logger;
}): void {
  registerIpcHandlers({ ipcMain, ...options });
}
