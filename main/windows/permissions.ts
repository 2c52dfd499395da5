/** Arguments Electron passes to a permission request handler (the ones the policy reads). */
export type PermissionRequest = (
  webContents: unknown,
  permission: string,
  callback: (isGranted: boolean) => void,
  details?: unknown,
) => void;

/** Arguments Electron passes to a permission check handler. */
export type PermissionCheck = (
  webContents: unknown,
  permission: string,
  requestingOrigin: string,
  details?: unknown,
) => boolean;

/**
 * Deny-all permission handlers for both of Electron's hooks.
 *
 * @remarks
 * Electron checklist #5. The console needs no camera, microphone, notifications, geolocation,
 * clipboard-read, HID or anything else. Electron's session docs require *both* handlers: the
 * request handler alone leaves `navigator.permissions.query` and several device APIs answered by
 * the check handler, which grants by default.
 */
export function createPermissionHandlers(
  onDenied: (permission: string) => void = () => undefined,
): { request: PermissionRequest; check: PermissionCheck } {
  return {
    request: (_webContents, permission, callback) => {
      onDenied(permission);
      callback(false);
    },
    check: () => false,
  };
}
