import { defineConfig } from 'vitest/config';

/**
 * Tests in plain Node; Electron is never loaded. Two projects:
 * - unit: shared/, main/, preload/ (fake ipcRenderer), renderer logic and components (`*.test.tsx` in
 *   happy-dom with Testing Library, see renderer/src/testing/render.ts), the packaging check;
 * - s3: `*.s3.test.ts`, against a real S3 (a throw-away Ceph RGW started once for the run).
 */
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend with the servers the tests start.
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Every project: no test talks to a host that is not loopback (AWS itself, the internet).
    setupFiles: ['main/aws/testing/loopback-only.setup.ts'],
    // CSS is empty in tests, except the design tokens: tokens-contrast.test reads them (`?raw`).
    css: { include: [/\/renderer\/src\/styles\/tokens\.css/] },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            '{shared,main,preload,renderer}/**/*.test.{ts,tsx}',
            'e2e/packaging/**/*.test.ts',
            'scripts/**/*.test.mjs',
          ],
          exclude: ['**/*.s3.test.ts', '**/*.slow.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 's3',
          include: ['main/**/*.s3.test.ts'],
          globalSetup: ['e2e/services/s3-global-setup.ts'],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // Slow fault scenarios (kill -9 and restart, real processes): `npm test` runs them too.
          name: 'slow',
          include: ['main/**/*.slow.test.ts', 'e2e/services/**/*.slow.test.ts'],
          globalSetup: ['e2e/services/s3-global-setup.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
