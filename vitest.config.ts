import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests in plain Node: shared/, main/, preload/ (with a fake
 * ipcRenderer), renderer logic, and the packaging check. Electron is never loaded.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['{shared,main,preload,renderer}/**/*.test.{ts,tsx}', 'e2e/packaging/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: more workers only contend with the servers the tests start.
    maxWorkers: 2,
  },
});
