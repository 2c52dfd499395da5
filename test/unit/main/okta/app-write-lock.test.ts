import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { appWriteLocks } from '../../../../main/okta/app-write-lock.ts';
import { inRequestScope } from '../../../../main/okta/request-scope.ts';

const folders: string[] = [];
function journalDir(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'app-write-lock-'));
  folders.push(folder);
  return path.join(folder, 'journals');
}
afterEach(() => {
  for (const folder of folders.splice(0)) {
    rmSync(folder, { recursive: true, force: true });
  }
});

/** A change that records when it ran, and takes `ms`. */
function change(log: string[], name: string, ms: number) {
  return async () => {
    log.push(`${name} start`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    log.push(`${name} end`);
    return name;
  };
}

describe('appWriteLocks', () => {
  it('runs two changes of one app one after the other, and changes of two apps together', async () => {
    const locks = appWriteLocks(journalDir());
    const log: string[] = [];
    const first = locks('0oa1', change(log, 'first', 300));
    // The second and the other app's start once the first holds the app.
    await vi.waitFor(() => {
      expect(log).toContain('first start');
    });
    const answers = await Promise.all([
      first,
      locks('0oa1', change(log, 'second', 10)),
      locks('0oa2', change(log, 'other app', 10)),
    ]);
    expect(answers).toEqual(['first', 'second', 'other app']);
    // The second waited for the first to end; the other app's did not wait.
    expect(log.indexOf('second start')).toBeGreaterThan(log.indexOf('first end'));
    expect(log.indexOf('other app end')).toBeLessThan(log.indexOf('first end'));
  });

  it('frees the app when a change fails, and passes its error on', async () => {
    const locks = appWriteLocks(journalDir());
    await expect(
      locks('0oa1', () => Promise.reject(new Error('Okta answered 500'))),
    ).rejects.toThrow('Okta answered 500');
    await expect(locks('0oa1', () => Promise.resolve('after'))).resolves.toBe('after');
  });

  it('says which process holds the app, and how to go on, once the wait is over', async () => {
    const dir = journalDir();
    const locks = appWriteLocks(dir, { waitMs: 100 });
    await locks('0oa1', () => Promise.resolve());
    // Another running process (this test's parent: it runs, and is not this one) holds it.
    const since = new Date().toISOString();
    writeFileSync(
      path.join(dir, 'app-0oa1.lock'),
      JSON.stringify({ pid: process.ppid, host: os.hostname(), since }),
    );
    let ran = false;
    const error = await locks('0oa1', () => {
      ran = true;
      return Promise.resolve();
    }).catch((caught: unknown) => caught);
    expect(ran).toBe(false);
    expect(error).toMatchObject({
      code: 'APP_CHANGE_IN_PROGRESS',
      message: expect.stringContaining(`process ${String(process.ppid)} since ${since}`) as string,
      hint: expect.stringContaining(path.join(dir, 'app-0oa1.lock')) as string,
    });
  });

  it('stops waiting at once when the operation it runs in is cancelled', async () => {
    const dir = journalDir();
    const locks = appWriteLocks(dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'app-0oa1.lock'),
      JSON.stringify({ pid: process.ppid, host: os.hostname(), since: new Date().toISOString() }),
    );
    const controller = new AbortController();
    const started = performance.now();
    const waiting = inRequestScope({ signal: controller.signal, writesSent: 0 }, () =>
      locks('0oa1', () => Promise.resolve('ran')),
    );
    setTimeout(() => {
      controller.abort(new Error('The apply was cancelled.'));
    }, 50);
    await expect(waiting).rejects.toThrow('The apply was cancelled.');
    // Not the 90 s a change waits for the one before it.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('keeps anything but letters, digits, - and _ out of the lock file’s name', async () => {
    const dir = journalDir();
    const locks = appWriteLocks(dir);
    await locks('../0oa1', async () => {
      const { readdirSync } = await import('node:fs');
      expect(readdirSync(dir)).toContain('app-___0oa1.lock');
    });
  });
});
