import path from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const RULES_UNDER_TEST = new Set(['no-restricted-imports', 'no-restricted-syntax']);
// The snippets are virtual files the TypeScript project does not know, so type-aware parsing is
// switched off and only the rules under test run: the real config, minus what needs types.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => RULES_UNDER_TEST.has(ruleId),
});

async function lint(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  const messages = result?.messages ?? [];
  // A parse failure would report nothing and let every "may not" case pass vacuously.
  expect(messages.filter((message) => message.fatal === true)).toEqual([]);
  return messages;
}

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  return (await lint(filePath, code))
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('import zones (conventions §2, enforced by eslint.config.mjs)', () => {
  it.each([
    ['shared/okta/x.ts', "import { app } from 'electron';"],
    ['shared/okta/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['shared/okta/x.ts', "import keytar from 'keytar';"],
    ['shared/okta/x.ts', "import { useState } from 'react';"],
    ['shared/okta/x.ts', "import { createLogger } from '../../main/platform/logging/logger.ts';"],
    ['renderer/features/x.tsx', "import { ipcRenderer } from 'electron';"],
    ['renderer/features/x.tsx', "import path from 'node:path';"],
    ['renderer/features/x.tsx', "import fs from 'fs';"],
    ['renderer/features/x.tsx', "import keytar from 'keytar';"],
    [
      'renderer/features/x.tsx',
      "import { composeConsole } from '../../main/composition/compose.ts';",
    ],
    ['main/services/okta/x.ts', "import { shell } from 'electron';"],
    ['main/services/okta/x.ts', "import keytar from 'keytar';"],
    ['main/sandbox/x.ts', "import { app } from 'electron';"],
    ['main/windows/x.ts', "import keytar from 'keytar';"],
    ['main/windows/x.ts', "import { ipcMain } from 'electron';"],
    ['main/app.ts', "import { ipcMain } from 'electron';"],
    ['main/adapters/x.ts', "import { ipcRenderer } from 'electron';"],
    ['test/unit/x.test.ts', "import { app } from 'electron';"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    ['main/windows/x.ts', "import { BrowserWindow } from 'electron';"],
    ['main/adapters/x.ts', "import keytar from 'keytar';"],
    ['main/services/okta/x.ts', "import type { Shell } from 'electron';"],
    ['main/ipc/x.ts', "import { ipcMain } from 'electron';"],
    ['main/preload.ts', "import { ipcRenderer } from 'electron';"],
    ['renderer/features/x.tsx', "import { parseOrgUrl } from '../../shared/okta/org-url.ts';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });

  it.each([
    "import { shell } from 'electron';\nvoid shell.openExternal('https://x');\n",
    "export function f(deps: { shell: { openExternal(u: string): void } }) { deps.shell.openExternal('https://x'); }\n",
  ])('bans openExternal outside the allowlisted wrapper: %s', async (code) => {
    const messages = await lint('main/windows/x.ts', code);
    expect(messages.map((message) => message.ruleId)).toContain('no-restricted-syntax');
  });
});
