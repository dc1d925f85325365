import { join } from 'node:path';

/** Where the built app lives, from the main bundle's folder (`dist/main`). */
export interface AppFiles {
  preload: string;
  /** The built renderer folder: the only files the `app://` scheme serves. */
  rendererRoot: string;
  icon: string;
}

/** Paths of the preload, renderer and icon next to the main bundle. */
export function appFiles(mainBundleDir: string): AppFiles {
  return {
    preload: join(mainBundleDir, '..', 'preload', 'preload.cjs'),
    rendererRoot: join(mainBundleDir, '..', 'renderer'),
    icon: join(mainBundleDir, '..', '..', 'assets', 'icon.png'),
  };
}
