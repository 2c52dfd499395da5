import type { Logger } from '../platform/logging/logger.ts';
import { isAllowedNavigation } from './navigation-policy.ts';

/** A navigation event Electron passes to `will-navigate` and friends. */
export interface NavigationEvent {
  url: string;
  preventDefault(): void;
}

/** The slice of `WebContents` that hardening touches. */
export interface HardenableWebContents {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (event: NavigationEvent) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  /** The contents' session: tells the login preview's sign-in window from the console's. */
  session?: unknown;
}

/**
 * Locks down a `WebContents`: no navigation away, no new windows, no `<webview>`.
 *
 * @remarks
 * Electron checklist #12, #13, #14. Runs for every `WebContents` from
 * `app.on('web-contents-created')`, so windows created later (devtools, a future preview window)
 * are covered too. A link to an allowed https page opens in the system browser through
 * `openInSystemBrowser` (which applies its own allowlist); the window itself never leaves the app.
 */
export function hardenWebContents(
  contents: HardenableWebContents,
  options: {
    appOrigin: string;
    openInSystemBrowser: (url: string) => void;
    logger: Logger;
    /**
     * The one exception: the login preview's sign-in window (intercept-window.ts) may show the
     * issuer's pages. Asked with the contents' session, so the console's window never qualifies.
     */
    allowsNavigation?: (session: unknown, url: string) => boolean;
  },
): void {
  const guard = (kind: string) => (event: NavigationEvent) => {
    if (
      !isAllowedNavigation(event.url, options.appOrigin) &&
      options.allowsNavigation?.(contents.session, event.url) !== true
    ) {
      event.preventDefault();
      // Origin and path only: a redirect's query can carry an authorization code and state.
      options.logger.log('warn', 'Blocked a navigation away from the console', {
        kind,
        url: URL.canParse(event.url)
          ? `${new URL(event.url).origin}${new URL(event.url).pathname}`
          : '(not a URL)',
      });
    }
  };
  contents.on('will-navigate', guard('will-navigate'));
  contents.on('will-redirect', guard('will-redirect'));
  contents.on('will-frame-navigate', guard('will-frame-navigate'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.logger.log('warn', 'Blocked a <webview> from attaching');
  });
  contents.setWindowOpenHandler(({ url }) => {
    options.openInSystemBrowser(url);
    return { action: 'deny' };
  });
}
