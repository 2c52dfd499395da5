import { CHANNEL_NAMES } from '../../shared/ipc/contract.ts';
import { expect, test } from './support/console-fixture.ts';

test('the page has no Node, no raw IPC, and only the contract’s bridge', async ({
  consoleApp,
}, testInfo) => {
  const globals = await consoleApp.page.evaluate(() => {
    const scope = globalThis as Record<string, unknown>;
    return {
      require: typeof scope.require,
      process: typeof scope.process,
      ipcRenderer: typeof scope.ipcRenderer,
      bridgeKeys:
        scope.ssoConsole === undefined ? null : Object.keys(scope.ssoConsole as object).sort(),
    };
  });
  expect(globals).toMatchObject({
    require: 'undefined',
    process: 'undefined',
    ipcRenderer: 'undefined',
  });
  if (testInfo.project.name === 'electron') {
    // Derived from the contract, so a channel added there is expected here with no edit.
    expect(globals.bridgeKeys).toEqual([...CHANNEL_NAMES, 'on'].sort());
  } else {
    // Browser mode has no global bridge at all: the HTTP bridge lives inside the bundle.
    expect(globals.bridgeKeys).toBeNull();
  }
});

test('the Content-Security-Policy blocks an injected inline script', async ({ consoleApp }) => {
  const outcome = await consoleApp.page.evaluate(async () => {
    const violation = new Promise<string>((resolve) => {
      document.addEventListener(
        'securitypolicyviolation',
        (event) => {
          resolve(event.violatedDirective);
        },
        { once: true },
      );
    });
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
    return {
      directive: await violation,
      ran: (window as unknown as { __injected?: boolean }).__injected === true,
    };
  });
  expect(outcome.ran).toBe(false);
  expect(outcome.directive).toMatch(/^script-src/);
});

test('outside navigation and new windows stay out of the console', async ({
  consoleApp,
}, testInfo) => {
  test.skip(
    testInfo.project.name !== 'electron',
    'navigation guards are Electron’s; a browser tab may navigate',
  );
  const before = consoleApp.page.url();
  await consoleApp.page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await expect(consoleApp.page).toHaveURL(before);
  expect(await consoleApp.page.evaluate(() => window.open('https://example.com/'))).toBeNull();
});
