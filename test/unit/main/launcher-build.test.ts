import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isBuildCurrent } from '../../../main/launcher-build.ts';

let root: string;

function write(file: string, secondsAgo: number) {
  const full = path.join(root, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, 'x');
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(full, when, when);
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'launcher-build-'));
  for (const folder of ['main', 'renderer', 'shared']) {
    write(`${folder}/a/b.ts`, 100);
  }
  write('package.json', 100);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function buildOutputs(secondsAgo: number) {
  for (const file of ['out/main/app.js', 'out/preload/preload.cjs', 'out/renderer/index.html']) {
    write(file, secondsAgo);
  }
}

describe('isBuildCurrent', () => {
  it('reuses a build newer than every source', () => {
    buildOutputs(10);
    expect(isBuildCurrent(root)).toBe(true);
  });

  it('builds when there is no build, or part of it is missing', () => {
    expect(isBuildCurrent(root)).toBe(false);
    buildOutputs(10);
    rmSync(path.join(root, 'out/preload/preload.cjs'));
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('builds again after any source changes, deep in a folder or at the top', () => {
    buildOutputs(10);
    write('renderer/features/x/deep.tsx', 1);
    expect(isBuildCurrent(root)).toBe(false);
    buildOutputs(0);
    expect(isBuildCurrent(root)).toBe(true);
    write('package.json', -5);
    expect(isBuildCurrent(root)).toBe(false);
  });
});
