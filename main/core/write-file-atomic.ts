import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, lstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { link, lstat, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** How {@link writeFileAtomic} creates the file. */
export interface WriteFileAtomicOptions {
  /** Permission bits of the new file (before the umask); owner-only unless said otherwise. */
  mode?: number;
  /** Never replace an existing file: it stays as it is and the write fails with code EEXIST. */
  exclusive?: boolean;
}

// File systems without hard links (some network and FUSE mounts) answer link() with these.
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'ENOSYS']);

/**
 * Writes `data` to `path` whole or not at all: into a temporary file in the same folder,
 * fsynced, then renamed over `path` (or, when `exclusive`, hard-linked into place, which
 * fails if `path` exists). A reader sees the old file or the new one, never half of one;
 * a crash leaves at most a stray `.NAME.*.tmp`, and an error leaves nothing.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const temp = tempPathFor(path);
  let placed = false;
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) await linkExclusive(temp, path);
    else {
      await rename(temp, path);
      placed = true;
    }
  } finally {
    if (!placed) await rm(temp, { force: true });
  }
}

/** {@link writeFileAtomic} for the few callers that must stay synchronous (start-up, before the event loop matters). */
export function writeFileAtomicSync(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): void {
  const temp = tempPathFor(path);
  let placed = false;
  try {
    const fd = openSync(temp, 'wx', options.mode ?? 0o600);
    try {
      writeAllSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.exclusive) linkExclusiveSync(temp, path);
    else {
      renameSync(temp, path);
      placed = true;
    }
  } finally {
    if (!placed) rmSync(temp, { force: true });
  }
}

/** Hidden and random, beside the target: same file system (so rename is atomic), never mistaken for it. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function linkExclusive(temp: string, path: string): Promise<void> {
  try {
    // link, unlike rename, never replaces a file someone else wrote a moment ago.
    await link(temp, path);
  } catch (error) {
    if (!NO_HARD_LINKS.has(codeOf(error))) throw error;
    // Without hard links rename is still atomic, and exclusive but for a short race.
    if (
      await lstat(path).then(
        () => true,
        () => false,
      )
    ) {
      throw existsError(path);
    }
    await rename(temp, path);
  }
}

function linkExclusiveSync(temp: string, path: string): void {
  try {
    linkSync(temp, path);
  } catch (error) {
    if (!NO_HARD_LINKS.has(codeOf(error))) throw error;
    if (pathExists(path)) throw existsError(path);
    renameSync(temp, path);
  }
}

function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
}

function pathExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function existsError(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EEXIST: file already exists, '${path}'`), { code: 'EEXIST', syscall: 'link', path });
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? '';
}
