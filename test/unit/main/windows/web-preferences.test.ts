import { describe, expect, it } from 'vitest';

import { createWebPreferences } from '../../../../main/windows/web-preferences.ts';

describe('createWebPreferences (Electron checklist #2–#4, #6, #8–#11)', () => {
  it('is exactly the hardened literal, so removing or weakening any option fails', () => {
    expect(createWebPreferences('/app/preload.cjs')).toStrictEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('never enables Blink features', () => {
    expect(createWebPreferences('/p')).not.toHaveProperty('enableBlinkFeatures');
  });
});
