/**
 * The lock file's takeovers and releases under many interleavings: every file-system step of
 * `lock-file.ts` is delayed by a random few milliseconds (a seeded generator, so a failing round
 * can be replayed), and several callers race in one process, as several processes would.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

const random = vi.hoisted(() => {
  let state = 0;
  return {
    /** Whether removing a lock file itself (not a guard, not a file aside) waits 150 ms first. */
    slowLockRemoval: false,
    seed(value: number) {
      state = value >>> 0;
    },
    /** mulberry32: a small seeded generator. */
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    },
  };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  // Mostly short, now and then long: one caller falls several steps behind the others.
  const pause = () =>
    new Promise((resolve) => {
      const draw = random.next();
      setTimeout(resolve, draw < 0.15 ? 8 : Math.floor(draw * 3));
    });
  const delayed =
    <A extends unknown[], R>(step: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await pause();
      try {
        return await step(...args);
      } finally {
        await pause();
      }
    };
  return {
    ...real,
    link: delayed(real.link),
    readFile: delayed(real.readFile as (...args: unknown[]) => Promise<unknown>),
    rename: delayed(real.rename),
    rm: delayed(async (...args: Parameters<typeof real.rm>) => {
      if (random.slowLockRemoval && String(args[0]).endsWith('.lock')) {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return real.rm(...args);
    }),
    writeFile: delayed(real.writeFile),
  };
});

const { acquireLockFile, LockHeldError } = await import('../../../../main/platform/lock-file.ts');

const folders: string[] = [];
async function lockPath(): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'lock-races-'));
  folders.push(folder);
  return path.join(folder, 'setup.lock');
}
afterEach(() => {
  for (const folder of folders.splice(0)) {
    rmSync(folder, { recursive: true, force: true });
  }
});

/** A line a crashed process left: a pid no process has (the largest Linux allows, plus one). */
function leftBehind(since = '2026-12-01T00:00:00.000Z'): string {
  return JSON.stringify({ pid: 4_194_305, host: os.hostname(), since });
}

const ROUNDS = 15;

describe('acquireLockFile under random interleavings', () => {
  it('lets exactly one of four takers of a left-behind lock take it', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      random.seed(round);
      const file = await lockPath();
      writeFileSync(file, leftBehind());
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => acquireLockFile(file)));
      const taken = outcomes.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      );
      expect(taken, `seed ${String(round)}`).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason, `seed ${String(round)}`).toBeInstanceOf(LockHeldError);
        }
      }
      await taken[0]?.();
      expect(readdirSync(path.dirname(file)), `seed ${String(round)}`).toEqual([]);
    }
  });

  it('lets exactly one of two takers through when a crashed takeover left its guard too', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      random.seed(1_000 + round);
      const file = await lockPath();
      writeFileSync(file, leftBehind());
      writeFileSync(`${file}.takeover`, leftBehind());
      const outcomes = await Promise.allSettled([1, 2].map(() => acquireLockFile(file)));
      const taken = outcomes.flatMap((outcome) =>
        outcome.status === 'fulfilled' ? [outcome.value] : [],
      );
      expect(taken, `seed ${String(1_000 + round)}`).toHaveLength(1);
      await taken[0]?.();
    }
  });

  it('never lets a release remove the lock another process took over meanwhile', async () => {
    // A hold older than the taker allows is taken over while its holder, still running, releases
    // it, and the holder's removal of the file is slow: the takeover fits between the holder's
    // check that the lock is its own and its removal. The taker must hold a lock that is there.
    random.slowLockRemoval = true;
    try {
      for (let round = 0; round < 5; round += 1) {
        random.seed(2_000 + round);
        const file = await lockPath();
        const release = await acquireLockFile(file, () => new Date('2026-12-07T10:00:00.000Z'));
        const later = () => new Date('2026-12-07T10:30:00.000Z');
        const releasing = release();
        // The release has read its line and is removing the file.
        await new Promise((resolve) => setTimeout(resolve, 15));
        await acquireLockFile(file, later, { staleAfterMs: 15 * 60_000, notHeldHere: true });
        await releasing;
        const line = JSON.parse(readFileSync(file, 'utf8')) as { since: string };
        expect(line.since, `seed ${String(2_000 + round)}`).toBe('2026-12-07T10:30:00.000Z');
        await expect(acquireLockFile(file)).rejects.toBeInstanceOf(LockHeldError);
      }
    } finally {
      random.slowLockRemoval = false;
    }
  });
});
