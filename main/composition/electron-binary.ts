import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The electron package (45) has no install script: `npm ci` never downloads the binary, whatever
 * ELECTRON_SKIP_BINARY_DOWNLOAD says; the first `electron` run does. Nothing here can tell
 * whether the network allows it, so the reason says what downloads it and what that needs.
 */
const FETCH_IT =
  '`npm run electron:fetch` (or the first `npm start`) downloads it where the network reaches github.com';
const NOT_DOWNLOADED = `the Electron binary has not been downloaded yet (the electron package fetches it on first run, not at npm install); ${FETCH_IT}`;

/** Where the Electron binary is, or why there is none. */
export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/**
 * Finds the Electron executable of the installed `electron` package without loading the
 * package: its index.js downloads the binary when missing, which must never happen from a
 * test or from `traindeck doctor`.
 */
export function findElectronBinary(projectRoot: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(join(projectRoot, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? 'electron');
    return existsSync(overridden)
      ? { found: true, path: overridden }
      : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no binary at ${overridden}` };
  }
  if (!relative) return { found: false, reason: NOT_DOWNLOADED };
  const binary = join(packageDir, 'dist', relative);
  return existsSync(binary)
    ? { found: true, path: binary }
    : { found: false, reason: `the Electron binary is missing at ${binary}; ${FETCH_IT}` };
}
