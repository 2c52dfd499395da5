import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { composeConsole, type EmitEvent } from '../composition/compose.ts';
import { openLogFile } from '../platform/logging/log-file.ts';
import { createLogger } from '../platform/logging/logger.ts';
import { KeytarSecretStore } from '../platform/secrets/keytar-secret-store.ts';
import { type BrowserServer, startBrowserServer } from './browser-server.ts';

/** What the launcher passes to browser mode. */
export interface BrowserModeOptions {
  port: number;
  dataDir: string;
  rendererDir: string;
  shouldOpenBrowser: boolean;
  /** Where the one line with the URL goes (stdout). */
  print: (line: string) => void;
  /**
   * Where log lines go besides the log file (`console.log` in the data folder), if anywhere:
   * `npm start` keeps the terminal to the URL.
   */
  logLine?: (line: string) => void;
}

async function readVersion(): Promise<string> {
  const packageJson = JSON.parse(
    await readFile(path.join(import.meta.dirname, '../../package.json'), 'utf8'),
  ) as { version?: string };
  return packageJson.version ?? '0.0.0';
}

/**
 * Runs the console as a loopback web app: the same services and contract, no Electron.
 *
 * @remarks
 * Used when Electron's runtime is not installed and for the end-to-end tests. Secrets stay in
 * this process and the OS keychain exactly as in the desktop app; the browser gets what the
 * renderer would get over IPC and nothing more.
 */
export async function runBrowserMode(options: BrowserModeOptions): Promise<BrowserServer> {
  const logFile = openLogFile(options.dataDir);
  const logger = createLogger({
    write: (line) => {
      logFile.write(line);
      options.logLine?.(line);
    },
  });
  // Events can only reach the browser once the server exists; until then there is no page.
  let emitToBrowser: EmitEvent = () => undefined;
  const core = composeConsole({
    mode: 'browser',
    version: await readVersion(),
    dataDir: options.dataDir,
    secrets: new KeytarSecretStore(),
    logger,
    emit: (event, payload) => {
      emitToBrowser(event, payload);
    },
  });
  const server = await startBrowserServer({
    dispatch: core.dispatch,
    rendererDir: options.rendererDir,
    logger,
    port: options.port,
  });
  emitToBrowser = (event, payload) => {
    server.emit(event, payload);
  };
  logger.log('info', 'Browser mode listening', { origin: server.origin, dataDir: options.dataDir });
  options.print(`SSO Setup Console is running in browser mode at ${server.entryUrl}`);
  if (options.shouldOpenBrowser) {
    try {
      const { default: open } = await import('open');
      await open(server.entryUrl);
    } catch {
      options.print('No default browser could be opened: open the URL above yourself.');
    }
  }
  return {
    ...server,
    close: async () => {
      await server.close();
      await core.stop();
      logFile.close();
    },
  };
}
