// Bundles every Node-side entry with esbuild: each bundle is self-contained, so the
// packaged app ships no node_modules and the executor is one file to upload.
import { build } from 'esbuild';
import { copyFile, rm } from 'node:fs/promises';

// ESM bundles that inline CommonJS packages (ws, ssh2) need a real `require`, and ssh2 also reads
// `__dirname` when it loads (its agent and WebAssembly poly1305 helpers).
const esmRequireBanner =
  "import { createRequire as __traindeckCreateRequire } from 'node:module'; import { fileURLToPath as __traindeckFileURLToPath } from 'node:url'; import { dirname as __traindeckDirname } from 'node:path'; const require = __traindeckCreateRequire(import.meta.url); const __filename = __traindeckFileURLToPath(import.meta.url); const __dirname = __traindeckDirname(__filename);";

const common = {
  bundle: true,
  platform: 'node',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // Optional at run time: ws's native speed-ups, the AWS SDK's CRT and SigV4a signers (only
  // S3 multi-region access points need them), ssh2's native crypto and cpu-features. Their
  // users load them in try/catch and fall back to JavaScript, so the bundles stay portable.
  external: [
    'bufferutil',
    'utf-8-validate',
    '@aws-sdk/signature-v4-crt',
    '@aws-sdk/signature-v4a',
    'cpu-features',
    '*.node',
  ],
};

const entries = [
  {
    entryPoints: ['main/app/main.ts'],
    outfile: 'dist/main/main.cjs',
    format: 'cjs',
    target: 'node22',
    external: [...common.external, 'electron'],
  },
  {
    entryPoints: ['preload/index.ts'],
    outfile: 'dist/preload/preload.cjs',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
  },
  // Split so that each command loads only its own code (see COMMAND_LOADERS in main/cli/cli.ts).
  {
    entryPoints: { traindeck: 'main/cli/traindeck.ts' },
    outdir: 'dist/cli',
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    target: 'node20',
    banner: { js: esmRequireBanner },
  },
  {
    entryPoints: ['main/web/host.ts'],
    outfile: 'dist/web/host.mjs',
    format: 'esm',
    target: 'node20',
    banner: { js: esmRequireBanner },
  },
  {
    entryPoints: ['main/executor/executor.ts'],
    outfile: 'dist/executor/executor.mjs',
    format: 'esm',
    target: 'node20',
    banner: { js: esmRequireBanner },
  },
];

await Promise.all(
  ['dist/main', 'dist/preload', 'dist/cli', 'dist/web', 'dist/executor'].map((dir) =>
    rm(dir, { recursive: true, force: true }),
  ),
);
await Promise.all(entries.map((entry) => build({ ...common, ...entry })));
// The executor's POSIX bootstrap is uploaded next to its bundle.
await copyFile('main/executor/bootstrap.sh', 'dist/executor/bootstrap.sh');
