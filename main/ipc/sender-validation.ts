import { isOnOrigin } from '../windows/navigation-policy.ts';

/** The parts of an IPC event the sender check reads (a subset of Electron's `IpcMainInvokeEvent`). */
export interface IpcSenderInfo {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** Why a sender was refused, or `null` when it may call. */
export type SenderRefusal =
  'no-frame' | 'untrusted-web-contents' | 'foreign-origin' | 'not-top-frame' | null;

/**
 * Decides whether an IPC call comes from the console's own top-level page.
 *
 * @remarks
 * Electron checklist #17. Three independent checks, each of which alone defeats a different
 * attack: the `webContents` must be one the console created (not a stray window or devtools
 * extension), the frame must be on the app's origin (not a page that navigated away), and it must
 * be the top frame (not an iframe).
 */
export function checkSender(
  event: IpcSenderInfo,
  trustedWebContentsIds: ReadonlySet<number>,
  appOrigin: string,
): SenderRefusal {
  const frame = event.senderFrame;
  if (frame === null) {
    return 'no-frame';
  }
  if (!trustedWebContentsIds.has(event.sender.id)) {
    return 'untrusted-web-contents';
  }
  if (!isOnOrigin(frame.url, appOrigin)) {
    return 'foreign-origin';
  }
  if (frame.parent !== null) {
    return 'not-top-frame';
  }
  return null;
}
