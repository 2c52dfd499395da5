import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests. The `chromium` project drives browser mode in Debian's Chromium (Playwright's
 * own browser download is not possible here); the `electron` project runs the same specs through
 * Playwright's `_electron` where an Electron runtime is installed (`npm run test:e2e:electron`).
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

// Every sandbox the specs start (and the console's embedded one) records its exchanges for the
// conformance step; child processes inherit the variable.
process.env.SSO_CONSOLE_SANDBOX_RECORD_DIR ??= `${import.meta.dirname}/test-results/sandbox-exchanges`;

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e',
  forbidOnly: process.env.CI !== undefined,
  retries: 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    colorScheme: 'light',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.SSO_CONSOLE_CHROMIUM ?? '/usr/bin/chromium',
          args: CHROMIUM_ARGS,
        },
      },
    },
    // The page fixture is unused there (the app's own window is the page), but Playwright sets
    // it up anyway, so it must also point at a browser that exists.
    {
      name: 'electron',
      // The sandbox's OIDC specs drive relying parties in a browser; the console is not involved.
      testIgnore: 'sandbox/**',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.SSO_CONSOLE_CHROMIUM ?? '/usr/bin/chromium',
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
});
