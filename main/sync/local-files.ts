import { lstat, readdir, stat } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';

import type { LocalFile } from '../../shared/sync/types';
import { STATE_DIR } from './state-dir';

/** A local folder's files, and what was left out and why. */
export interface LocalScan {
  files: LocalFile[];
  /** Symbolic links and special files: never followed, never synced, listed as skipped. */
  skipped: Array<{ relPath: string; reason: string }>;
  /** Names that cannot become object keys (not valid UTF-8): never uploaded, reported. */
  rejected: Array<{ relPath: string; reason: string }>;
  /** Files and folders that could not be read (`''` is the folder itself); only they fail. */
  unreadable: Array<{ relPath: string; message: string }>;
}

/** Why a symbolic link inside a sync folder is not synced (the README's symlink policy). */
const SYMLINK_SKIPPED = 'symbolic link (not followed)';

/**
 * A file's mtime in whole milliseconds. Rounded, not floored: an mtime set to a whole
 * millisecond reads back as x.999 (nanoseconds through a float), and floor would make every
 * restored file look 1 ms older than its object.
 */
export function mtimeOf(info: { mtimeMs: number }): number {
  return Math.round(info.mtimeMs);
}

/**
 * What a local sync folder is: a folder, missing, or something else (an error for the caller).
 * A symbolic link at the folder's own path is followed (the symlink policy: a sync folder may
 * live elsewhere); links inside it are not.
 */
export async function folderKind(path: string): Promise<'folder' | 'missing' | 'not-a-folder'> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) =>
    error.code === 'ENOENT' ? undefined : Promise.reject(error),
  );
  if (!info) return 'missing';
  return info.isDirectory() ? 'folder' : 'not-a-folder';
}

/**
 * Every regular file below `root`, with size and mtime (no hashing: that is lazy). Symbolic
 * links are not followed (a link could leave the folder or loop) and are reported as skipped.
 * A folder or file that cannot be read is reported and the scan goes on. `.traindeck` at the
 * top of the folder is the engine's own (state, temp files) and never entered.
 */
export async function scanLocalFolder(root: string): Promise<LocalScan> {
  const exclude = join(root, STATE_DIR);
  const scan: LocalScan = { files: [], skipped: [], rejected: [], unreadable: [] };
  const relOf = (path: string) => relative(root, path).split(sep).join(posix.sep);
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' }).catch((error: Error) => {
      scan.unreadable.push({ relPath: relOf(dir), message: error.message });
      return [];
    });
    for (const entry of entries) {
      const name = entry.name.toString('utf8');
      const path = join(dir, name);
      const relPath = relOf(path);
      if (path === exclude) continue;
      if (!Buffer.from(name, 'utf8').equals(entry.name)) {
        scan.rejected.push({ relPath, reason: 'its name is not valid UTF-8, so it cannot be an object key' });
      } else if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const info = await lstat(path).catch((error: Error) => {
          scan.unreadable.push({ relPath, message: error.message });
          return undefined;
        });
        if (info) scan.files.push({ relPath, size: info.size, mtimeMs: mtimeOf(info) });
      } else scan.skipped.push({ relPath, reason: entry.isSymbolicLink() ? SYMLINK_SKIPPED : 'not a regular file' });
    }
  }
  scan.files.sort((a, b) => a.relPath.localeCompare(b.relPath));
  return scan;
}
