import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { targetFileAt } from '../../../../main/drift/drift-service.ts';

describe('targetFileAt', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'target-file-'));

  it('reads a config file the window names', async () => {
    const file = path.join(folder, 'application.yml');
    writeFileSync(file, 'micronaut: {}\n');
    expect(await targetFileAt(file)).toEqual({
      name: 'application.yml',
      path: file,
      content: 'micronaut: {}\n',
    });
  });

  it('refuses what is no config file: a folder, a device, something too large', async () => {
    await expect(targetFileAt(folder)).rejects.toThrow(/is not a regular file/);
    await expect(targetFileAt('/dev/zero')).rejects.toThrow(/is not a regular file/);
    const large = path.join(folder, 'large.yml');
    writeFileSync(large, 'x'.repeat(1024 * 1024 + 1));
    await expect(targetFileAt(large)).rejects.toThrow(/a target’s config file is far smaller/);
    await expect(targetFileAt(path.join(folder, 'missing.yml'))).rejects.toThrow(/ENOENT/);
  });
});
