import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Product name; also the folder name of the app data on every platform. */
export const PRODUCT_NAME = 'TrainDeck';

/**
 * The app data folder shared by the desktop app, the browser host and the CLI, so that a
 * journal written by one is found by the others. Matches Electron's default `userData`;
 * `TRAINDECK_DATA_DIR` overrides it (tests, portable installs); a relative one is taken from the
 * current folder, as a shell user means it (Electron refuses a relative `userData`).
 */
export function appDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home = homedir(),
): string {
  if (env.TRAINDECK_DATA_DIR) return resolve(env.TRAINDECK_DATA_DIR);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}
