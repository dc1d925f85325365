import { defineConfig } from '@playwright/test';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium';

// Specs that seed a real S3 load the AWS SDK in the runner: its Node 20 notice is not a test problem.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Two projects: `web` drives the built renderer in Debian's Chromium through the browser
 * host; `electron` drives the real app where the Electron binary exists (skips otherwise).
 * Both need `npm run build` first (the test command does it).
 */
export default defineConfig({
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: process.env.TRAINDECK_PW_JSON
    ? [['list'], ['json', { outputFile: process.env.TRAINDECK_PW_JSON }]]
    : 'list',
  projects: [
    {
      name: 'web',
      testDir: 'e2e/web',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
        viewport: { width: 1360, height: 860 },
        trace: 'retain-on-failure',
      },
    },
    { name: 'electron', testDir: 'e2e/electron' },
  ],
});
