import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

import { expandHome } from '../config/resolve-config-paths';

/**
 * Folders the window's paths must lie in. A path is taken as the file system will see it:
 * "~/" expanded, `..` resolved, and every symlink followed (a link inside an allowed folder that
 * points out of it is outside). A path that does not exist yet is judged by its deepest existing
 * folder, and a dangling symlink on the way is refused (writing through it would land elsewhere).
 */
export interface PathAllowlist {
  /** The allowed folders as given (absolute), for messages. */
  readonly roots: readonly string[];
  /** The absolute path when `path` lies in an allowed folder, else `undefined`. */
  resolve(path: string): Promise<string | undefined>;
}

/** An allowlist over `roots` (absolute folders; relative ones are ignored, since relative to what?). */
export function pathAllowlist(roots: readonly string[]): PathAllowlist {
  const absoluteRoots = [...new Set(roots.filter((root) => isAbsolute(root)).map((root) => resolve(root)))];
  // Real forms, resolved once per question: a root may be a symlink itself (macOS /var → /private/var).
  const realRoots = async () =>
    (await Promise.all(absoluteRoots.map((root) => realPathOf(root)))).filter((root) => root !== undefined);
  return {
    roots: absoluteRoots,
    async resolve(path) {
      const absolute = await absoluteWindowPath(path);
      if (absolute === undefined) return undefined;
      const real = await realPathOf(absolute);
      if (real === undefined) return undefined;
      return (await realRoots()).some((root) => isInside(real, root)) ? absolute : undefined;
    },
  };
}

/**
 * The absolute form of a path from the window ("~/" expanded, `..` resolved), or `undefined` for a
 * relative path or one through a dangling symlink: what a dialog shows and a grant remembers.
 */
export async function absoluteWindowPath(path: string): Promise<string | undefined> {
  const expanded = expandHome(path.trim());
  if (!isAbsolute(expanded) || expanded.includes('\0')) return undefined;
  const absolute = resolve(expanded);
  return (await realPathOf(absolute)) === undefined ? undefined : absolute;
}

/** True when `path` is `root` or below it (both absolute and normalized). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path of `path`, following symlinks; for a path that does not exist, the real path of
 * its deepest existing ancestor joined with the rest. `undefined` when a component is a dangling
 * symlink or cannot be examined.
 */
async function realPathOf(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  // Missing: but is it a dangling link? Then its target decides, and we refuse to guess.
  const link = await lstat(path).catch(() => undefined);
  if (link) return undefined;
  const parent = dirname(path);
  if (parent === path) return undefined;
  const realParent = await realPathOf(parent);
  return realParent === undefined ? undefined : join(realParent, basename(path));
}
