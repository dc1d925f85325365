// The esbuild options every Node-side bundle shares (scripts/build-node.mjs, and tests that bundle the CLI).

// ESM bundles that inline CommonJS packages (ws, ssh2) need a real `require`, and ssh2 also reads
// `__dirname` when it loads (its agent and WebAssembly poly1305 helpers).
export const esmRequireBanner =
  "import { createRequire as __traindeckCreateRequire } from 'node:module'; import { fileURLToPath as __traindeckFileURLToPath } from 'node:url'; import { dirname as __traindeckDirname } from 'node:path'; const require = __traindeckCreateRequire(import.meta.url); const __filename = __traindeckFileURLToPath(import.meta.url); const __dirname = __traindeckDirname(__filename);";

export const common = {
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
