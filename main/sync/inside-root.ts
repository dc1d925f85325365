import { close, closeSync, constants, open as openFd, openSync, readlinkSync } from 'node:fs';
import { lstat, mkdir, open, readdir, readlink as readlinkAsync, realpath, rm, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

import { pathProblem } from '../../shared/sync/key-path';
import { printable } from '../../shared/sync/printable';
import { OutsideFolderError } from './outside-folder-error';
import { ANCHORED, FOLDER_ONLY, STATE_DIR, stateDirNotAFolder } from './state-dir';
import { walkMayBlock } from './walk-may-block';

/**
 * The real path of a sync folder's root: a symbolic link at the root itself is followed (the
 * symlink policy), so writes below are checked against where the files really are.
 */
export async function realFolderRoot(dir: string): Promise<string> {
  return realpath(dir);
}

/** Test hooks of {@link writeInside}: a swap of the folders between its steps. */
export interface WriteInsideSteps {
  /** Called once folder `depth` of the path (0: the root) is open and checked, before the next step. */
  afterStep?: (depth: number) => Promise<void>;
}

/**
 * The one gate of every write below a sync folder: calls `write` with a path of `relPath` under
 * `realRoot` whose folders can no longer be swapped for a symbolic link. On Linux each folder is
 * opened from the one above it through its descriptor (`/proc/self/fd/N/name`), created if
 * missing, and refused if it is a link or not a folder; `write` gets a path through the last
 * descriptor, so a folder replaced by a link at any moment, even between this check and the
 * rename, is never followed: nothing is written outside the folder, whatever planted the link (a
 * key, another program). The open folder's real path is checked right before `write` (a folder
 * moved, not linked, out of the root). Elsewhere the folders are checked by path right before
 * `write`. Nothing is remembered between calls: a check made earlier in the sync proves nothing now.
 */
export async function writeInside<T>(
  realRoot: string,
  relPath: string,
  write: (target: string) => Promise<T>,
  steps: WriteInsideSteps = {},
): Promise<T> {
  const problem = pathProblem(relPath);
  if (problem) throw new OutsideFolderError(`"${printable(relPath)}" is not a safe local path: ${problem}.`);
  const parts = relPath.split('/');
  const name = parts.pop()!;
  if (!ANCHORED) return write(join(await checkedFolder(realRoot, relPath, parts), name));
  const calls = walkCalls(realRoot);
  let folder = await calls.open(realRoot, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await steps.afterStep?.(0);
    for (const [index, part] of parts.entries()) {
      const inner = await openFolder(calls, `/proc/self/fd/${folder}/${part}`, relPath, parts.slice(0, index + 1));
      await calls.close(folder);
      folder = inner;
      await steps.afterStep?.(index + 1);
    }
    const real = await calls.readlink(`/proc/self/fd/${folder}`);
    if (!(real + sep).startsWith(realRoot + sep)) throw resolvesOutside(relPath, realRoot);
    return await write(`/proc/self/fd/${folder}/${name}`);
  } finally {
    await calls.close(folder);
  }
}

/** The opens, closes and readlink of a walk: made at once, or through the thread pool. */
interface WalkCalls {
  open(path: string, flags: number): Promise<number>;
  close(fd: number): Promise<void>;
  readlink(path: string): Promise<string>;
}

/**
 * Synchronous calls (lookups in folders just opened, no disk I/O once cached, where a thread-pool
 * round trip cost the main thread more than the call: the walk runs for every file a pull writes),
 * unless the folder's file system may keep a call waiting (walkMayBlock: a network or FUSE file
 * system, or a mount below the root), where a synchronous call would freeze the whole process.
 */
function walkCalls(realRoot: string): WalkCalls {
  if (walkMayBlock(realRoot)) {
    return {
      open: (path, flags) =>
        new Promise((resolve, reject) => openFd(path, flags, (e, fd) => (e ? reject(e) : resolve(fd)))),
      close: (fd) => new Promise((resolve, reject) => close(fd, (e) => (e ? reject(e) : resolve()))),
      readlink: (path) => readlinkAsync(path),
    };
  }
  return {
    open: async (path, flags) => openSync(path, flags),
    close: async (fd) => closeSync(fd),
    readlink: async (path) => readlinkSync(path),
  };
}

/**
 * Opens (creating it if missing) the folder at `path`, refused if it is a symbolic link or not a folder.
 * A missing folder's mkdir always goes through the pool.
 */
async function openFolder(calls: WalkCalls, path: string, relPath: string, folderParts: string[]): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await calls.open(path, FOLDER_ONLY);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && attempt === 0) {
        await mkdir(path).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
        continue;
      }
      if (code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
      const info = await lstat(path);
      throw notAFolder(relPath, folderParts.join('/'), info.isSymbolicLink());
    }
  }
}

/** Without descriptors to anchor on: each folder created and checked by path, right before the write. */
async function checkedFolder(realRoot: string, relPath: string, parts: string[]): Promise<string> {
  let dir = realRoot;
  for (const [index, part] of parts.entries()) {
    dir = join(dir, part);
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
      throw notAFolder(relPath, parts.slice(0, index + 1).join('/'), info.isSymbolicLink());
    }
    const real = await realpath(dir);
    if (real !== dir || !(real + sep).startsWith(realRoot + sep)) throw resolvesOutside(relPath, realRoot);
  }
  return dir;
}

function notAFolder(relPath: string, folder: string, link: boolean): OutsideFolderError {
  return new OutsideFolderError(
    `"${printable(relPath)}" was not written: "${printable(folder)}" is ${link ? 'a symbolic link' : 'not a folder'}, and TrainDeck never writes through one. Move it away, then pull again.`,
  );
}

function resolvesOutside(relPath: string, realRoot: string): OutsideFolderError {
  return new OutsideFolderError(
    `"${printable(relPath)}" was not written: its folder is now outside ${realRoot}. Move the folder back (or away), then pull again.`,
  );
}

/**
 * Where downloads of a folder write their temp files: `LOCALROOT/.traindeck/tmp/`, never beside
 * user files. A rename cannot cross file systems, so a folder whose root is elsewhere (a
 * symbolic link to another disk) gets `ROOT/.traindeck/tmp/` of its own (the name `.traindeck`
 * at the top of a folder is reserved for this). A `.traindeck` or `tmp` that is a symbolic link
 * (another program planted it) is refused: temp files would be written where it points.
 */
export async function tempDirFor(localRoot: string, realRoot: string): Promise<string> {
  const shared = await ownTempDir(localRoot);
  if ((await stat(shared)).dev === (await stat(realRoot)).dev) return shared;
  return ownTempDir(realRoot);
}

// `BASE/.traindeck/tmp`, created if missing, each of the two a real folder (never a link); named by
// the real path of BASE (a link there is the symlink policy's), so that no link is followed below it.
async function ownTempDir(base: string): Promise<string> {
  await mkdir(base, { recursive: true });
  let dir = base;
  for (const part of [STATE_DIR, 'tmp']) {
    dir = join(dir, part);
    await mkdir(dir).catch((error: NodeJS.ErrnoException) =>
      error.code === 'EEXIST' ? undefined : Promise.reject(error),
    );
    const info = await lstat(dir);
    if (info.isSymbolicLink() || !info.isDirectory()) throw stateDirNotAFolder(dir, info.isSymbolicLink());
  }
  return join(await realpath(base), STATE_DIR, 'tmp');
}

/**
 * Calls `use` with a path of the temp folder `tempDir` (a real path, as {@link tempDirFor} gives)
 * that no later swap can redirect: on Linux the folder is opened, refused unless it is still
 * `tempDir` itself (a `.traindeck` or `tmp` replaced by a link, or moved, after the sync checked it
 * at its start), and `use` gets `/proc/self/fd/N`, which follows no link again while the download's
 * temp file is created, written, renamed or removed.
 */
export async function inTempFolder<T>(tempDir: string, use: (dir: string) => Promise<T>): Promise<T> {
  if (!ANCHORED) return use(tempDir);
  const calls = walkCalls(tempDir);
  const folder = await calls.open(tempDir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    if ((await calls.readlink(`/proc/self/fd/${folder}`)) !== tempDir) {
      throw new OutsideFolderError(
        `${tempDir} was replaced by a symbolic link or moved while the sync ran: TrainDeck keeps its temp files there and never writes through one, so nothing was written. Remove it (TrainDeck makes the folder again), then sync again.`,
      );
    }
    return await use(`/proc/self/fd/${folder}`);
  } finally {
    await calls.close(folder);
  }
}

/**
 * Removes what interrupted downloads left in the temp folders of a local root (its own and those
 * of folders on other disks), and only there. Called while holding the sync lock of the local
 * root (no other sync of it can be writing there) and never in a dry run. A `.traindeck` or `tmp`
 * that is a symbolic link is never followed (on Linux, each is opened without following and the
 * removals go through its descriptor): nothing outside the folder is ever removed.
 */
export async function cleanStaleTemp(localRoot: string, folderDirs: string[]): Promise<void> {
  for (const base of new Set([localRoot, ...folderDirs])) {
    if (!ANCHORED) {
      const dir = join(base, STATE_DIR, 'tmp');
      const real = await Promise.all([lstat(join(base, STATE_DIR)), lstat(dir)]).then(
        (infos) => infos.every((info) => info.isDirectory() && !info.isSymbolicLink()),
        () => false,
      );
      if (real) await removeEntries(dir);
      continue;
    }
    const state = await open(join(base, STATE_DIR), FOLDER_ONLY).catch(() => undefined);
    if (!state) continue; // none yet, or a link: nothing of ours to clean there
    try {
      const tmp = await open(`/proc/self/fd/${state.fd}/tmp`, FOLDER_ONLY).catch(() => undefined);
      if (!tmp) continue;
      try {
        await removeEntries(`/proc/self/fd/${tmp.fd}`);
      } finally {
        await tmp.close();
      }
    } finally {
      await state.close();
    }
  }
}

async function removeEntries(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
