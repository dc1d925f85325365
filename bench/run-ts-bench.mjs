// Bundles one TypeScript bench with esbuild (as scripts/build-node.mjs does for the app), runs it in this
// process (so its arguments pass through), and removes the bundle. One home for bench/*/run.mjs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { build } from 'esbuild';

/** Runs the bench at `entry` (an absolute path to a .ts file). */
export async function runTsBench(entry) {
  const name = basename(entry, '.ts');
  const out = await mkdtemp(join(tmpdir(), `traindeck-${name}-`));
  const outfile = join(out, `${name}.mjs`);
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
    await import(pathToFileURL(outfile).href);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
