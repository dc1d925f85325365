import { join, resolve } from 'node:path';

import { build, type BuildOptions } from 'esbuild';

import { common, esmRequireBanner } from '../../../scripts/node-bundle-options.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

// As scripts/build-node.mjs bundles the CLI, quieter and without source maps.
const OPTIONS: BuildOptions = {
  ...common,
  sourcemap: false,
  logLevel: 'error',
  format: 'esm',
  target: 'node20',
  banner: { js: esmRequireBanner },
};

/**
 * Bundles this checkout's `traindeck` binary into `<dir>/dist/cli/traindeck.mjs` (so its project
 * root is `dir`), for tests that need a real process: signals, closed pipes, exit codes.
 */
export async function buildCli(dir: string): Promise<string> {
  const outdir = join(dir, 'dist', 'cli');
  await build({
    ...OPTIONS,
    entryPoints: { traindeck: join(ROOT, 'main', 'cli', 'traindeck.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
  });
  return join(outdir, 'traindeck.mjs');
}

/** Bundles a small TypeScript program (imports resolved from main/cli) into `outfile`. */
export async function buildScript(contents: string, outfile: string): Promise<string> {
  await build({ ...OPTIONS, stdin: { contents, resolveDir: join(ROOT, 'main', 'cli'), loader: 'ts' }, outfile });
  return outfile;
}
