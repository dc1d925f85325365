#!/usr/bin/env node
// Bundles the TypeScript bench with esbuild (as bench/scan does) and runs it; arguments pass through.
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = await mkdtemp(join(tmpdir(), 'traindeck-bench-patterns-'));
const outfile = join(out, 'patterns-bench.mjs');
try {
  await build({
    entryPoints: [join(here, 'patterns-bench.ts')],
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
