import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { acquireLockFile, LockHeldError } from '../../../../main/platform/lock-file.ts';

const folders: string[] = [];
function lockPath(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'lock-file-'));
  folders.push(folder);
  return path.join(folder, 'journals', 'setup.lock');
}
afterEach(() => {
  for (const folder of folders.splice(0)) {
    rmSync(folder, { recursive: true, force: true });
  }
});

describe('acquireLockFile', () => {
  it('takes a free lock, refuses it while held, and frees it on release', async () => {
    const file = lockPath();
    const release = await acquireLockFile(file, () => new Date('2026-12-06T10:00:00.000Z'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      pid: process.pid,
      since: '2026-12-06T10:00:00.000Z',
    });
    await expect(acquireLockFile(file)).rejects.toBeInstanceOf(LockHeldError);
    await release();
    const again = await acquireLockFile(file);
    await again();
  });

  it('takes over a lock left by a process that is gone (a kill, a crash)', async () => {
    const file = lockPath();
    await (
      await acquireLockFile(file)
    )();
    // A pid no process has: the largest Linux allows, plus one.
    writeFileSync(
      file,
      JSON.stringify({ pid: 4_194_305, host: os.hostname(), since: '2026-12-01T00:00:00.000Z' }),
    );
    const release = await acquireLockFile(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
  });

  it('respects a lock from another host, whose process it cannot check', async () => {
    const file = lockPath();
    await (
      await acquireLockFile(file)
    )();
    writeFileSync(
      file,
      JSON.stringify({ pid: 4_194_305, host: 'another-laptop', since: '2026-12-01T00:00:00.000Z' }),
    );
    await expect(acquireLockFile(file)).rejects.toMatchObject({
      holder: { host: 'another-laptop' },
    });
  });

  it('takes over a lock older than the caller allows, whatever its host', async () => {
    const file = lockPath();
    await (
      await acquireLockFile(file)
    )();
    const since = '2026-12-07T10:00:00.000Z';
    writeFileSync(file, JSON.stringify({ pid: 4_194_305, host: 'a-container', since }));
    const at = () => new Date('2026-12-07T10:20:00.000Z');
    await expect(acquireLockFile(file, at, { staleAfterMs: 30 * 60_000 })).rejects.toBeInstanceOf(
      LockHeldError,
    );
    const release = await acquireLockFile(file, at, { staleAfterMs: 15 * 60_000 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
  });

  it('takes over a lock naming this process only when the caller holds nothing under it', async () => {
    const file = lockPath();
    await acquireLockFile(file);
    // This process runs, so its own lock is held, unless the caller knows it holds nothing.
    await expect(acquireLockFile(file)).rejects.toBeInstanceOf(LockHeldError);
    const release = await acquireLockFile(file, undefined, { notHeldHere: true });
    await release();
    expect(existsSync(file)).toBe(false);
  });

  it('leaves a lock another holder took over, and nothing beside it', async () => {
    const file = lockPath();
    const release = await acquireLockFile(file);
    const theirs = JSON.stringify({ pid: 1, host: os.hostname(), since: '2026-12-07T11:00:00Z' });
    writeFileSync(file, theirs);
    await release();
    expect(readFileSync(file, 'utf8')).toBe(theirs);
    // The line is written aside and linked into place; the aside file is gone.
    expect(readdirSync(path.dirname(file))).toEqual(['setup.lock']);
  });
});

describe('acquireLockFile, two takers of one left-behind lock', () => {
  /** A lock a crashed process left: a pid no process has, on this host. */
  const leftBehind = () =>
    JSON.stringify({ pid: 4_194_305, host: os.hostname(), since: '2026-12-01T00:00:00.000Z' });

  it('still releases when the guard cannot be used, so no lock is left naming this process', async () => {
    const file = lockPath();
    const release = await acquireLockFile(file);
    // A guard that cannot be read (here a folder in its place; a full disk is another case).
    mkdirSync(`${file}.takeover`);
    await release();
    expect(existsSync(file)).toBe(false);
    rmSync(`${file}.takeover`, { recursive: true });
    await (
      await acquireLockFile(file)
    )();
  });

  it('is not stopped for good by a guard a taker left when it crashed mid-way', async () => {
    const file = lockPath();
    await (
      await acquireLockFile(file)
    )();
    writeFileSync(file, leftBehind());
    writeFileSync(`${file}.takeover`, leftBehind());
    const release = await acquireLockFile(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
    expect(readdirSync(path.dirname(file))).toEqual([]);
  });

  it('waits while another running taker holds the guard, then reads its new lock', async () => {
    const file = lockPath();
    await (
      await acquireLockFile(file)
    )();
    writeFileSync(file, leftBehind());
    // A taker in this (running) process is in the middle of its takeover.
    const guard = `${file}.takeover`;
    writeFileSync(
      guard,
      JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
    );
    const waiting = acquireLockFile(file);
    setTimeout(() => {
      // It finishes: its own lock in place, its guard gone.
      writeFileSync(
        file,
        JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
      );
      rmSync(guard);
    }, 60);
    await expect(waiting).rejects.toMatchObject({ holder: { pid: process.pid } });
  });
});
