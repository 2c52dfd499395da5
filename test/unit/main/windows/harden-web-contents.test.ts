import { describe, expect, it, vi } from 'vitest';

import { SILENT_LOGGER } from '../../../../main/platform/logging/logger.ts';
import {
  type HardenableWebContents,
  hardenWebContents,
  type NavigationEvent,
} from '../../../../main/windows/harden-web-contents.ts';

function fakeWebContents() {
  const listeners = new Map<string, (event: NavigationEvent) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  const contents = {
    on: (name: string, listener: (event: NavigationEvent) => void) => {
      listeners.set(name, listener);
    },
    setWindowOpenHandler: (handler: (details: { url: string }) => { action: 'deny' }) => {
      openHandler = handler;
    },
  } as unknown as HardenableWebContents;
  return { contents, listeners, openHandler: () => openHandler };
}

function navigate(listener: ((event: NavigationEvent) => void) | undefined, url: string) {
  const preventDefault = vi.fn();
  listener?.({ url, preventDefault });
  return preventDefault;
}

describe('hardenWebContents (Electron checklist #12–#14)', () => {
  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])(
    'blocks %s away from the app and allows it within',
    (name) => {
      const fake = fakeWebContents();
      hardenWebContents(fake.contents, {
        appOrigin: 'app://console',
        openInSystemBrowser: vi.fn(),
        logger: SILENT_LOGGER,
      });
      expect(navigate(fake.listeners.get(name), 'https://evil.example/')).toHaveBeenCalled();
      expect(navigate(fake.listeners.get(name), 'app://console/index.html')).not.toHaveBeenCalled();
    },
  );

  it("lets only the preview's sign-in window, by its session, go to the issuer", () => {
    const signInSession = { partition: 'sso-console-preview-1' };
    const allowsNavigation = (session: unknown, url: string) =>
      session === signInSession && url.startsWith('https://acme.okta.com/');
    const signInWindow = fakeWebContents();
    (signInWindow.contents as { session?: unknown }).session = signInSession;
    const consoleWindow = fakeWebContents();
    (consoleWindow.contents as { session?: unknown }).session = { partition: '' };
    for (const fake of [signInWindow, consoleWindow]) {
      hardenWebContents(fake.contents, {
        appOrigin: 'app://console',
        openInSystemBrowser: vi.fn(),
        logger: SILENT_LOGGER,
        allowsNavigation,
      });
    }
    const okta = 'https://acme.okta.com/signin/x';
    expect(navigate(signInWindow.listeners.get('will-redirect'), okta)).not.toHaveBeenCalled();
    expect(
      navigate(signInWindow.listeners.get('will-redirect'), 'https://evil.example/'),
    ).toHaveBeenCalled();
    expect(navigate(consoleWindow.listeners.get('will-navigate'), okta)).toHaveBeenCalled();
  });

  it('prevents every <webview> from attaching', () => {
    const fake = fakeWebContents();
    hardenWebContents(fake.contents, {
      appOrigin: 'app://console',
      openInSystemBrowser: vi.fn(),
      logger: SILENT_LOGGER,
    });
    expect(
      navigate(fake.listeners.get('will-attach-webview'), 'app://console/'),
    ).toHaveBeenCalled();
  });

  it('denies every new window and hands the URL to the allowlisted opener', () => {
    const fake = fakeWebContents();
    const openInSystemBrowser = vi.fn();
    hardenWebContents(fake.contents, {
      appOrigin: 'app://console',
      openInSystemBrowser,
      logger: SILENT_LOGGER,
    });
    expect(fake.openHandler()?.({ url: 'https://developer.okta.com/docs' })).toEqual({
      action: 'deny',
    });
    expect(openInSystemBrowser).toHaveBeenCalledWith('https://developer.okta.com/docs');
  });
});
