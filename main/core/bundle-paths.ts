import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Paths relative to a bundle. Every Node bundle sits in `dist/<name>/`, so the project
 * root is two folders up from the bundle, and the built renderer is `dist/renderer`.
 */
export function bundlePaths(moduleUrl: string): { projectRoot: string; rendererDir: string } {
  const bundleDir = dirname(fileURLToPath(moduleUrl));
  return { projectRoot: resolve(bundleDir, '..', '..'), rendererDir: join(bundleDir, '..', 'renderer') };
}
