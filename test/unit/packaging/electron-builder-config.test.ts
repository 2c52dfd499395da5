import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(
  readFileSync(path.resolve(import.meta.dirname, '../../../electron-builder.yml'), 'utf8'),
) as { electronFuses: Record<string, boolean>; files: string[] };

describe('electron-builder.yml (Electron checklist #19)', () => {
  it('turns the dangerous fuses off and the protective ones on', () => {
    expect(config.electronFuses).toStrictEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('packages only built output, never sources, tests or env files', () => {
    expect(config.files).toEqual(['out/**', 'package.json', '!**/*.map', '!**/.env*']);
  });
});
