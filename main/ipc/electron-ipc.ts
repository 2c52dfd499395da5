/**
 * Electron's `ipcMain`, re-exported from the one folder allowed to import raw IPC.
 *
 * @remarks
 * `main/app.ts` passes it to the desktop wiring, which registers the contract through the
 * router; nothing else touches it.
 */
export { ipcMain as electronIpcMain } from 'electron';
