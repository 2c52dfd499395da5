import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  electronSupportProblem,
  latestStableMajor,
  supportedMajors,
} from '../support/electron-support-window.ts';

/** The Electron the lockfile pins: what `npm ci` installs and `electron-builder` ships. */
function lockedElectronVersion(): string {
  const lock = JSON.parse(
    readFileSync(path.join(import.meta.dirname, '../../package-lock.json'), 'utf8'),
  ) as { packages: Record<string, { version?: string } | undefined> };
  const version = lock.packages['node_modules/electron']?.version;
  if (version === undefined) {
    throw new Error('package-lock.json has no node_modules/electron entry.');
  }
  return version;
}

describe('Electron’s support window (Electron checklist #16)', () => {
  it('holds the Electron in package-lock.json today', () => {
    expect(electronSupportProblem(lockedElectronVersion(), new Date())).toBeNull();
  });

  it('counts majors by Electron’s 8-week cadence from a known release', () => {
    expect(latestStableMajor(new Date('2026-01-13T00:00:00Z'))).toBe(40);
    expect(latestStableMajor(new Date('2026-03-09T23:59:59Z'))).toBe(40);
    expect(latestStableMajor(new Date('2026-03-10T00:00:00Z'))).toBe(41);
    expect(supportedMajors(new Date('2026-12-06T00:00:00Z'))).toEqual([45, 44, 43]);
  });

  it('says what to run when the locked major falls out', () => {
    expect(electronSupportProblem('42.0.1', new Date('2026-12-06T00:00:00Z'))).toBe(
      "Electron 42.0.1 (package-lock.json) is out of Electron's support window: on 2026-12-06 the supported majors are 45, 44, 43 (the latest 3), so 42 gets no more security fixes (Electron checklist #16). Upgrade with: ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --save-dev electron@45",
    );
    expect(electronSupportProblem('43.2.0', new Date('2026-12-06T00:00:00Z'))).toBeNull();
    expect(electronSupportProblem('46.0.0-beta.1', new Date('2026-12-06T00:00:00Z'))).toBeNull();
    expect(electronSupportProblem('latest', new Date())).toMatch(/not a version number/);
  });
});
