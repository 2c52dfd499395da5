import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { orgFromCredentials } from '../../../../main/okta/active-org.ts';
import { type RunningSandbox, startSandbox } from '../../../../main/sandbox/sandbox-server.ts';
import { createDirectorySearch, SEARCH_LIMIT } from '../../../../main/setup/directory-search.ts';
import { CHANNELS } from '../../../../shared/ipc/contract.ts';

/**
 * The wizard's pickers over a directory too large to load: every search reads one page of
 * matches, counted at the org (the sandbox records each exchange it answers).
 */

let sandbox: RunningSandbox;
let recordDir: string;

beforeAll(async () => {
  recordDir = mkdtempSync(path.join(os.tmpdir(), 'directory-search-'));
  sandbox = await startSandbox({
    seed: { kind: 'large', users: 20_000, groups: 300, apps: 10 },
    rateLimits: 'unlimited',
    recordDir,
  });
});
afterAll(async () => {
  await sandbox.close();
  rmSync(recordDir, { recursive: true, force: true });
});

/** Management requests the org has answered so far (the sandbox records each one). */
function exchangesSoFar(): number {
  return readdirSync(recordDir)
    .map(
      (file) => readFileSync(path.join(recordDir, file), 'utf8').split('\n').filter(Boolean).length,
    )
    .reduce((sum, count) => sum + count, 0);
}

function search() {
  const org = orgFromCredentials({ orgUrl: sandbox.orgUrl, token: sandbox.apiToken });
  return createDirectorySearch(() => Promise.resolve(org));
}

describe('directory search', () => {
  it('answers a broad query with one page of matches and says there are more', async () => {
    const before = exchangesSoFar();
    const result = await search().users('a');
    expect(result.matches).toHaveLength(SEARCH_LIMIT);
    expect(result.more).toBe(true);
    expect(CHANNELS['directory:search-users'].response.safeParse(result).success).toBe(true);
    // One page asked for, among 20,000 users.
    expect(exchangesSoFar() - before).toBe(1);
  });

  it('finds a seeded user by the start of their email, and a group by its name', async () => {
    const someone = (await search().users('a')).matches[0];
    const found = await search().users(someone?.login.slice(0, 12) ?? '');
    expect(found.matches.map((match) => match.login)).toContain(someone?.login);
    const groups = await search().groups('Eng');
    expect(groups.matches.length).toBeGreaterThan(0);
    expect(groups.matches.every((group) => group.name.toLowerCase().startsWith('eng'))).toBe(true);
  });

  it('answers an empty query without asking the org', async () => {
    const before = exchangesSoFar();
    expect(await search().users('   ')).toEqual({ matches: [], more: false });
    expect(exchangesSoFar()).toBe(before);
  });
});
