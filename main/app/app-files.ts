import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * True when a frame URL is our own renderer page (the sender check of every IPC call and of
 * permissions). Compares the parsed file path, not URL strings: Chromium and Node do not
 * percent-encode a path alike (spaces, non-ASCII folder names, hex case), and a fragment or a
 * query must not matter.
 */
export function isRendererUrl(frameUrl: string, files: AppFiles): boolean {
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) return false;
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return false;
  }
  return normalize(path) === normalize(files.rendererIndex);
}
