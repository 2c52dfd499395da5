// @ts-check
import js from '@eslint/js';
import sdl from '@microsoft/eslint-plugin-sdl';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tsdoc from 'eslint-plugin-tsdoc';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'util',
  'stream',
  'events',
];

const RAW_IPC = [
  {
    name: 'electron',
    importNames: ['ipcMain', 'ipcRenderer'],
    message: 'Raw IPC only in main/ipc/ (via the router) and main/preload.ts.',
  },
];

/**
 * Import zones by runtime (conventions.md §2). Each zone lists what it may never import; the
 * messages say why. Exported so test/lint/ can prove each rule fires.
 */
export const ZONES = {
  shared: {
    files: ['shared/**/*.{ts,tsx}'],
    patterns: [
      { group: ['electron', 'electron/*'], message: 'shared/ runs everywhere: no Electron.' },
      { group: ['keytar'], message: 'shared/ runs everywhere: no keytar.' },
      { group: NODE_BUILTINS, message: 'shared/ runs everywhere: no Node built-ins.' },
      { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'shared/ holds no UI.' },
      {
        group: ['**/main/**', '../main/*', '../../main/*'],
        message: 'shared/ may not depend on main/.',
      },
      {
        group: ['**/renderer/**', '../renderer/*', '../../renderer/*'],
        message: 'shared/ may not depend on renderer/.',
      },
    ],
  },
  renderer: {
    files: ['renderer/**/*.{ts,tsx}'],
    patterns: [
      {
        group: ['electron', 'electron/*'],
        message: 'The renderer reaches main only through the bridge (renderer/api/bridge.ts).',
      },
      { group: ['keytar'], message: 'Secrets never reach the renderer.' },
      { group: NODE_BUILTINS, message: 'The renderer is sandboxed web code: no Node built-ins.' },
      {
        group: ['**/main/**', '../main/*', '../../main/*', '../../../main/*'],
        message: 'The renderer may import shared/ only, never main/.',
      },
    ],
  },
  main: {
    files: ['main/**/*.ts'],
    patterns: [
      { group: ['**/renderer/**'], message: 'main/ may not import renderer/.' },
      {
        group: ['keytar'],
        message: 'Only main/adapters/ may import keytar (behind the SecretStore interface).',
      },
      {
        group: ['electron', 'electron/*'],
        // Types may be named anywhere in main/ (they vanish at run time); values only in the glue.
        allowTypeImports: true,
        message:
          'Only the Electron glue (adapters/, windows/, ipc/, preload.ts, app.ts) may import electron.',
      },
    ],
  },
  electronGlue: {
    files: ['main/windows/**/*.ts', 'main/app.ts'],
    patterns: [
      { group: ['**/renderer/**'], message: 'main/ may not import renderer/.' },
      {
        group: ['keytar'],
        message: 'Only main/adapters/ may import keytar (behind the SecretStore interface).',
      },
    ],
    paths: RAW_IPC,
  },
  ipcAndPreload: {
    files: ['main/ipc/**/*.ts', 'main/preload.ts'],
    patterns: [
      { group: ['**/renderer/**'], message: 'main/ may not import renderer/.' },
      {
        group: ['keytar'],
        message: 'Only main/adapters/ may import keytar (behind the SecretStore interface).',
      },
    ],
  },
  adapters: {
    files: ['main/adapters/**/*.ts'],
    patterns: [{ group: ['**/renderer/**'], message: 'main/ may not import renderer/.' }],
    paths: RAW_IPC,
  },
  tests: {
    files: ['test/**/*.{ts,tsx}'],
    patterns: [
      {
        group: ['electron', 'electron/*'],
        message: 'Tests never import electron: a test that needs it means the glue is too thick.',
      },
    ],
  },
};

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort, tsdoc, '@microsoft/sdl': sdl },
    rules: {
      'tsdoc/syntax': 'error',
      // simple-import-sort rather than import/order: the latter's resolver needs native
      // bindings that this registry does not carry for every platform, which breaks npm ci.
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // Named exports only (conventions §12).
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use a named export.' },
        // Electron checklist #15: any `.openExternal`, however the shell object is reached.
        {
          selector: "MemberExpression[property.name='openExternal']",
          message: 'Use openExternalSafe (main/adapters/open-external.ts): Electron checklist #15.',
        },
      ],
      eqeqeq: 'error',
      curly: 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@microsoft/sdl/no-electron-node-integration': 'error',
      '@microsoft/sdl/no-insecure-url': [
        'error',
        {
          exceptions: [
            '^http://127\\.0\\.0\\.1',
            '^http://localhost',
            '^http://evil\\.example',
            '^http://\\$\\{',
          ],
        },
      ],
      '@microsoft/sdl/no-inner-html': 'error',
      '@microsoft/sdl/no-postmessage-star-origin': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: false }],
      '@typescript-eslint/consistent-type-definitions': 'off',
    },
  },
  // Later zones override earlier ones for the files they name (flat config), so the general
  // main/ zone comes first and the glue's narrower allowances after it.
  ...Object.values(ZONES).map((zone) => ({
    files: zone.files,
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: zone.patterns, paths: 'paths' in zone ? zone.paths : [] },
      ],
    },
  })),
  {
    files: ['renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Tests feed insecure URLs on purpose and pass vitest mocks around as values.
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      '@microsoft/sdl/no-insecure-url': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Tests assert on fakes' openExternal; the ban protects production code.
      'no-restricted-syntax': 'off',
      // The Okta SDK's request models are classes, but it takes plain objects.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    // The Okta SDK types request bodies as model classes but sends plain JSON either way; the
    // setup engine and the preview build their bodies as plain objects.
    files: ['main/setup/**/*.ts', 'main/preview/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-class-instance-assignment': 'off' },
  },
  {
    // Tool configs must default-export their config: that is the tool's contract.
    files: ['*.config.{ts,mts,mjs}', 'eslint.config.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
