import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { build } from 'esbuild';

/** Bundles a TypeScript script (of this folder, or of `dir`) into one .mjs in a temp folder, to run as its own process. */
export async function bundleTestScript(name: string, dir = import.meta.dirname): Promise<string> {
  const outfile = join(await mkdtemp(join(tmpdir(), 'traindeck-script-')), `${name}.mjs`);
  await build({
    entryPoints: [resolve(dir, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    external: ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  return outfile;
}
