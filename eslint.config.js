// Lint rules that hold the architecture in place: only two files may touch Electron IPC,
// domain code never imports electron, only adapters import the AWS SDK or ssh2, shared/
// stays platform-free, the renderer reaches main only through the bridge, and main/'s own
// folders form layers (docs/ARCHITECTURE.md draws them; docs/adr/0010-layers-by-lint.md says why).
// scripts/folder-graph.mjs (in `npm test`) checks that the folders still form no cycle.
// Flat config replaces (not merges) a rule per file, so each file set below gets its
// complete list of restrictions from `restrict()`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const R = {
  ipc: {
    paths: [
      {
        name: 'electron',
        importNames: ['ipcMain', 'ipcRenderer'],
        message: 'Only main/app/ipc.ts and preload/index.ts use Electron IPC; go through the typed contract.',
      },
    ],
  },
  electron: { paths: [{ name: 'electron', message: 'Domain code never imports electron; only main/app/ does.' }] },
  awsSdk: {
    patterns: [
      { group: ['@aws-sdk/*'], message: 'Only main/aws/ adapters import the AWS SDK; depend on their ports.' },
    ],
  },
  ssh2: { paths: [{ name: 'ssh2', message: 'Only main/ssh/ adapters import ssh2.' }] },
  node: {
    patterns: [
      { group: ['node:*'], message: 'No Node APIs here (shared/ is platform-free; the renderer is a sandboxed page).' },
    ],
  },
  uiLayers: {
    patterns: [
      {
        group: ['**/renderer/**', '**/preload/**'],
        message: 'main/ and shared/ do not import the renderer or preload.',
      },
    ],
  },
  // node:path follows the desktop's OS (backslashes on Windows); a remote machine is POSIX.
  localPath: {
    paths: ['node:path', 'path'].map((name) => ({
      name,
      allowImportNames: ['posix'],
      message: 'This code builds remote (POSIX) paths: import from node:path/posix, or { posix } from node:path.',
    })),
  },
  mainLayer: {
    patterns: [
      { group: ['**/main/**', '**/preload/**'], message: 'This code reaches main only through the contract.' },
    ],
  },
  // main/'s layers. Specifiers are relative, so a folder is matched as the first segment after the `../` run:
  // `../../runs/x` is main/runs, while `../../shared/sync/x` is shared/ (not main/sync).
  sharedOnly: {
    patterns: [
      {
        group: ['**/main/**', '**/e2e/**', '**/scripts/**', '**/bench/**'],
        message: 'shared/ imports only shared/ (and packages): move what both sides need into shared/.',
      },
    ],
  },
  kernel: {
    patterns: [
      {
        regex: '^\\.\\./(?!\\.\\./)',
        message:
          'The kernel (main/core) imports nothing else of main/: take the dependency as a parameter, or move the code out of the kernel.',
      },
    ],
  },
  aboveEngines: {
    patterns: [
      {
        regex: '^(\\.\\./)+(runs|lifecycle|dashboard|composition|app|web|cli)(/|$)',
        message:
          'Adapters and engines (aws, ssh, sync, monitor, host, config, executor) never import runs/, lifecycle/, dashboard/, the composition root or an entry point: put the port beside the adapter (e.g. main/host/) and let the caller pass it in.',
      },
    ],
  },
  aboveLifecycle: {
    patterns: [
      {
        regex: '^(\\.\\./)+(runs|dashboard|composition|app|web|cli)(/|$)',
        message:
          'main/lifecycle sits below runs/ and dashboard/: it never imports them, the composition root or an entry point.',
      },
    ],
  },
  aboveFeatures: {
    patterns: [
      {
        regex: '^(\\.\\./)+(dashboard|composition|app|web|cli)(/|$)',
        message: 'Only the composition root and the entry points (app, web, cli) import everything.',
      },
    ],
  },
  entryPoints: {
    patterns: [
      {
        regex: '^(\\.\\./)+(app|web|cli)(/|$)',
        message: 'Nothing imports an entry point (app, web, cli): they import the composition root.',
      },
    ],
  },
  testing: {
    patterns: [
      {
        group: ['**/testing/**', '**/testing'],
        message:
          'testing/ never ships: product code does not import it (a fake that ships lives in fake/, like main/aws/fake).',
      },
    ],
  },
  // Components render what they are given: they may name a store's types, never read or change a store.
  storesAsTypes: {
    patterns: [
      {
        group: ['**/stores/**', '**/stores'],
        allowTypeImports: true,
        message:
          'Components import stores only as types: the page (features/*/pages) reads the store and passes props.',
      },
    ],
  },
};

/** One `no-restricted-imports` rule from several restriction groups. */
function restrict(...groups) {
  return {
    'no-restricted-imports': [
      'error',
      { paths: groups.flatMap((g) => g.paths ?? []), patterns: groups.flatMap((g) => g.patterns ?? []) },
    ],
  };
}

const IPC_FILES = ['main/app/ipc.ts', 'preload/index.ts'];
/** Tests and the fixtures only tests use: lint lets them import testing/ and cross layers. */
const TEST_CODE = ['**/*.test.ts', '**/*.test.tsx', '**/testing/**'];

/**
 * main/'s folders, bottom-up, each with the layer rule it keeps (docs/ARCHITECTURE.md). The kernel imports only
 * shared/; adapters and engines never import a feature, the composition root or an entry point; lifecycle sits
 * below runs and dashboard; only the composition root and the entry points (app, web, cli) import everything.
 * A folder missing here fails the check in scripts/folder-graph.mjs, so a new folder gets a layer.
 */
export const MAIN_LAYERS = {
  core: [R.kernel],
  host: [R.aboveEngines],
  config: [R.aboveEngines],
  trust: [R.aboveEngines],
  aws: [R.aboveEngines],
  ssh: [R.aboveEngines],
  sync: [R.aboveEngines],
  monitor: [R.aboveEngines],
  executor: [R.aboveEngines],
  lifecycle: [R.aboveLifecycle],
  runs: [R.aboveFeatures],
  dashboard: [R.aboveFeatures],
  composition: [R.entryPoints],
  app: [],
  web: [],
  cli: [],
};

/** Which libraries a main/ folder may use: only main/app imports electron, only main/aws the SDK, only main/ssh ssh2. */
function libraryRules(folder) {
  if (folder === 'app') return [R.ipc, R.awsSdk, R.ssh2, R.uiLayers];
  if (folder === 'aws') return [R.electron, R.ssh2, R.uiLayers];
  if (folder === 'ssh') return [R.electron, R.awsSdk, R.uiLayers];
  return [R.electron, R.awsSdk, R.ssh2, R.uiLayers];
}

/** Code that builds paths on the training machine (remote-paths-windows.test.ts checks the rule holds). */
export const REMOTE_PATH_FILES = [
  'main/executor/work-layout.ts',
  'main/runs/pipeline/start-executor.ts',
  'main/runs/pipeline/follow-executor.ts',
  'main/runs/pipeline/verify-sync.ts',
  'main/runs/pipeline/run-pipeline.ts',
  'main/runs/backends/ssh-host-backend.ts',
  'main/runs/backends/ec2-backend.ts',
  'main/monitor/**/*.ts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'release/**',
      'node_modules/**',
      'e2e/artifacts/**',
      'test-results/**',
      'playwright-report/**',
      '.tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      // Braces may be left out only when the body sits on the same line as its `if`.
      curly: ['error', 'multi-line'],
      // One import order everywhere (packages, then absolute, then relative), so merges do not fight over it.
      // Side-effect imports (component CSS) stay last, in their order: a component's own CSS must load after its
      // children's so that its rules win the cascade.
      'simple-import-sort/imports': ['error', { groups: [['^node:'], ['^@?\\w'], ['^'], ['^\\.'], ['^\\u0000']] }],
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      ...restrict(R.ipc),
    },
  },
  { files: ['shared/**/*.ts'], rules: restrict(R.electron, R.node, R.uiLayers, R.awsSdk, R.ssh2, R.sharedOnly) },
  {
    files: ['shared/**/*.ts'],
    ignores: TEST_CODE,
    rules: restrict(R.electron, R.node, R.uiLayers, R.awsSdk, R.ssh2, R.sharedOnly, R.testing),
  },
  // main/: one block per folder, with its library rules, its layer and (in product code) no testing/.
  ...Object.keys(MAIN_LAYERS).flatMap((folder) => {
    const product = [...libraryRules(folder), ...MAIN_LAYERS[folder], R.testing];
    const remotePaths = REMOTE_PATH_FILES.filter((file) => file.startsWith(`main/${folder}/`));
    return [
      { files: [`main/${folder}/**/*.ts`], ignores: TEST_CODE, rules: restrict(...product) },
      ...(remotePaths.length
        ? [{ files: remotePaths, ignores: TEST_CODE, rules: restrict(...product, R.localPath) }]
        : []),
    ];
  }),
  { files: IPC_FILES, rules: restrict(R.awsSdk, R.ssh2, R.testing) },
  // Tests and their fixtures may reach past the ports (tampering with S3 behind the engine's back) and across layers.
  { files: ['main/**/*.test.ts', 'main/**/testing/**/*.ts'], rules: restrict(R.electron, R.uiLayers) },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, ...restrict(R.electron, R.node, R.mainLayer, R.awsSdk, R.ssh2) },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: TEST_CODE,
    rules: restrict(R.electron, R.node, R.mainLayer, R.awsSdk, R.ssh2, R.testing),
  },
  {
    files: ['renderer/**/components/**/*.{ts,tsx}'],
    ignores: TEST_CODE,
    rules: restrict(R.electron, R.node, R.mainLayer, R.awsSdk, R.ssh2, R.testing, R.storesAsTypes),
  },
);
