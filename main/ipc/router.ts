import type { IpcMainInvokeEvent } from 'electron';

import { CHANNEL_NAMES } from '../../shared/ipc/contract.ts';
import type { Dispatch } from '../composition/dispatcher.ts';
import type { Logger } from '../platform/logging/logger.ts';
import { checkSender } from './sender-validation.ts';

/** The slice of `ipcMain` the router uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, request: unknown) => unknown): void;
}

/**
 * Registers one `ipcMain.handle` per contract channel, each behind the sender check.
 *
 * @remarks
 * The only place that calls `ipcMain.handle`. A refused sender gets an `UNTRUSTED_SENDER` value
 * and a log line with the channel and reason (after VS Code's `ValidatedIpcMain`).
 */
export function registerIpcHandlers(options: {
  ipcMain: IpcMainLike;
  dispatch: Dispatch;
  trustedWebContentsIds: ReadonlySet<number>;
  appOrigin: string;
  logger: Logger;
}): void {
  for (const channel of CHANNEL_NAMES) {
    options.ipcMain.handle(channel, async (event, request) => {
      const refusal = checkSender(event, options.trustedWebContentsIds, options.appOrigin);
      if (refusal !== null) {
        options.logger.log('warn', 'Refused an IPC call from an untrusted sender', {
          channel,
          reason: refusal,
        });
        return {
          ok: false,
          error: {
            code: 'UNTRUSTED_SENDER',
            message: `The call to "${channel}" came from a frame the console does not trust (${refusal}).`,
            hint: 'Only the console’s own window may call it. Nothing was changed.',
          },
        };
      }
      return options.dispatch(channel, request);
    });
  }
}
