import { describe, expect, it, vi } from 'vitest';

import { createPermissionHandlers } from '../../../../main/windows/permissions.ts';

// Electron's permission names (session.setPermissionRequestHandler docs).
const PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'geolocation',
  'idle-detection',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'pointerLock',
  'keyboardLock',
  'openExternal',
  'speaker-selection',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'unknown',
  'fileSystem',
  'hid',
  'serial',
  'usb',
];

describe('createPermissionHandlers (Electron checklist #5)', () => {
  it.each(PERMISSIONS)('denies the request for %s and reports it', (permission) => {
    const onDenied = vi.fn();
    const { request } = createPermissionHandlers(onDenied);
    const callback = vi.fn();
    request({}, permission, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    expect(onDenied).toHaveBeenCalledWith(permission);
  });

  it.each(PERMISSIONS)('answers the check for %s with false', (permission) => {
    const { check } = createPermissionHandlers();
    expect(check({}, permission, 'app://console', {})).toBe(false);
  });
});
