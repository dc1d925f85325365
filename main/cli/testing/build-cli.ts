import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

// As scripts/build-node.mjs bundles the CLI: ESM that inlines CommonJS (ssh2) needs `require` and `__dirname`.
const REQUIRE_BANNER =
  "import { createRequire as __tdRequire } from 'node:module'; import { fileURLToPath as __tdPath } from 'node:url'; import { dirname as __tdDirname } from 'node:path'; const require = __tdRequire(import.meta.url); const __filename = __tdPath(import.meta.url); const __dirname = __tdDirname(__filename);";

const OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  banner: { js: REQUIRE_BANNER },
  external: [
    'bufferutil',
    'utf-8-validate',
    '@aws-sdk/signature-v4-crt',
    '@aws-sdk/signature-v4a',
    'cpu-features',
    '*.node',
  ],
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
