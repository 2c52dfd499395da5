/** The `webPreferences` of every console window, as a plain object. */
export interface HardenedWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  spellcheck: false;
}

/**
 * The web preferences of the console's window, written out literally.
 *
 * @remarks
 * Electron checklist #2, #3, #4, #6, #8, #9, #10, #11. Every value is spelled out even where it is
 * Electron's default, so readers and scanners see it and a changed default cannot weaken the app.
 * `enableBlinkFeatures` is deliberately absent. A unit test pins the whole object.
 */
export function createWebPreferences(preloadPath: string): HardenedWebPreferences {
  return {
    preload: preloadPath,
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
  };
}
