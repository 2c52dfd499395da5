import { describe, expect, it } from 'vitest';

import {
  createInterceptWindows,
  type InterceptBrowserWindow,
  InterceptWindowClosedError,
  type InterceptWindowElectron,
  isRedirectBack,
} from '../../../../main/windows/intercept-window.ts';

type NavigationListener = (event: { url: string; preventDefault(): void }) => void;

/** Electron's session and window as fakes that record what the strategy set up. */
function fakeElectron() {
  const state = {
    partitions: [] as string[],
    windowOptions: [] as unknown[],
    permissionGranted: undefined as boolean | undefined,
    permissionCheck: undefined as boolean | undefined,
    beforeRequest: undefined as
      | ((details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void)
      | undefined,
    navigation: new Map<string, NavigationListener>(),
    closedListener: undefined as (() => void) | undefined,
    loaded: [] as string[],
    closed: false,
    cleared: 0,
    openHandler: undefined as (() => { action: 'deny' }) | undefined,
  };
  const session = {
    setPermissionRequestHandler: (
      handler: (
        contents: unknown,
        permission: string,
        callback: (granted: boolean) => void,
      ) => void,
    ) => {
      handler({}, 'media', (granted) => {
        state.permissionGranted = granted;
      });
    },
    setPermissionCheckHandler: (handler: () => boolean) => {
      state.permissionCheck = handler();
    },
    webRequest: {
      onBeforeRequest: (
        _filter: { urls: string[] },
        listener: NonNullable<typeof state.beforeRequest>,
      ) => {
        state.beforeRequest = listener;
      },
    },
    clearStorageData: () => {
      state.cleared += 1;
      return Promise.resolve();
    },
  };
  const window: InterceptBrowserWindow = {
    loadURL: (url) => {
      state.loaded.push(url);
      return Promise.resolve();
    },
    close: () => {
      state.closed = true;
    },
    isDestroyed: () => state.closed,
    once: (_event, listener) => {
      state.closedListener = listener;
    },
    webContents: {
      setWindowOpenHandler: (handler) => {
        state.openHandler = handler;
      },
      on: (event, listener) => {
        state.navigation.set(event, listener);
      },
    },
  };
  const electron: InterceptWindowElectron = {
    fromPartition: (partition) => {
      state.partitions.push(partition);
      return session;
    },
    createWindow: (options) => {
      state.windowOptions.push(options);
      return window;
    },
    randomId: () => 'run-1',
  };
  return { electron, state, session };
}

const AUTHORIZE = 'https://acme.okta.com/oauth2/v1/authorize?client_id=0oa1&state=s';
const REDIRECT = 'https://kestra.example.com/oauth/callback/okta';

/** Lets the strategy's promise callbacks run. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createInterceptWindows', () => {
  it('opens the sign-in in its own in-memory, sandboxed partition with no preload', () => {
    const { electron, state } = fakeElectron();
    void createInterceptWindows(electron).interceptCallback(AUTHORIZE, REDIRECT);
    expect(state.partitions).toEqual(['sso-console-preview-run-1']);
    expect(state.partitions[0]).not.toMatch(/^persist:/);
    expect(state.windowOptions[0]).toMatchObject({
      webPreferences: {
        partition: 'sso-console-preview-run-1',
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webviewTag: false,
      },
    });
    expect(JSON.stringify(state.windowOptions[0])).not.toContain('preload');
    expect(state.loaded).toEqual([AUTHORIZE]);
    expect(state.permissionGranted).toBe(false);
    expect(state.permissionCheck).toBe(false);
    expect(state.openHandler?.()).toEqual({ action: 'deny' });
  });

  it('cancels the request to the redirect URI and answers with it, then closes and clears', async () => {
    const { electron, state } = fakeElectron();
    const answer = createInterceptWindows(electron).interceptCallback(AUTHORIZE, REDIRECT);
    const responses: { cancel?: boolean }[] = [];
    state.beforeRequest?.({ url: 'https://acme.okta.com/signin/abc' }, (response) =>
      responses.push(response),
    );
    state.beforeRequest?.({ url: `${REDIRECT}?code=c1&state=s` }, (response) =>
      responses.push(response),
    );
    expect(responses).toEqual([{}, { cancel: true }]);
    const url = await answer;
    expect(url.searchParams.get('code')).toBe('c1');
    await tick();
    expect(state.closed).toBe(true);
    expect(state.cleared).toBe(1);
  });

  it('catches a server redirect to the redirect URI as a navigation too', async () => {
    const { electron, state } = fakeElectron();
    const answer = createInterceptWindows(electron).interceptCallback(AUTHORIZE, REDIRECT);
    let prevented = false;
    state.navigation.get('will-redirect')?.({
      url: `${REDIRECT}?error=access_denied&state=s`,
      preventDefault: () => {
        prevented = true;
      },
    });
    expect(prevented).toBe(true);
    expect((await answer).searchParams.get('error')).toBe('access_denied');
  });

  it('lets the window go only to the issuer origin while it is open', async () => {
    const { electron, state, session } = fakeElectron();
    const windows = createInterceptWindows(electron);
    const answer = windows.interceptCallback(AUTHORIZE, REDIRECT);
    expect(windows.allowsNavigation(session, 'https://acme.okta.com/signin/x')).toBe(true);
    expect(windows.allowsNavigation(session, 'https://evil.example/phish')).toBe(false);
    expect(windows.allowsNavigation({}, 'https://acme.okta.com/signin/x')).toBe(false);
    let prevented = false;
    state.navigation.get('will-navigate')?.({
      url: 'https://evil.example/phish',
      preventDefault: () => {
        prevented = true;
      },
    });
    expect(prevented).toBe(true);
    state.beforeRequest?.({ url: `${REDIRECT}?code=c1` }, () => undefined);
    await answer;
    expect(windows.allowsNavigation(session, 'https://acme.okta.com/signin/x')).toBe(false);
  });

  it('closes the window and forgets its origin when the sign-in came back another way', async () => {
    const { electron, state, session } = fakeElectron();
    const windows = createInterceptWindows(electron);
    const stop = new AbortController();
    const answer = windows.interceptCallback(AUTHORIZE, REDIRECT, stop.signal);
    stop.abort();
    await expect(answer).rejects.toThrow('came back another way');
    expect(state.closed).toBe(true);
    expect(windows.allowsNavigation(session, 'https://acme.okta.com/signin/x')).toBe(false);
  });

  it('fails with a clear error when the admin closes the window first', async () => {
    const { electron, state } = fakeElectron();
    const answer = createInterceptWindows(electron).interceptCallback(AUTHORIZE, REDIRECT);
    state.closedListener?.();
    await expect(answer).rejects.toBeInstanceOf(InterceptWindowClosedError);
    await expect(answer).rejects.toThrow('closed before the sign-in finished');
  });
});

describe('isRedirectBack', () => {
  it.each([
    [`${REDIRECT}?code=1`, true],
    [REDIRECT, true],
    [`${REDIRECT}/?code=1`, false],
    ['http://kestra.example.com/oauth/callback/okta?code=1', false],
    ['https://kestra.example.com:8443/oauth/callback/okta?code=1', false],
    ['not a url', false],
  ])('%s → %s', (url, expected) => {
    expect(isRedirectBack(url, REDIRECT)).toBe(expected);
  });
});
