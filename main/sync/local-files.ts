import { lstat, readdir, rm } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import type { LocalFile } from '../../shared/sync/types';

/** Marks the temp files of downloads in progress; never synced, removed when stale. */
export const PARTIAL_MARK = '.traindeck-partial-';

/** A local folder's files, and what was left out and why. */
export interface LocalScan {
  files: LocalFile[];
  skipped: Array<{ relPath: string; reason: string }>;
  /** Temp files left by an interrupted download. */
  partials: string[];
}

/**
 * A file's mtime in whole milliseconds. Rounded, not floored: an mtime set to a whole
 * millisecond reads back as x.999 (nanoseconds through a float), and floor would make every
 * restored file look 1 ms older than its object.
 */
export function mtimeOf(info: { mtimeMs: number }): number {
  return Math.round(info.mtimeMs);
}

/** What a local sync folder is: a folder, missing, or something else (an error for the caller). */
export async function folderKind(path: string): Promise<'folder' | 'missing' | 'not-a-folder'> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) =>
    error.code === 'ENOENT' ? undefined : Promise.reject(error),
  );
  if (!info) return 'missing';
  return info.isDirectory() ? 'folder' : 'not-a-folder';
}

/**
 * Every regular file below `root`, with size and mtime (no hashing: that is lazy). Symbolic
 * links are not followed (a link could leave the folder or loop) and are reported as skipped.
 */
export async function scanLocalFolder(root: string): Promise<LocalScan> {
  const scan: LocalScan = { files: [], skipped: [], partials: [] };
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const relPath = relative(root, path).split(sep).join(posix.sep);
      if (entry.name.includes(PARTIAL_MARK)) scan.partials.push(path);
      else if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const info = await lstat(path);
        scan.files.push({ relPath, size: info.size, mtimeMs: mtimeOf(info) });
      } else
        scan.skipped.push({
          relPath,
          reason: entry.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file',
        });
    }
  }
  scan.files.sort((a, b) => a.relPath.localeCompare(b.relPath));
  return scan;
}

/** Removes temp files of interrupted downloads. */
export async function removePartials(paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}
