// Bundles every Node-side entry with esbuild: each bundle is self-contained, so the
// packaged app ships no node_modules and the executor is one file to upload.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

// ESM bundles that inline CommonJS packages (ws) need a real `require`.
const esmRequireBanner = "import { createRequire as __traindeckCreateRequire } from 'node:module'; const require = __traindeckCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  // Optional at run time: ws's native speed-ups, the AWS SDK's CRT and SigV4a signers (only
  // S3 multi-region access points need them). Their users load them in try/catch.
  external: ['bufferutil', 'utf-8-validate', '@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'],
};

const entries = [
  { entryPoints: ['main/app/main.ts'], outfile: 'dist/main/main.cjs', format: 'cjs', target: 'node22', external: [...common.external, 'electron'] },
  { entryPoints: ['preload/index.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs', target: 'node22', external: ['electron'] },
  // Split so that each command loads only its own code (see COMMAND_LOADERS in main/cli/cli.ts).
  { entryPoints: { traindeck: 'main/cli/traindeck.ts' }, outdir: 'dist/cli', outExtension: { '.js': '.mjs' }, splitting: true, chunkNames: 'chunks/[name]-[hash]', format: 'esm', target: 'node20', banner: { js: esmRequireBanner } },
  { entryPoints: ['main/web/host.ts'], outfile: 'dist/web/host.mjs', format: 'esm', target: 'node20', banner: { js: esmRequireBanner } },
  { entryPoints: ['main/executor/executor.ts'], outfile: 'dist/executor/executor.mjs', format: 'esm', target: 'node20', banner: { js: esmRequireBanner } },
];

await Promise.all(['dist/main', 'dist/preload', 'dist/cli', 'dist/web', 'dist/executor'].map((dir) => rm(dir, { recursive: true, force: true })));
await Promise.all(entries.map((entry) => build({ ...common, ...entry })));
