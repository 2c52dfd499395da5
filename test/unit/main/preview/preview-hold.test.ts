import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createPreviewHold, previewHoldFor } from '../../../../main/preview/preview-hold.ts';
import type { PreviewRun } from '../../../../main/preview/preview-run.ts';
import type { PreviewReport } from '../../../../shared/preview/preview-schemas.ts';

/**
 * The hold on the login preview, with a real lock file: given back when a run's report settles or
 * its start fails, refused while another process holds it, and taken from this process's own
 * earlier run by cancelling it. The runs are stand-ins: the preview itself is not under test.
 */

const folders: string[] = [];
function lockFile(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'preview-hold-'));
  folders.push(folder);
  return path.join(folder, 'journals', 'preview.lock');
}
afterEach(() => {
  for (const folder of folders.splice(0)) {
    rmSync(folder, { recursive: true, force: true });
  }
});

const REPORT = { ok: true } as unknown as PreviewReport;

/**
 * A run whose report settles when the test says, or rejects with the reason it is cancelled
 * with; `stuck` ignores the cancel (a cleanup that hangs).
 */
function standIn(log: string[], name: string, options: { stuck?: boolean } = {}) {
  let settle: (() => void) | undefined;
  let refuse: ((reason: Error) => void) | undefined;
  const report = new Promise<PreviewReport>((resolve, reject) => {
    settle = () => {
      resolve(REPORT);
    };
    refuse = reject;
  });
  report.catch(() => undefined);
  const run: PreviewRun = {
    authorizeUrl: `https://example.okta.com/authorize?run=${name}`,
    strategy: { kind: 'paste-url', redirectUri: 'https://app.example.com/cb', explanation: '' },
    report,
    paste: () => undefined,
    cancel: (reason) => {
      log.push(`${name} cancelled`);
      if (options.stuck !== true) {
        refuse?.(reason ?? new Error('The preview was cancelled.'));
      }
    },
  };
  return { run, finish: () => settle?.() };
}

describe('createPreviewHold', () => {
  it('holds the lock while a run is under way, and gives it back before the report is seen', async () => {
    const file = lockFile();
    const hold = createPreviewHold(file);
    const first = standIn([], 'first');
    const run = await hold.run(() => Promise.resolve(first.run));
    expect(existsSync(file)).toBe(true);
    expect(run.authorizeUrl).toBe(first.run.authorizeUrl);
    first.finish();
    await expect(run.report).resolves.toBe(REPORT);
    expect(existsSync(file)).toBe(false);
  });

  it('gives the lock back when the start fails', async () => {
    const file = lockFile();
    const hold = createPreviewHold(file);
    await expect(hold.run(() => Promise.reject(new Error('the org said no')))).rejects.toThrow(
      'the org said no',
    );
    expect(existsSync(file)).toBe(false);
    const next = standIn([], 'next');
    await hold.run(() => Promise.resolve(next.run));
    expect(existsSync(file)).toBe(true);
  });

  it('refuses to start while another process holds the preview, and says which', async () => {
    const file = lockFile();
    await mkdir(path.dirname(file), { recursive: true });
    // The test runner's parent process: one that is surely running, and a lock of a minute ago.
    const since = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(file, JSON.stringify({ pid: process.ppid, host: os.hostname(), since }));
    const hold = createPreviewHold(file);
    let started = false;
    await expect(
      hold.run(() => {
        started = true;
        return Promise.resolve(standIn([], 'refused').run);
      }),
    ).rejects.toMatchObject({
      code: 'PREVIEW_IN_PROGRESS',
      message: expect.stringContaining(
        `Another login preview is running on this computer (process ${String(process.ppid)} since ${since})`,
      ) as unknown,
      hint: expect.stringContaining(`if none is running, delete ${file}.`) as unknown,
    });
    expect(started).toBe(false);
  });

  it('cancels this process’s earlier run and waits for its cleanup before the next one starts', async () => {
    const file = lockFile();
    const hold = createPreviewHold(file);
    const log: string[] = [];
    const first = standIn(log, 'first');
    const firstRun = await hold.run(() => Promise.resolve(first.run));
    const firstEnded = firstRun.report.catch((error: unknown) => {
      log.push('first settled');
      return error;
    });
    const second = standIn(log, 'second');
    await hold.run(() => {
      log.push('second starts');
      return Promise.resolve(second.run);
    });
    // The first gave the lock back as it settled, so the second could take it.
    expect(log).toEqual(['first cancelled', 'first settled', 'second starts']);
    expect(existsSync(file)).toBe(true);
    // Told why, in words a window that still shows it can say.
    await expect(firstEnded).resolves.toMatchObject({
      code: 'CANCELLED',
      message: expect.stringContaining(
        'A newer login preview was started in this console',
      ) as unknown,
    });
  });

  it('starts two at once one after the other: the later one cancels the earlier', async () => {
    const file = lockFile();
    const hold = createPreviewHold(file);
    const log: string[] = [];
    const first = standIn(log, 'first');
    const second = standIn(log, 'second');
    const [firstRun, secondRun] = await Promise.all([
      hold.run(async () => {
        log.push('first starts');
        await new Promise((resolve) => setTimeout(resolve, 20));
        return first.run;
      }),
      hold.run(() => {
        log.push('second starts');
        return Promise.resolve(second.run);
      }),
    ]);
    await firstRun.report.catch(() => undefined);
    expect(log).toEqual(['first starts', 'first cancelled', 'second starts']);
    second.finish();
    await secondRun.report;
    expect(existsSync(file)).toBe(false);
  });

  it('gives every preview service of the process on one data folder the same hold', () => {
    const file = lockFile();
    expect(previewHoldFor(file)).toBe(previewHoldFor(path.relative(process.cwd(), file)));
    expect(previewHoldFor(file)).not.toBe(previewHoldFor(lockFile()));
  });

  it('takes over a lock naming this process when nothing here holds it (a pid used again)', async () => {
    const file = lockFile();
    await mkdir(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
    );
    const hold = createPreviewHold(file);
    const run = standIn([], 'after-reboot');
    await hold.run(() => Promise.resolve(run.run));
    run.finish();
    expect(existsSync(file)).toBe(true);
  });

  it('fails a start whose earlier run does not clean up in time, and keeps that run’s lock', async () => {
    const file = lockFile();
    const hold = createPreviewHold(file, { earlierRunWaitMs: 50 });
    const log: string[] = [];
    const stuck = standIn(log, 'stuck', { stuck: true });
    await hold.run(() => Promise.resolve(stuck.run));
    const held = readFileSync(file, 'utf8');
    let started = false;
    await expect(
      hold.run(() => {
        started = true;
        return Promise.resolve(standIn(log, 'later').run);
      }),
    ).rejects.toMatchObject({
      code: 'PREVIEW_IN_PROGRESS',
      message: expect.stringContaining('has not finished starting or cleaning up') as unknown,
    });
    expect(started).toBe(false);
    expect(log).toEqual(['stuck cancelled']);
    expect(readFileSync(file, 'utf8')).toBe(held);
  });

  it('keeps later starts behind a start that hangs, even after one of them gave up', async () => {
    const file = lockFile();
    const hold = createPreviewHold(file, { earlierRunWaitMs: 50 });
    const hanging = hold.run(() => new Promise<PreviewRun>(() => undefined));
    hanging.catch(() => undefined);
    const starts: string[] = [];
    const later = (name: string) =>
      hold.run(() => {
        starts.push(name);
        return Promise.resolve(standIn([], name).run);
      });
    await expect(later('second')).rejects.toMatchObject({ code: 'PREVIEW_IN_PROGRESS' });
    // The hanging start holds the lock: a third start must not take it for a left one.
    await expect(later('third')).rejects.toMatchObject({ code: 'PREVIEW_IN_PROGRESS' });
    expect(starts).toEqual([]);
  });
});
