// Lint rules that hold the architecture in place: only two files may touch Electron IPC,
// domain code never imports electron, only adapters import the AWS SDK or ssh2, shared/
// stays platform-free, and the renderer reaches main only through the bridge.
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
  { files: ['shared/**/*.ts'], rules: restrict(R.electron, R.node, R.uiLayers, R.awsSdk, R.ssh2) },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/app/**', 'main/aws/**', 'main/ssh/**'],
    rules: restrict(R.electron, R.awsSdk, R.ssh2, R.uiLayers),
  },
  {
    files: REMOTE_PATH_FILES,
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: restrict(R.electron, R.awsSdk, R.ssh2, R.uiLayers, R.localPath),
  },
  { files: ['main/aws/**/*.ts'], rules: restrict(R.electron, R.ssh2, R.uiLayers) },
  { files: ['main/ssh/**/*.ts'], rules: restrict(R.electron, R.awsSdk, R.uiLayers) },
  { files: ['main/app/**/*.ts'], rules: restrict(R.ipc, R.awsSdk, R.ssh2, R.uiLayers) },
  { files: IPC_FILES, rules: restrict(R.awsSdk, R.ssh2) },
  // Tests and their fixtures may reach past the ports (tampering with S3 behind the engine's back).
  { files: ['main/**/*.test.ts', 'main/**/testing/**/*.ts'], rules: restrict(R.electron, R.uiLayers) },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules, ...restrict(R.electron, R.node, R.mainLayer, R.awsSdk, R.ssh2) },
  },
);
