import os from 'node:os';
import path from 'node:path';

/** The folder name Electron derives from the package name for `app.getPath('userData')`. */
const APP_FOLDER = 'sso-setup-console';

/**
 * The console's data folder outside Electron: the same place Electron's `userData` uses, so
 * browser mode and the desktop app share profiles.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER);
  }
  if (platform === 'darwin') {
    return path.join(home, 'Library', 'Application Support', APP_FOLDER);
  }
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_FOLDER);
}
