import { constants, lstatSync } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

import { RESERVED_NAME } from '../../shared/sync/key-path';
import { RefusedFileError } from '../core/regular-file';
import { OutsideFolderError } from './outside-folder-error';

/**
 * `LOCALROOT/.traindeck`: the sync's lock, state, upload journal and temp files. Kept beside the sync
 * folders, never inside one, so it is never synced itself (a reserved name of the key↔path mapping).
 */
export const STATE_DIR = RESERVED_NAME;

/** Linux names an open folder by its descriptor: a path through it never follows a link again. */
export const ANCHORED = process.platform === 'linux';
/** A folder, never a symbolic link at the last step. */
export const FOLDER_ONLY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/** An open `.traindeck`: `path` names that very folder until `close`, whatever is renamed or linked meanwhile. */
export interface StateDir {
  /** On Linux `/proc/self/fd/N` (the folder's descriptor); elsewhere its path, checked when opened. */
  readonly path: string;
  /** `.traindeck` as the user knows it (for sentences). */
  readonly shown: string;
  close(): Promise<void>;
}

/**
 * Opens `BASE/.traindeck` (creating it, and BASE, when `create`), refused when it is a symbolic link or
 * not a folder: whatever another program planted there, nothing the sync writes, locks, truncates or
 * deletes in it lands outside the folder. A link at BASE itself is followed (the symlink policy of a
 * folder's root). Undefined only when it does not exist and `create` is false.
 *
 * Invariant: every name under `.traindeck` is reached through `path`, and each file in it is created
 * exclusively (`wx`), renamed over, unlinked or read with `readRegularFile`: none of those follows a
 * link at the file's own name, so the folder is the only step that could, and it cannot.
 */
export async function openStateDir(base: string, { create }: { create: boolean }): Promise<StateDir | undefined> {
  const shown = join(base, STATE_DIR);
  if (create) await mkdir(base, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      return await openFolder(shown);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && create && attempt === 0) {
        await mkdir(shown).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
        continue;
      }
      if (code === 'ENOENT' && !create) return undefined;
      if (code === 'ELOOP' || code === 'ENOTDIR' || code === 'EMLINK') throw await notAFolder(shown);
      throw error;
    }
  }
}

/**
 * Runs `use` with the path of the open `BASE/.traindeck` ({@link openStateDir}) and closes it after;
 * an error names the folder as the user knows it, not its descriptor.
 */
export async function withStateDir<T>(
  base: string,
  options: { create: boolean },
  use: (dir: string) => Promise<T>,
): Promise<T | undefined> {
  const dir = await openStateDir(base, options);
  if (!dir) return undefined;
  try {
    return await use(dir.path);
  } catch (error) {
    throw shownAt(error, dir);
  } finally {
    await dir.close();
  }
}

/** An error met through `dir.path`, said of the folder the user knows (`/proc/self/fd/N` means nothing to them). */
export function shownAt(error: unknown, dir: StateDir): unknown {
  if (dir.path === dir.shown) return error;
  if (error instanceof RefusedFileError) return error.at(error.path.replace(dir.path, dir.shown));
  if (error instanceof Error) error.message = error.message.replaceAll(dir.path, dir.shown);
  return error;
}

async function openFolder(shown: string): Promise<StateDir> {
  if (!ANCHORED) {
    // Checked by path: not race-free where there is no /proc, but a link planted before is refused.
    const info = lstatSync(shown);
    if (info.isSymbolicLink() || !info.isDirectory()) throw Object.assign(new Error(shown), { code: 'ENOTDIR' });
    return { path: shown, shown, close: async () => undefined };
  }
  const handle = await open(shown, FOLDER_ONLY);
  return { path: `/proc/self/fd/${handle.fd}`, shown, close: () => handle.close() };
}

async function notAFolder(shown: string): Promise<Error> {
  const link = await lstat(shown).then(
    (info) => info.isSymbolicLink(),
    () => false,
  );
  return stateDirNotAFolder(shown, link);
}

/** The sentence for a `.traindeck` (or its `tmp`) that another program made a link or a file. */
export function stateDirNotAFolder(path: string, link: boolean): Error {
  return new OutsideFolderError(
    `${path} is ${link ? 'a symbolic link' : 'not a folder'}: TrainDeck keeps its sync lock, state and temp files there and never writes through one. Remove it (TrainDeck makes the folder again), then sync again.`,
  );
}
