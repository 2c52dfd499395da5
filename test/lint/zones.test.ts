import path from 'node:path';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const RULES_UNDER_TEST = new Set([
  'no-restricted-imports',
  'no-restricted-syntax',
  'regexp/no-super-linear-move',
  'regexp/no-super-linear-backtracking',
]);
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
    ['main/okta/x.ts', "import { shell } from 'electron';"],
    ['main/okta/x.ts', "import keytar from 'keytar';"],
    ['main/sandbox/x.ts', "import { app } from 'electron';"],
    ['main/windows/x.ts', "import keytar from 'keytar';"],
    ['main/windows/x.ts', "import { ipcMain } from 'electron';"],
    ['main/app.ts', "import { ipcMain } from 'electron';"],
    ['main/platform/secrets/keytar-secret-store.ts', "import { ipcRenderer } from 'electron';"],
    ['test/unit/x.test.ts', "import { app } from 'electron';"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    ['main/windows/x.ts', "import { BrowserWindow } from 'electron';"],
    ['main/platform/secrets/keytar-secret-store.ts', "import keytar from 'keytar';"],
    ['main/okta/x.ts', "import type { Shell } from 'electron';"],
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

  it.each(['getJson', 'postJson', 'putJson'])(
    'bans the Okta SDK’s %s, whose DPoP proof names the method in lower case',
    async (method) => {
      const code = `export function f(client: { http: Record<string, (u: string) => unknown> }) { return client.http.${method}('/api/v1/users/me'); }\n`;
      const messages = await lint('main/okta/x.ts', code);
      expect(messages.map((message) => message.message)).toContainEqual(
        expect.stringContaining('requestOktaJson'),
      );
    },
  );
});

/**
 * main/'s layers (README "Architecture"), bottom to top: platform, okta, sign-in, the domains,
 * the composition root and the CLI, the glue; the sandbox beside them. Each forbidden case names
 * the rule it proves.
 */
describe('main/ layers (issue 12, enforced by MAIN_ZONES in eslint.config.mjs)', () => {
  it.each([
    // Domains and layers may not import the sandbox, IPC, the CLI or the window glue.
    [
      'domain → sandbox',
      'main/setup/x.ts',
      "import { startSandbox } from '../sandbox/sandbox-server.ts';",
    ],
    ['domain → IPC', 'main/preview/x.ts', "import { registerRouter } from '../ipc/router.ts';"],
    ['domain → CLI', 'main/export/x.ts', "import { CliError } from '../cli/cli-error.ts';"],
    [
      'domain → window glue',
      'main/profiles/x.ts',
      "import { createMainWindow } from '../windows/main-window.ts';",
    ],
    [
      'domain → browser mode',
      'main/setup/x.ts',
      "import { startBrowserServer } from '../browser/browser-server.ts';",
    ],
    [
      'domain → composition root',
      'main/setup/x.ts',
      "import { composeConsole } from '../composition/compose.ts';",
    ],
    [
      'Okta layer → sandbox',
      'main/okta/x.ts',
      "import { startSandbox } from '../sandbox/sandbox-server.ts';",
    ],
    [
      'platform → sandbox',
      'main/platform/x.ts',
      "import { startSandbox } from '../sandbox/sandbox-server.ts';",
    ],
    [
      'CLI → sandbox',
      'main/cli/x.ts',
      "import { startSandbox } from '../sandbox/sandbox-server.ts';",
    ],
    // A lower layer may not import a higher one.
    [
      'platform → Okta layer',
      'main/platform/x.ts',
      "import { createOktaClient } from '../okta/okta-client.ts';",
    ],
    [
      'platform → domain',
      'main/platform/logging/x.ts',
      "import { createProfileService } from '../../profiles/profile-service.ts';",
    ],
    ['platform → entry file', 'main/platform/x.ts', "import { main } from '../app.ts';"],
    [
      'Okta layer → sign-in',
      'main/okta/x.ts',
      "import { listenForCallback } from '../sign-in/loopback-callback.ts';",
    ],
    ['Okta layer → domain', 'main/okta/x.ts', "import { planSetup } from '../setup/plan.ts';"],
    [
      'sign-in → domain',
      'main/sign-in/x.ts',
      "import { startPreviewRun } from '../preview/preview-run.ts';",
    ],
    ['sign-in → CLI', 'main/sign-in/x.ts', "import { CliError } from '../cli/cli-error.ts';"],
    // A domain never imports a sibling: what two share moves down a layer.
    [
      'domain → sibling domain',
      'main/export/x.ts',
      "import { createPreviewService } from '../preview/preview-service.ts';",
    ],
    [
      'nested domain file → sibling domain',
      'main/preview/diagnosis/x.ts',
      "import { planSetup } from '../../setup/plan.ts';",
    ],
    [
      'domain → sibling domain (profiles)',
      'main/setup/x.ts',
      "import { createProfileService } from '../profiles/profile-service.ts';",
    ],
    // The day-two domains are domains too: none reaches into the setup engine it reads.
    [
      'domain → sibling domain (teardown → setup)',
      'main/teardown/x.ts',
      "import { planSetup } from '../setup/plan.ts';",
    ],
    [
      'domain → sibling domain (activity → preview)',
      'main/activity/x.ts',
      "import { diagnose } from '../preview/diagnosis/diagnose.ts';",
    ],
    [
      'domain → sibling domain (managed-apps → setup)',
      'main/managed-apps/x.ts',
      "import { hasChanges } from '../setup/plan.ts';",
    ],
    [
      'domain → sibling domain (rotation → export)',
      'main/rotation/x.ts',
      "import { createExportService } from '../export/export-service.ts';",
    ],
    [
      'domain → sibling domain (drift → setup)',
      'main/drift/x.ts',
      "import { planSetup } from '../setup/plan.ts';",
    ],
    [
      'Okta layer → domain (teardown)',
      'main/okta/x.ts',
      "import { planTeardown } from '../teardown/teardown-plan.ts';",
    ],
    // The sandbox imports only the platform layer and shared/.
    [
      'sandbox → Okta layer',
      'main/sandbox/x.ts',
      "import { createOktaClient } from '../okta/okta-client.ts';",
    ],
    [
      'sandbox → domain',
      'main/sandbox/routes/x.ts',
      "import { planSetup } from '../../setup/plan.ts';",
    ],
    [
      'sandbox → composition root',
      'main/sandbox/x.ts',
      "import { composeConsole } from '../composition/compose.ts';",
    ],
    // Electron's IPC re-export is for the glue only.
    [
      'composition root → electron-ipc',
      'main/composition/x.ts',
      "import { electronIpcMain } from '../ipc/electron-ipc.ts';",
    ],
    [
      'composition root → CLI',
      'main/composition/x.ts',
      "import { runDriftCommand } from '../cli/drift-command.ts';",
    ],
    [
      'CLI → electron-ipc',
      'main/cli/x.ts',
      "import { electronIpcMain } from '../ipc/electron-ipc.ts';",
    ],
    [
      'domain → electron-ipc',
      'main/setup/x.ts',
      "import { electronIpcMain } from '../ipc/electron-ipc.ts';",
    ],
    // Runtime bans inside main/.
    ['keytar outside its adapter', 'main/okta/x.ts', "import keytar from 'keytar';"],
    [
      'electron in browser mode (plain Node)',
      'main/browser/x.ts',
      "import { app } from 'electron';",
    ],
  ])('%s: %s may not: %s', async (_rule, filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    [
      'main/export/x.ts',
      "import { EXPORT_TARGET_IDS } from '../../shared/export/export-targets.ts';",
    ],
    ['main/preview/x.ts', "import { listenForCallback } from '../sign-in/loopback-callback.ts';"],
    ['main/preview/x.ts', "import { createOktaClient } from '../okta/okta-client.ts';"],
    ['main/preview/x.ts', "import { createJsonLinesJournal } from '../platform/journal.ts';"],
    ['main/preview/diagnosis/x.ts', "import { startPreviewRun } from '../preview-run.ts';"],
    ['main/export/targets/x.ts', "import type { Exporter } from '../exporter.ts';"],
    ['main/sign-in/x.ts', "import { createOktaClient } from '../okta/okta-client.ts';"],
    ['main/okta/x.ts', "import { asObject } from '../platform/json.ts';"],
    ['main/composition/x.ts', "import { startSandbox } from '../sandbox/sandbox-server.ts';"],
    ['main/composition/x.ts', "import { createSetupService } from '../setup/setup-service.ts';"],
    ['main/cli/x.ts', "import { createSetupService } from '../setup/setup-service.ts';"],
    ['main/cli/x.ts', "import { driftServiceFor } from '../composition/day-two-wiring.ts';"],
    ['main/sandbox/x.ts', "import { readBody } from '../platform/http/read-body.ts';"],
    [
      'main/sandbox/oidc/x.ts',
      "import { OKTA_OAUTH_TEXTS } from '../../../shared/okta/oauth-texts.ts';",
    ],
    ['main/app.ts', "import { electronIpcMain } from './ipc/electron-ipc.ts';"],
    ['main/desktop-app.ts', "import { composeConsole } from './composition/compose.ts';"],
    ['main/windows/x.ts', "import { composeConsole } from '../composition/compose.ts';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });

  async function restrictedSyntax(filePath: string, code: string): Promise<string[]> {
    return (await lint(filePath, code))
      .filter((message) => message.ruleId === 'no-restricted-syntax')
      .map((message) => message.message);
  }

  it.each([
    ['main/setup/x.ts', "export async function f() { return import('electron'); }\n"],
    ['main/composition/x.ts', "export async function f() { return import('electron/main'); }\n"],
    ['main/browser/x.ts', "export async function f() { return import('electron'); }\n"],
    ['main/sandbox/x.ts', "export async function f() { return import('electron'); }\n"],
  ])('import(electron) is banned outside the glue: %s', async (filePath, code) => {
    expect(await restrictedSyntax(filePath, code)).not.toEqual([]);
  });

  it.each([
    ['main/windows/x.ts', "export async function f() { return import('electron'); }\n"],
    ['main/setup/x.ts', "export async function f() { return import('electron-store'); }\n"],
    ['main/export/x.ts', "export async function f() { return import('yaml'); }\n"],
  ])('import() stays allowed where it should: %s', async (filePath, code) => {
    expect(await restrictedSyntax(filePath, code)).toEqual([]);
  });
});

/**
 * The renderer's features (issue 12, RENDERER_FEATURE_ZONES in eslint.config.mjs): no feature
 * imports another; what two share is in renderer/components/, the wizard shell in renderer/app/.
 */
describe('renderer features', () => {
  const FEATURES = ['connect', 'setup', 'preview', 'export', 'day-two', 'keychain'];
  const SIBLING_MESSAGE = 'may not import another feature';

  it('covers every feature folder on disk', async () => {
    const { readdirSync } = await import('node:fs');
    const folders = readdirSync(path.join(root, 'renderer/features'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.sort()).toEqual([...FEATURES].sort());
  });

  it.each(
    FEATURES.flatMap((feature) =>
      FEATURES.filter((other) => other !== feature).map((other) => [
        `renderer/features/${feature}/x.tsx`,
        `import { x } from '../${other}/x.tsx';`,
      ]),
    ),
  )('%s may not: %s', async (filePath, code) => {
    const messages = await restrictedImports(filePath, `${code}\nexport const used = x;\n`);
    expect(messages.some((message) => message.includes(SIBLING_MESSAGE))).toBe(true);
  });

  it.each([
    [
      'nested file → sibling',
      'renderer/features/export/sub/x.tsx',
      "import { Claims } from '../../preview/preview-step.tsx';",
    ],
    [
      'through features/',
      'renderer/features/export/x.tsx',
      "import { Claims } from '../../features/preview/preview-step.tsx';",
    ],
    [
      'a type only',
      'renderer/features/preview/x.tsx',
      "import type { ResultPanel } from '../setup/result-panel.tsx';",
    ],
  ])('%s: %s may not: %s', async (_rule, filePath, code) => {
    const messages = await restrictedImports(filePath, `${code}\nexport const used = 1;\n`);
    expect(messages.some((message) => message.includes(SIBLING_MESSAGE))).toBe(true);
  });

  it.each([
    ['renderer/features/export/x.tsx', "import { ipcRenderer } from 'electron';"],
    ['renderer/features/setup/x.tsx', "import path from 'node:path';"],
    [
      'renderer/features/preview/x.tsx',
      "import { composeConsole } from '../../../main/composition/compose.ts';",
    ],
  ])('keeps the renderer’s bans inside a feature: %s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).not.toEqual([]);
  });

  it.each([
    ['renderer/features/export/x.tsx', "import { VerifyPanel } from './verify-panel.tsx';"],
    ['renderer/features/export/sub/x.tsx', "import { tokenize } from '../highlight.ts';"],
    [
      'renderer/features/preview/x.tsx',
      "import { StepFooter } from '../../components/step-footer.tsx';",
    ],
    [
      'renderer/features/setup/x.tsx',
      "import type { RefusedTarget } from '../../stores/export/rendering-slice.ts';",
    ],
    [
      'renderer/features/preview/x.tsx',
      "import { claimTime } from '../../../shared/preview/claims.ts';",
    ],
    ['renderer/app/x.tsx', "import { ExportStep } from '../features/export/export-step.tsx';"],
    ['renderer/app/x.tsx', "import { StepFooter } from '../components/step-footer.tsx';"],
    ['renderer/components/x.tsx', "import { KeptSecret } from './kept-secret.tsx';"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = 1;\n`)).toEqual([]);
  });
});

describe('regular expressions on outside text (eslint-plugin-regexp)', () => {
  it.each([
    // The redactor's once: a run of backslashes rescanned from each one.
    [
      'main/platform/logging/x.ts',
      String.raw`export const named = /(?<![\w-])(?:\\[nrt])*(\\*["']?)([A-Za-z][\w-]*)\1\s*([:=])[ \t]*/g;`,
    ],
    [
      'shared/setup/x.ts',
      String.raw`export const trim = (url: string) => url.replace(/\/+$/, '');`,
    ],
    ['renderer/features/x.tsx', String.raw`export const pairs = /(a+)+b/;`],
  ])('%s may not hold a super-linear regex: %s', async (filePath, code) => {
    const rules = (await lint(filePath, code)).map((message) => message.ruleId);
    expect(rules.some((rule) => rule?.startsWith('regexp/'))).toBe(true);
  });

  it('lets a linear one through', async () => {
    expect(
      await lint(
        'main/platform/logging/x.ts',
        String.raw`export const named = /(?<![\w-])(?:\\[nrt])*(\\{0,7}["']?)([A-Za-z][\w-]*)\1\s*([:=])[ \t]*/g;`,
      ),
    ).toEqual([]);
  });
});
