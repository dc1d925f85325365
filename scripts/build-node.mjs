// Bundles every Node-side entry with esbuild: each bundle is self-contained, so the
// packaged app ships no node_modules and the executor is one file to upload.
import { copyFile, rm } from 'node:fs/promises';

import { build } from 'esbuild';

import { common, esmRequireBanner } from './node-bundle-options.mjs';

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
