import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { findElectronBinary } from '../../main/composition/electron-binary';

/** The repository root (this file is e2e/electron/electron-binary.ts). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the Electron executable for the e2e run is, or the one-line reason to skip. */
export type ElectronForTests = { found: true; executablePath: string } | { found: false; reason: string };

/**
 * Finds the Electron executable that Playwright's `_electron.launch` should start, WITHOUT
 * loading the `electron` package: its index.js downloads the binary when missing, which fails
 * (slowly) on machines without internet and must never happen from a test.
 *
 * Honours `ELECTRON_OVERRIDE_DIST_PATH` (a folder holding the executable); otherwise it reads
 * `node_modules/electron/path.txt` and checks that `node_modules/electron/dist/<path.txt>`
 * exists (the lookup itself lives in main/composition/electron-binary.ts, shared with `traindeck doctor`).
 *
 * Returns `{ found: false, reason }` where there is no binary (electron 45 downloads it on first
 * run, not at `npm ci`; `npm run electron:fetch` does it); the reason is one line for `test.skip`.
 */
export function locateElectronForTests(env: NodeJS.ProcessEnv = process.env): ElectronForTests {
  const binary = findElectronBinary(PROJECT_ROOT, env);
  if (binary.found) return { found: true, executablePath: binary.path };
  return { found: false, reason: `Electron binary not found: ${binary.reason}` };
}
