import type { InterceptWindowStrategy } from '../sign-in/redirect-strategy.ts';

/**
 * Strategy (c) of the login preview: a console window that shows the sign-in and catches the
 * redirect back to the app's own (non-loopback) redirect URI without ever loading it.
 *
 * @remarks
 * The preview prefers the system browser (RFC 8252, security.md O10); this window is used when
 * the sign-in must come back to a redirect URI the console cannot listen on and may not add to:
 * a preview of an app the admin will not let the console change, or an export's verification
 * (which signs in with exactly the files' redirect URI). O10's conditions for such a test-only
 * view hold:
 * - its own in-memory partition, so no cookie or storage is shared with the console or kept
 *   after the window closes;
 * - no preload, the sandbox and context isolation: Okta's page gets no bridge to main;
 * - every permission denied, no new windows;
 * - navigation only to the issuer's origin; the redirect URI is caught at the request layer
 *   (`webRequest.onBeforeRequest`, which also sees server redirects) and cancelled, so the
 *   authorization code never reaches the app, which might be running and redeem it first.
 * Electron is passed in, as in `desktop-app.ts`, so the unit test drives the window with fakes.
 */

/** The slice of Electron's `Session` the window uses. */
export interface InterceptSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onBeforeRequest(
      filter: { urls: string[] },
      listener: (
        details: { url: string },
        callback: (response: { cancel?: boolean }) => void,
      ) => void,
    ): void;
  };
  clearStorageData(): Promise<void>;
}

/** The slice of Electron's `BrowserWindow` the window uses. */
export interface InterceptBrowserWindow {
  loadURL(url: string): Promise<void>;
  close(): void;
  isDestroyed(): boolean;
  once(event: 'closed', listener: () => void): unknown;
  webContents: {
    setWindowOpenHandler(handler: () => { action: 'deny' }): void;
    on(
      event: 'will-navigate' | 'will-redirect',
      listener: (event: { url: string; preventDefault(): void }) => void,
    ): unknown;
  };
}

/** What the intercepting window needs from Electron, passed in. */
export interface InterceptWindowElectron {
  fromPartition(partition: string): InterceptSession;
  createWindow(options: {
    width: number;
    height: number;
    title: string;
    autoHideMenuBar: true;
    webPreferences: {
      partition: string;
      sandbox: true;
      contextIsolation: true;
      nodeIntegration: false;
      webviewTag: false;
      spellcheck: false;
    };
  }): InterceptBrowserWindow;
  randomId(): string;
}

/** Strategy (c), plus the question the console-wide navigation guard asks it. */
export interface InterceptWindows extends InterceptWindowStrategy {
  /**
   * Whether a navigation in a window of `session` is an intercepting window's sign-in page: the
   * console-wide guard (`harden-web-contents.ts`) refuses every navigation away from the app
   * except these, so Okta's pages load in that window, on the issuer's origin, and nowhere else.
   */
  allowsNavigation(session: unknown, url: string): boolean;
}

/** Whether `url` is the redirect URI's answer: same origin and path (the query is the answer). */
export function isRedirectBack(url: string, redirectUri: string): boolean {
  if (!URL.canParse(url)) {
    return false;
  }
  const candidate = new URL(url);
  const expected = new URL(redirectUri);
  return candidate.origin === expected.origin && candidate.pathname === expected.pathname;
}

/** The error when the admin closes the window before signing in. */
export class InterceptWindowClosedError extends Error {
  constructor() {
    super('The sign-in window was closed before the sign-in finished. Start again to sign in.');
    this.name = 'InterceptWindowClosedError';
  }
}

/** Strategy (c) on Electron; see the module comment. */
export function createInterceptWindows(electron: InterceptWindowElectron): InterceptWindows {
  /** The issuer origin each open window's session may navigate to. */
  const allowedOrigins = new Map<unknown, string>();
  const allowsNavigation = (session: unknown, url: string): boolean => {
    const origin = allowedOrigins.get(session);
    return origin !== undefined && URL.canParse(url) && new URL(url).origin === origin;
  };
  return {
    allowsNavigation,
    interceptCallback(authorizeUrl, redirectUri, signal) {
      // No "persist:" prefix: an in-memory partition, gone with the window.
      const partition = `sso-console-preview-${electron.randomId()}`;
      const session = electron.fromPartition(partition);
      allowedOrigins.set(session, new URL(authorizeUrl).origin);
      session.setPermissionRequestHandler((_contents, _permission, callback) => {
        callback(false);
      });
      session.setPermissionCheckHandler(() => false);
      const window = electron.createWindow({
        width: 520,
        height: 720,
        title: 'Sign in',
        autoHideMenuBar: true,
        webPreferences: {
          partition,
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          webviewTag: false,
          spellcheck: false,
        },
      });
      window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

      return new Promise<URL>((resolve, reject) => {
        let settled = false;
        const settle = (outcome: { url: URL } | { error: Error }) => {
          if (settled) {
            return;
          }
          settled = true;
          allowedOrigins.delete(session);
          void session.clearStorageData().catch(() => undefined);
          if (!window.isDestroyed()) {
            window.close();
          }
          if ('url' in outcome) {
            resolve(outcome.url);
          } else {
            reject(outcome.error);
          }
        };
        session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
          if (isRedirectBack(details.url, redirectUri)) {
            callback({ cancel: true });
            settle({ url: new URL(details.url) });
            return;
          }
          callback({});
        });
        // A second net: a navigation event to the redirect URI is caught too, and any navigation
        // off the issuer's origin is refused (the console-wide guard does the same).
        const guard = (event: { url: string; preventDefault(): void }) => {
          if (isRedirectBack(event.url, redirectUri)) {
            event.preventDefault();
            settle({ url: new URL(event.url) });
          } else if (!allowsNavigation(session, event.url)) {
            event.preventDefault();
          }
        };
        window.webContents.on('will-navigate', guard);
        window.webContents.on('will-redirect', guard);
        window.once('closed', () => {
          settle({ error: new InterceptWindowClosedError() });
        });
        signal?.addEventListener('abort', () => {
          settle({ error: new Error('The sign-in came back another way; the window was closed.') });
        });
        window.loadURL(authorizeUrl).catch((error: unknown) => {
          // A load aborted by our own cancel is expected; anything else ends the attempt.
          if (!settled) {
            settle({
              error: new Error(
                `The sign-in page did not load: ${error instanceof Error ? error.message : String(error)}`,
              ),
            });
          }
        });
      });
    },
  };
}
