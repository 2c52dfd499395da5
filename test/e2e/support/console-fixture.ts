import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { _electron, expect, type Page, type Response, test as base } from '@playwright/test';

import { type CapturedProcess, ROOT, startNodeScript } from '../../support/processes.ts';

/** A sandbox org started the way a user would: `npm run sandbox -- --json`. */
export interface SandboxOrg {
  orgUrl: string;
  apiToken: string;
}

/** The console under test, with everything it emitted that a secret must never reach. */
export interface ConsoleUnderTest {
  page: Page;
  dataDir: string;
  /** Lines the console process printed (browser mode) or its main process logged (Electron). */
  outputLines(): string[];
  /** Bodies of every contract response the page received (browser mode). */
  contractResponses: string[];
  /** Messages the page logged to its console. */
  pageConsole: string[];
}

function electronBinary(): string | null {
  const pathFile = path.join(ROOT, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) {
    return null;
  }
  const binary = path.join(
    ROOT,
    'node_modules',
    'electron',
    'dist',
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : null;
}

/**
 * Starts the console for one test, with its own data folder: browser mode in Chromium, or the
 * Electron app through `_electron` in the `electron` project. Waits on the readiness marker,
 * never on time.
 */
export async function launchConsole(options: {
  projectName: string;
  page: Page | undefined;
  env?: NodeJS.ProcessEnv;
}): Promise<ConsoleUnderTest & { close(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sso-console-e2e-'));
  const contractResponses: string[] = [];
  const pageConsole: string[] = [];
  let page: Page;
  let close: () => Promise<void>;
  let outputLines: () => string[];

  if (options.projectName === 'electron') {
    const binary = electronBinary();
    if (binary === null) {
      throw new Error(
        'The electron project needs the Electron runtime, which is not installed here (node_modules/electron has no binary). Run `npx install-electron` where the internet is reachable, or run `npm run test:e2e` for browser mode.',
      );
    }
    const app = await _electron.launch({
      executablePath: binary,
      args: [path.join(ROOT, 'out', 'main', 'app.js'), `--user-data-dir=${dataDir}`],
      env: Object.fromEntries(
        Object.entries({ ...process.env, ...options.env }).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      ),
    });
    const lines: string[] = [];
    app
      .process()
      .stderr?.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n')));
    app
      .process()
      .stdout?.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n')));
    page = await app.firstWindow();
    close = () => app.close();
    outputLines = () => lines;
  } else {
    if (options.page === undefined) {
      throw new Error('browser mode needs the page fixture');
    }
    page = options.page;
    const consoleProcess: CapturedProcess = startNodeScript(
      'main/launcher.ts',
      ['--browser', '--no-open', '--port', '0', '--user-data-dir', dataDir],
      { ...process.env, ...options.env },
    );
    const line = await consoleProcess.waitForLine(/running in browser mode at http/);
    const entryUrl = /(http:\/\/\S+)/.exec(line)?.[1] ?? '';
    page.on('response', (response: Response) => {
      if (response.url().includes('/api/call/')) {
        void response.text().then(
          (body) => contractResponses.push(body),
          () => undefined,
        );
      }
    });
    await page.goto(entryUrl);
    close = () => consoleProcess.stop();
    outputLines = () => [...consoleProcess.stdout, ...consoleProcess.stderr];
  }
  page.on('console', (message) => pageConsole.push(message.text()));
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
  return { page, dataDir, outputLines, contractResponses, pageConsole, close };
}

/** Starts `npm run sandbox -- --json` (its script, with the test's Node) and reads its one line. */
export async function startSandboxOrg(): Promise<SandboxOrg & { stop(): Promise<void> }> {
  const sandbox = startNodeScript('main/sandbox/cli.ts', ['--json', '--port', '0']);
  const printed = JSON.parse(await sandbox.waitForLine(/^\{/)) as SandboxOrg;
  return { ...printed, stop: () => sandbox.stop() };
}

/** The e2e test with a console and a sandbox org per test. */
export const test = base.extend<{ consoleApp: ConsoleUnderTest; sandboxOrg: SandboxOrg }>({
  // Playwright reads a fixture's dependencies from its first parameter, so it must be a pattern.
  // eslint-disable-next-line no-empty-pattern
  sandboxOrg: async ({}, use) => {
    const sandbox = await startSandboxOrg();
    await use(sandbox);
    await sandbox.stop();
  },
  consoleApp: async ({ page }, use, testInfo) => {
    const app = await launchConsole({ projectName: testInfo.project.name, page });
    await use(app);
    await app.close();
  },
});

export { expect };
