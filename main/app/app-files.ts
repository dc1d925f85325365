import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the built app lives, from the main bundle's folder (`dist/main`). */
export interface AppFiles {
  preload: string;
  rendererIndex: string;
  icon: string;
}

/** Paths of the preload, renderer and icon next to the main bundle. */
export function appFiles(mainBundleDir: string): AppFiles {
  return {
    preload: join(mainBundleDir, '..', 'preload', 'preload.cjs'),
    rendererIndex: join(mainBundleDir, '..', 'renderer', 'index.html'),
    icon: join(mainBundleDir, '..', '..', 'assets', 'icon.png'),
  };
}

/** True when a frame URL is our own renderer page (the sender check of every IPC call). */
export function isRendererUrl(frameUrl: string, files: AppFiles): boolean {
  const expected = pathToFileURL(files.rendererIndex).href;
  return frameUrl === expected || frameUrl.startsWith(expected + '#') || frameUrl.startsWith(expected + '?');
}
