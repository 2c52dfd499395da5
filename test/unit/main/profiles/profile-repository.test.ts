import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { createFileProfileRepository } from '../../../../main/profiles/profile-repository.ts';

function folder() {
  return mkdtempSync(path.join(os.tmpdir(), 'profiles-repo-'));
}

describe('createFileProfileRepository', () => {
  it('starts empty and round-trips what it saves', async () => {
    const repository = createFileProfileRepository(folder());
    expect(await repository.load()).toEqual({ version: 1, activeProfileId: null, profiles: [] });
    await repository.save({ version: 1, activeProfileId: null, profiles: [] });
    expect((await repository.load()).version).toBe(1);
  });

  it('refuses a file from a newer console and leaves it untouched', async () => {
    const dir = folder();
    const newer = JSON.stringify({ version: 2, profiles: [{ whatever: true }] });
    writeFileSync(path.join(dir, 'profiles.json'), newer);
    await expect(createFileProfileRepository(dir).load()).rejects.toMatchObject({
      code: 'PROFILES_FILE_NEWER',
    });
    expect(await readFile(path.join(dir, 'profiles.json'), 'utf8')).toBe(newer);
  });

  it('sets a corrupt file aside, says so, and starts empty', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'profiles.json'), '{"version": 1, "profiles": [trunc');
    const onSetAside = vi.fn();
    const repository = createFileProfileRepository(dir, { onSetAside });
    const [first, second] = await Promise.all([repository.load(), repository.load()]);
    expect(first.profiles).toEqual([]);
    expect(second.profiles).toEqual([]);
    expect(onSetAside).toHaveBeenCalledTimes(1);
    expect(
      readdirSync(dir).filter((name) => name.startsWith('profiles.json.corrupt-')),
    ).toHaveLength(1);
  });
});
