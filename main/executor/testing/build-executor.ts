import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * Bundles the executor the way scripts/build-node.mjs does, into a temp folder with
 * bootstrap.sh beside it: tests upload exactly what a release would (≈1 s).
 */
export async function buildExecutorBundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'traindeck-executor-'));
  await build({
    entryPoints: [join(ROOT, 'main/executor/executor.ts')],
    outfile: join(dir, 'executor.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
    external: ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'],
    banner: {
      js: "import { createRequire as __traindeckCreateRequire } from 'node:module'; const require = __traindeckCreateRequire(import.meta.url);",
    },
  });
  await copyFile(join(ROOT, 'main/executor/bootstrap.sh'), join(dir, 'bootstrap.sh'));
  return dir;
}
