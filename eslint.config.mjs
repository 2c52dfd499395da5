// @ts-check
import js from '@eslint/js';
import sdl from '@microsoft/eslint-plugin-sdl';
import reactHooks from 'eslint-plugin-react-hooks';
import regexp from 'eslint-plugin-regexp';
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
 * main/'s folders by layer, bottom to top (README "Architecture"). A folder may import its own
 * layer's files and the layers beneath it, never a layer above, never a sibling domain.
 */
const MAIN_LAYERS = {
  platform: ['platform'],
  okta: ['okta'],
  signIn: ['sign-in'],
  domains: [
    'setup',
    'preview',
    'export',
    'profiles',
    'activity',
    'teardown',
    'managed-apps',
    'rotation',
    'drift',
  ],
  root: ['composition', 'cli'],
  glue: ['ipc', 'windows', 'browser'],
};
/** The Electron glue and entry files at main/'s top level. */
const MAIN_TOP_FILES = ['app', 'desktop-app', 'launcher', 'preload', 'preload-bridge'];

/**
 * A restriction on importing main/'s folders, matched on the specifier: a run of `../` and then
 * the folder, so `../export/x.ts` (main/export) is caught and `../../shared/export/x.ts` is not.
 */
function mainFolders(folders, message) {
  return { regex: `^(?:\\.\\./)+(?:${folders.join('|')})/`, message };
}

/** The glue and the entry files: the top layer, which nothing beneath may import. */
const GLUE_IMPORTS = [
  mainFolders(
    MAIN_LAYERS.glue,
    'Only the glue imports IPC, windows and browser mode; a service gets what it needs as an argument.',
  ),
  {
    regex: `^(?:\\.\\./)+(?:${MAIN_TOP_FILES.join('|')})\\.ts$`,
    message: 'The entry files are the top of main/: nothing beneath them imports them.',
  },
];
const SANDBOX_IMPORT = mainFolders(
  ['sandbox'],
  'Only the composition root reaches the sandbox org (it starts the embedded default org).',
);
const NO_RENDERER = { group: ['**/renderer/**'], message: 'main/ may not import renderer/.' };
const NO_KEYTAR = {
  group: ['keytar'],
  message:
    'Only main/platform/secrets/keytar-secret-store.ts may import keytar (behind the SecretStore interface).',
};
const NO_ELECTRON_VALUES = {
  group: ['electron', 'electron/*'],
  // Types may be named anywhere in main/ (they vanish at run time); values only in the glue.
  allowTypeImports: true,
  message:
    'Only the Electron glue (windows/, ipc/, app.ts, desktop-app.ts, preload.ts) may import electron: the rest runs in plain Node.',
};

/** One zone of main/: the folders' files may not import `forbidden` (plus main/'s common bans). */
function mainZone(files, forbidden, { ignores = [], keytar = false } = {}) {
  return {
    files,
    ignores,
    patterns: [NO_RENDERER, ...(keytar ? [] : [NO_KEYTAR]), NO_ELECTRON_VALUES, ...forbidden],
  };
}

const ABOVE_DOMAINS = [
  mainFolders(
    MAIN_LAYERS.root,
    'Domains and layers never import the composition root or the CLI: they are given what they need.',
  ),
  ...GLUE_IMPORTS,
  SANDBOX_IMPORT,
];
const ABOVE_SIGN_IN = [
  mainFolders(MAIN_LAYERS.domains, 'A layer beneath the domains may not import a domain.'),
  ...ABOVE_DOMAINS,
];
const ABOVE_OKTA = [
  mainFolders(MAIN_LAYERS.signIn, 'The Okta layer sits beneath sign-in receiving.'),
  ...ABOVE_SIGN_IN,
];
const ABOVE_PLATFORM = [
  mainFolders(MAIN_LAYERS.okta, 'The platform layer sits beneath the Okta layer.'),
  ...ABOVE_OKTA,
];

/** main/'s zones, one per layer (and one per domain, so no domain imports a sibling). */
const MAIN_ZONES = {
  platform: mainZone(['main/platform/**/*.ts'], ABOVE_PLATFORM, {
    ignores: ['main/platform/secrets/keytar-secret-store.ts'],
  }),
  keytarAdapter: mainZone(['main/platform/secrets/keytar-secret-store.ts'], ABOVE_PLATFORM, {
    keytar: true,
  }),
  okta: mainZone(['main/okta/**/*.ts'], ABOVE_OKTA),
  signIn: mainZone(['main/sign-in/**/*.ts'], ABOVE_SIGN_IN),
  ...Object.fromEntries(
    MAIN_LAYERS.domains.map((domain) => [
      domain,
      mainZone(
        [`main/${domain}/**/*.ts`],
        [
          mainFolders(
            MAIN_LAYERS.domains.filter((other) => other !== domain),
            `main/${domain}/ may not import a sibling domain: what two domains share moves down a layer (okta/, sign-in/, platform/).`,
          ),
          ...ABOVE_DOMAINS,
        ],
      ),
    ]),
  ),
  composition: mainZone(
    ['main/composition/**/*.ts'],
    [
      mainFolders(
        ['cli'],
        'The CLI sits on the composition root, not beneath it: wiring both share lives in main/composition/, and the CLI imports it.',
      ),
      ...GLUE_IMPORTS,
    ],
  ),
  cli: mainZone(['main/cli/**/*.ts'], [...GLUE_IMPORTS, SANDBOX_IMPORT]),
  sandbox: mainZone(
    ['main/sandbox/**/*.ts'],
    [
      mainFolders(
        [...MAIN_LAYERS.okta, ...MAIN_LAYERS.signIn, ...MAIN_LAYERS.domains, ...MAIN_LAYERS.root],
        'The sandbox org stands beside the product: it imports only main/platform/ and shared/.',
      ),
      ...GLUE_IMPORTS,
    ],
  ),
  browserMode: mainZone(['main/browser/**/*.ts', 'main/launcher.ts'], []),
  electronGlue: {
    files: ['main/windows/**/*.ts', 'main/app.ts', 'main/desktop-app.ts'],
    patterns: [NO_RENDERER, NO_KEYTAR],
    paths: RAW_IPC,
  },
  ipcAndPreload: {
    files: ['main/ipc/**/*.ts', 'main/preload.ts', 'main/preload-bridge.ts'],
    patterns: [NO_RENDERER, NO_KEYTAR],
  },
};

/** Syntax banned everywhere (tests and tool configs lift parts of it below). */
const RESTRICTED_SYNTAX = [
  // Named exports only (conventions §12).
  { selector: 'ExportDefaultDeclaration', message: 'Use a named export.' },
  // Electron checklist #15: any `.openExternal`, however the shell object is reached.
  {
    selector: "MemberExpression[property.name='openExternal']",
    message: 'Use openExternalSafe (main/windows/open-external.ts): Electron checklist #15.',
  },
  // The Okta SDK's convenience requests sign a DPoP proof's `htm` in lower case, which Okta refuses.
  {
    selector: 'MemberExpression[property.name=/^(getJson|postJson|putJson)$/]',
    message: 'Use requestOktaJson (main/okta/okta-request.ts): DPoP needs the method in capitals.',
  },
];

/** main/'s files outside the Electron glue, where even a dynamic `import('electron')` is banned. */
const MAIN_OUTSIDE_GLUE = {
  files: ['main/**/*.ts'],
  ignores: [
    'main/windows/**',
    'main/ipc/**',
    'main/app.ts',
    'main/desktop-app.ts',
    'main/preload.ts',
    'main/preload-bridge.ts',
  ],
};

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
  ...MAIN_ZONES,
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

/** The renderer's features (README "Architecture"), one folder each under renderer/features/. */
const RENDERER_FEATURES = ['connect', 'setup', 'preview', 'export', 'day-two', 'keychain'];

/**
 * No feature imports another: what two share moves to renderer/components/, and the wizard shell
 * that lists the steps lives in renderer/app/. One config object per feature, spread at the end
 * of the list: flat config gives a file the last `no-restricted-imports` that names it, so each
 * repeats the renderer zone's bans before adding its siblings.
 */
const RENDERER_FEATURE_ZONES = RENDERER_FEATURES.map((feature) => ({
  files: [`renderer/features/${feature}/**/*.{ts,tsx}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...ZONES.renderer.patterns,
          {
            // A run of `../`, maybe `features/`, then a sibling: `../export/x.tsx` and
            // `../../features/export/x.tsx` are caught, `../../stores/export/x.ts` is not.
            regex: `^(?:\\.\\./)+(?:features/)?(?:${RENDERER_FEATURES.filter((other) => other !== feature).join('|')})/`,
            message: `renderer/features/${feature}/ may not import another feature: what two share moves to renderer/components/, the wizard shell is in renderer/app/.`,
          },
        ],
      },
    ],
  },
}));

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
      'no-restricted-syntax': ['error', ...RESTRICTED_SYNTAX],
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
    ...('ignores' in zone ? { ignores: zone.ignores } : {}),
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: zone.patterns, paths: 'paths' in zone ? zone.paths : [] },
      ],
    },
  })),
  {
    // A dynamic import escapes no-restricted-imports, so outside the glue it is banned as syntax.
    ...MAIN_OUTSIDE_GLUE,
    rules: {
      'no-restricted-syntax': [
        'error',
        ...RESTRICTED_SYNTAX,
        {
          selector: 'ImportExpression[source.value=/^electron(\\u002F|$)/]',
          message:
            'Only the Electron glue (windows/, ipc/, app.ts, desktop-app.ts, preload.ts) may load electron, statically or with import().',
        },
      ],
    },
  },
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
    // Every regex in the product and the sandbox runs on text from outside (log lines, Okta's
    // answers, files the admin merges, requests to the sandbox): none may backtrack super-linearly
    // (ReDoS), nor rescan from every position of a long run (the redactor once took 5.5 s on 80 KB
    // of backslashes that way).
    files: ['main/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
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
  ...RENDERER_FEATURE_ZONES,
);
