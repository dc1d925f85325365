import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';

import type { SyncFolder } from '../../../../shared/run-config/schema';
import { folderPrefix } from '../../../../shared/sync/keys';
import { sha256Buffer } from '../../hash-file';
import { mtimeOf } from '../../local-files';
import { STATE_DIR } from '../../state-dir';

/** A local file as the model sees it. */
export interface LocalEntry {
  sha256: string;
  mtimeMs: number;
}

/** Every regular file below `dir` (absolute path → content hash and mtime); links are not followed. */
export async function scanTree(dir: string): Promise<Map<string, LocalEntry>> {
  const files = new Map<string, LocalEntry>();
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const info = await lstat(path);
        files.set(path, { sha256: sha256Buffer(await readFile(path)), mtimeMs: mtimeOf(info) });
      }
    }
  }
  return files;
}

/** Where the model's folders live: the sync folders of the current mapping and the engine's state folder. */
export class FolderLayout {
  constructor(
    readonly root: string,
    readonly prefix: string,
    readonly folders: readonly SyncFolder[],
  ) {}

  dir(folder: SyncFolder): string {
    return join(this.root, folder.local);
  }

  remotePrefix(folder: SyncFolder): string {
    return folderPrefix(this.prefix, folder.remote);
  }

  /** The folder whose local folder holds `path`, if any. */
  folderOfPath(path: string): SyncFolder | undefined {
    return this.folders.find((f) => path.startsWith(this.dir(f) + sep));
  }

  /** The folder whose S3 prefix holds `key`, if any. */
  folderOfKey(key: string): SyncFolder | undefined {
    return this.folders.find((f) => key.startsWith(this.remotePrefix(f)));
  }

  /** Inside the engine's own state folder (lock, state, temp files). */
  isState(path: string): boolean {
    return path.startsWith(join(this.root, STATE_DIR) + sep);
  }

  /**
   * The one local path an object key may be written to: its key below the folder prefix, when
   * that is a plain relative path (no empty, `.` or `..` segment, no backslash or control
   * character, every component a legal file name, not under the engine's own `.traindeck`).
   * Any other key has no local path: writing it anywhere, or deleting it because of a local
   * file, is a defect. Written from the rules, not from the engine's mapping, so that
   * a mistake there shows here.
   */
  localPathOf(key: string): string | undefined {
    const folder = this.folderOfKey(key);
    if (!folder) return undefined;
    const segments = key.slice(this.remotePrefix(folder).length).split('/');
    const plain =
      segments[0] !== STATE_DIR &&
      segments.every(
        (s) =>
          s !== '' && s !== '.' && s !== '..' && !s.includes('\\') && !hasControl(s) && Buffer.byteLength(s) <= 255,
      );
    return plain ? join(this.dir(folder), ...segments) : undefined;
  }

  /** A stable name of a folder's mapping: a baseline belongs to exactly one. */
  mappingId(folder: SyncFolder): string {
    return `${this.prefix}|${folder.name}|${folder.remote}|${folder.local}`;
  }
}

function hasControl(segment: string): boolean {
  return [...segment].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f));
}
