import { lstat, mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

import { pathProblem } from '../../shared/sync/key-path';
import { printable } from '../../shared/sync/printable';
import { STATE_DIR } from './sync-state';

/** A write the engine refused because it would land outside the folder (or through a link). */
class OutsideFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutsideFolderError';
  }
}

/**
 * The real path of a sync folder's root: a symbolic link at the root itself is followed (the
 * symlink policy), so writes below are checked against where the files really are.
 */
export async function realFolderRoot(dir: string): Promise<string> {
  return realpath(dir);
}

/**
 * The one gate of every write below a sync folder: returns the absolute path of `relPath` under
 * `realRoot` after creating its parent folders one at a time, never through a symbolic link or
 * anything but a real folder, and after checking that the parent's real path is inside the
 * root. Whatever planted a link (a key, another program), nothing is written outside the
 * folder. `verified` remembers checked folders within one execution (saves syscalls per file).
 */
export async function targetInside(realRoot: string, relPath: string, verified?: Set<string>): Promise<string> {
  const problem = pathProblem(relPath);
  if (problem) throw new OutsideFolderError(`"${printable(relPath)}" is not a safe local path: ${problem}.`);
  const parts = relPath.split('/');
  let dir = realRoot;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    if (verified?.has(dir)) continue;
    let info = await lstat(dir).catch((error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? undefined : Promise.reject(error),
    );
    if (!info) {
      await mkdir(dir).catch((error: NodeJS.ErrnoException) =>
        error.code === 'EEXIST' ? undefined : Promise.reject(error),
      );
      info = await lstat(dir);
    }
    if (info.isSymbolicLink() || !info.isDirectory()) {
      throw new OutsideFolderError(
        `"${printable(relPath)}" was not written: "${printable(dir.slice(realRoot.length + 1))}" is ${info.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}, and TrainDeck never writes through one. Move it away, then pull again.`,
      );
    }
    const real = await realpath(dir);
    if (real !== dir || !(real + sep).startsWith(realRoot + sep)) {
      throw new OutsideFolderError(`"${printable(relPath)}" was not written: its folder resolves outside ${realRoot}.`);
    }
    verified?.add(dir);
  }
  return join(realRoot, ...parts);
}

/**
 * Where downloads of a folder write their temp files: `LOCALROOT/.traindeck/tmp/`, never beside
 * user files. A rename cannot cross file systems, so a folder whose root is elsewhere (a
 * symbolic link to another disk) gets `ROOT/.traindeck/tmp/` of its own (the name `.traindeck`
 * at the top of a folder is reserved for this).
 */
export async function tempDirFor(localRoot: string, realRoot: string): Promise<string> {
  const shared = join(localRoot, STATE_DIR, 'tmp');
  await mkdir(shared, { recursive: true });
  if ((await stat(shared)).dev === (await stat(realRoot)).dev) return shared;
  const own = join(realRoot, STATE_DIR, 'tmp');
  await mkdir(own, { recursive: true });
  return own;
}

/**
 * Removes what interrupted downloads left in the temp folders of a local root (its own and those
 * of folders on other disks), and only there. Called while holding the sync lock of the local
 * root (no other sync of it can be writing there) and never in a dry run.
 */
export async function cleanStaleTemp(localRoot: string, folderDirs: string[]): Promise<void> {
  const dirs = new Set([join(localRoot, STATE_DIR, 'tmp'), ...folderDirs.map((dir) => join(dir, STATE_DIR, 'tmp'))]);
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true })));
  }
}
