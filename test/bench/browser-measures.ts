/**
 * What the browser-mode benchmarks (renderer, activity) share: the Chromium they drive, the
 * console they start, the in-page scroll measurement, and the figures, table and files they
 * report with. One copy, so the two benches measure and report the same way.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Browser, chromium } from '@playwright/test';

import { type CapturedProcess, ROOT, startNodeScript } from '../support/processes.ts';
import { benchMachine } from './bench-machine.ts';
import { median, percentile, round } from './bench-stats.ts';

export { median, percentile, round };

export const CHROMIUM = process.env.SSO_CONSOLE_CHROMIUM ?? '/usr/bin/chromium';
/** The e2e tier's flags (playwright.config.ts): no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
export const VIEWPORT = { width: 1280, height: 800 };

/** The sandbox and consoles started here must not record exchanges for the conformance step. */
export const benchEnv: NodeJS.ProcessEnv = { ...process.env };
delete benchEnv.SSO_CONSOLE_SANDBOX_RECORD_DIR;

/** Milliseconds on the wall clock shared by this process and the browser's pages. */
const wallClockMs = () => performance.timeOrigin + performance.now();

/** Builds the app first when `out/` has no renderer: the benches serve the built one. */
function ensureBuilt(): void {
  if (!existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) {
    process.stdout.write('out/renderer is missing: running `npm run build --silent` first.\n');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/**
 * The start of a browser bench: the app built, Chromium launched, the machine recorded before the
 * bench loads it, and the bench's first line (`title`, given Chromium's version) printed.
 */
export async function startBenchBrowser(title: (chromiumVersion: string) => string): Promise<{
  browser: Browser;
  machineAtStart: BenchMachine;
  benchStarted: number;
}> {
  ensureBuilt();
  const benchStarted = performance.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const machineAtStart = benchMachine({ chromium: browser.version() });
  process.stdout.write(`${title(browser.version())}\n`);
  return { browser, machineAtStart, benchStarted };
}

type BenchMachine = ReturnType<typeof benchMachine<{ chromium: string }>>;

/** The fields every bench's JSON opens with: when, on what machine and load, against which goals. */
export function benchResultHead<Goals>(machineAtStart: BenchMachine, goals: Goals) {
  return {
    timestamp: new Date().toISOString(),
    machine: machineAtStart,
    loadAverage1mAtEnd: round(os.loadavg()[0] ?? 0, 2),
    goals,
  };
}

export interface RunningConsole {
  process: CapturedProcess;
  url: string;
  /** When the server printed its URL: it is listening from then on. */
  serverReadyAt: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** The console in browser mode on a free port, with a fresh data folder removed on `stop`. */
export async function startConsole(dataDirPrefix: string): Promise<RunningConsole> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), dataDirPrefix));
  const child = startNodeScript(
    'main/launcher.ts',
    ['--browser', '--no-open', '--port', '0', '--user-data-dir', dataDir],
    benchEnv,
  );
  const line = await child.waitForLine(/running in browser mode at http/, 60_000);
  const serverReadyAt = wallClockMs();
  const url = /(http:\/\/\S+)/.exec(line)?.[1];
  if (url === undefined) {
    throw new Error(`The console printed no URL: ${line}`);
  }
  return {
    process: child,
    url,
    serverReadyAt,
    dataDir,
    async stop() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * In the page (passed to `page.evaluate`, so it uses nothing from this module): scrolls the
 * virtualized list labelled `listLabel`, of `rows` rows, top to bottom, `pxPerFrame` each frame,
 * and times every frame from its start to the end of its rendering work on the main thread (a
 * message posted from the frame's animation frame callback runs once style, layout and paint are
 * done) — P3's method.
 */
export function scrollAndTimeFrames({
  pxPerFrame,
  rows,
  listLabel,
}: {
  pxPerFrame: number;
  rows: number;
  listLabel: string;
}) {
  const box = document.querySelector<HTMLElement>(`[role="group"][aria-label^="${listLabel}"]`);
  if (box === null) {
    throw new Error(`No virtualized "${listLabel}" list on the page.`);
  }
  const frameMs: number[] = [];
  const intervalMs: number[] = [];
  let longAnimationFrames = 0;
  const observer = new PerformanceObserver((list) => {
    longAnimationFrames += list.getEntries().length;
  });
  if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
    observer.observe({ type: 'long-animation-frame' });
  }
  return new Promise<{
    frameMs: number[];
    intervalMs: number[];
    longAnimationFrames: number;
    rowsInDom: number;
    lastRowShown: boolean;
    scrolledPx: number;
  }>((resolve) => {
    let position = 0;
    let previous: number | null = null;
    box.scrollTop = 0;
    const frame = (frameStart: number) => {
      if (previous !== null) {
        intervalMs.push(frameStart - previous);
      }
      previous = frameStart;
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        frameMs.push(performance.now() - frameStart);
      };
      channel.port2.postMessage(null);
      if (position >= box.scrollHeight - box.clientHeight) {
        // One more frame, so the last one's work is recorded too.
        requestAnimationFrame(() => {
          observer.disconnect();
          resolve({
            frameMs,
            intervalMs,
            longAnimationFrames,
            rowsInDom: box.querySelectorAll('li').length,
            lastRowShown: box.querySelector(`li[aria-posinset="${String(rows)}"]`) !== null,
            scrolledPx: position,
          });
        });
        return;
      }
      position += pxPerFrame;
      box.scrollTop = position;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

export interface BenchSandbox {
  process: CapturedProcess;
  orgUrl: string;
  apiToken: string;
}

/** `npm run sandbox` with `seed`, no rate limits, on a free port; `timeoutMs` to wait for it. */
export async function startBenchSandbox(seed: string, timeoutMs: number): Promise<BenchSandbox> {
  const child = startNodeScript(
    'main/sandbox/cli.ts',
    ['--json', '--seed', seed, '--rate-limits', 'unlimited', '--port', '0'],
    benchEnv,
  );
  const { orgUrl, apiToken } = JSON.parse(await child.waitForLine(/^\{/, timeoutMs)) as {
    orgUrl: string;
    apiToken: string;
  };
  return { process: child, orgUrl, apiToken };
}

/** Prints the figures as a Markdown table, columns padded to their widest cell. */
export function printTable(header: string[], cells: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => cell[column]?.length ?? 0)),
  );
  const line = (cell: string[]) =>
    `| ${cell.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  process.stdout.write(
    `\n${line(header)}\n| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |\n${cells.map(line).join('\n')}\n`,
  );
}

/** The machine line under the table: figures mean little without the machine and its load. */
export function printMachine(machine: BenchMachine, loadAverage1mAtEnd: number): void {
  process.stdout.write(
    `\nMachine: ${machine.cpuModel}, ${String(machine.cores)} cores, ${String(machine.memoryGb)} GB, Node ${machine.node}, Chromium ${machine.chromium}, reference work ${String(machine.referenceWorkMs)} ms, load ${String(machine.loadAverage1m)} at start, ${String(loadAverage1mAtEnd)} at end\n`,
  );
}

/** Writes the bench's JSON to `output` and says where, with how long the bench took. */
export function writeResult(output: string, result: { benchSeconds: number }): void {
  mkdirSync(path.dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `\nWrote ${path.relative(ROOT, output)} in ${String(result.benchSeconds)} s\n`,
  );
}
