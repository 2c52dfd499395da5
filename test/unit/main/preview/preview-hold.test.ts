import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { createPreviewHold } from '../../../../main/preview/preview-hold.ts';
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

/** A run whose report settles when the test says, or when it is cancelled. */
function standIn(log: string[], name: string) {
  let settle: (() => void) | undefined;
  const report = new Promise<PreviewReport>((resolve) => {
    settle = () => {
      resolve(REPORT);
    };
  });
  const run: PreviewRun = {
    authorizeUrl: `https://example.okta.com/authorize?run=${name}`,
    strategy: { kind: 'paste-url', redirectUri: 'https://app.example.com/cb', explanation: '' },
    report,
    paste: () => undefined,
    cancel: () => {
      log.push(`${name} cancelled`);
      settle?.();
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
    // The test runner's parent process: one that is surely running.
    writeFileSync(
      file,
      JSON.stringify({ pid: process.ppid, host: os.hostname(), since: '2026-12-07T10:00:00.000Z' }),
    );
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
        `Another login preview is running on this computer (process ${String(process.ppid)} since 2026-12-07T10:00:00.000Z)`,
      ) as unknown,
      hint: expect.stringContaining('Finish or cancel that preview') as unknown,
    });
    expect(started).toBe(false);
  });

  it('cancels this process’s earlier run and waits for its cleanup before the next one starts', async () => {
    const file = lockFile();
    const hold = createPreviewHold(file);
    const log: string[] = [];
    const first = standIn(log, 'first');
    const firstRun = await hold.run(() => Promise.resolve(first.run));
    void firstRun.report.then(() => log.push('first settled'));
    const second = standIn(log, 'second');
    await hold.run(() => {
      log.push('second starts');
      return Promise.resolve(second.run);
    });
    // The first gave the lock back as it settled, so the second could take it.
    expect(log).toEqual(['first cancelled', 'first settled', 'second starts']);
    expect(existsSync(file)).toBe(true);
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
    await firstRun.report;
    expect(log).toEqual(['first starts', 'first cancelled', 'second starts']);
    second.finish();
    await secondRun.report;
    expect(existsSync(file)).toBe(false);
  });
});
