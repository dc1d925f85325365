import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readSync,
  type Stats,
  writeSync,
} from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

import { TypedError } from '../../shared/ipc/result';

/**
 * The one way main reads a file it wrote itself into a folder another program can also write
 * (a run's folder, a sync folder's `.traindeck`): only a regular file is read. A symbolic link at
 * its name is not followed (it could point anywhere the user can read), a FIFO does not block the
 * open (it would hang the main loop, or a pool thread, until someone writes into it), a folder or
 * device is refused, and a file larger than its kind can be is not read whole. A refusal is a
 * {@link RefusedFileError}: one sentence with a fix; a missing file is `undefined`.
 */

// One descriptor for the checks and the read: a file swapped between them is never read. Windows has neither flag.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** What is being read, for the sentence, and how large it may be. */
export interface RegularFileLimit {
  /** What the file is, as the user reads it: "the attach journal of run X". */
  what: string;
  /** The most bytes read; a larger file is refused whole. */
  maxBytes: number;
}

/** A file main refused to read (a link, a FIFO, a folder, a device, or too large), said as one sentence with a fix. */
export class RefusedFileError extends TypedError {
  constructor(
    readonly path: string,
    /** What is wrong with it, without the path: "is a symbolic link". */
    readonly why: string,
    readonly verb: 'read' | 'write to' = 'read',
  ) {
    super('PRECONDITION_FAILED', `${path} ${why}, so TrainDeck did not ${verb} it.`, {
      fix: `TrainDeck writes this file itself and uses only a regular file there: move ${path} away (or delete it), then try again.`,
    });
    this.name = 'RefusedFileError';
  }

  /** The same refusal said of `path` (a caller that read through a descriptor path names the file as the user knows it). */
  at(path: string): RefusedFileError {
    return new RefusedFileError(path, this.why, this.verb);
  }
}

/**
 * Opens `path` for reading as a regular file only (see the file comment); the caller closes the
 * descriptor. `undefined` when there is no such file; a {@link RefusedFileError} for anything else there.
 */
export function openRegularFileSync(path: string): { fd: number; size: number } | undefined {
  // Without O_NOFOLLOW (Windows) the link is looked at first: not race-free, but still refused.
  if (!constants.O_NOFOLLOW && isSymlink(path)) throw new RefusedFileError(path, 'is a symbolic link');
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    return missingOrRefused(path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new RefusedFileError(path, `is ${kindOf(stats)}, not a regular file`);
    return { fd, size: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** The whole text of a regular file of at most `limit.maxBytes`; `undefined` when missing; refused otherwise. */
export function readRegularFileSync(path: string, limit: RegularFileLimit): string | undefined {
  const opened = openRegularFileSync(path);
  if (!opened) return undefined;
  try {
    checkSize(path, opened.size, limit);
    // One byte more than allowed: a file that grew past the limit since fstat is refused too.
    const bytes = Buffer.alloc(Math.min(opened.size, limit.maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < bytes.length; length += n) {
      n = readSync(opened.fd, bytes, length, bytes.length - length, length);
    }
    checkSize(path, length, limit);
    return bytes.toString('utf8', 0, length);
  } finally {
    closeSync(opened.fd);
  }
}

/** {@link readRegularFileSync} through the thread pool, for the async callers (sync state, journals). */
export async function readRegularFile(path: string, limit: RegularFileLimit): Promise<string | undefined> {
  if (!constants.O_NOFOLLOW && isSymlink(path)) throw new RefusedFileError(path, 'is a symbolic link');
  const handle = await open(path, READ_FLAGS).catch((error: unknown) => missingOrRefused(path, error));
  if (!handle) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new RefusedFileError(path, `is ${kindOf(stats)}, not a regular file`);
    checkSize(path, stats.size, limit);
    const bytes = Buffer.alloc(Math.min(stats.size, limit.maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < bytes.length; length += n) {
      ({ bytesRead: n } = await handle.read(bytes, length, bytes.length - length, length));
    }
    checkSize(path, length, limit);
    return bytes.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}

// Appends create the file owner-only; an existing link, FIFO (with or without a reader) or folder is refused.
const APPEND_FLAGS =
  constants.O_WRONLY |
  constants.O_APPEND |
  constants.O_CREAT |
  (constants.O_NOFOLLOW ?? 0) |
  (constants.O_NONBLOCK ?? 0);

/**
 * Appends `text` to the regular file `path` (created owner-only if missing), and fsyncs it when asked;
 * a link at its name is not written through and a FIFO not written into: {@link RefusedFileError}.
 */
export function appendRegularFileSync(path: string, text: string, options: { fsync?: boolean } = {}): void {
  if (!constants.O_NOFOLLOW && isSymlink(path)) throw new RefusedFileError(path, 'is a symbolic link', 'write to');
  let fd: number;
  try {
    fd = openSync(path, APPEND_FLAGS, 0o600);
  } catch (error) {
    throw appendRefusal(path, error);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new RefusedFileError(path, `is ${kindOf(stats)}, not a regular file`, 'write to');
    const bytes = Buffer.from(text);
    for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset);
    if (options.fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** {@link appendRegularFileSync}'s open, through the pool, for a caller that keeps the file open to append (a journal). */
export async function openRegularFileToAppend(path: string): Promise<FileHandle> {
  if (!constants.O_NOFOLLOW && isSymlink(path)) throw new RefusedFileError(path, 'is a symbolic link', 'write to');
  const handle = await open(path, APPEND_FLAGS, 0o600).catch((error: unknown) =>
    Promise.reject(appendRefusal(path, error)),
  );
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new RefusedFileError(path, `is ${kindOf(stats)}, not a regular file`, 'write to');
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function appendRefusal(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP' || code === 'EMLINK') return new RefusedFileError(path, 'is a symbolic link', 'write to');
  // A FIFO without a reader answers a non-blocking open for writing with ENXIO; a folder with EISDIR.
  if (code === 'ENXIO') return new RefusedFileError(path, 'is a FIFO (named pipe), not a regular file', 'write to');
  if (code === 'EISDIR') return new RefusedFileError(path, 'is a folder, not a regular file', 'write to');
  return error;
}

function checkSize(path: string, size: number, limit: RegularFileLimit): void {
  if (size > limit.maxBytes) {
    throw new RefusedFileError(path, `is larger than ${mib(limit.maxBytes)}, more than ${limit.what} can be`);
  }
}

// ENOENT is "no file"; what O_NOFOLLOW answers for a link (ELOOP on Linux and macOS, EMLINK on FreeBSD) is a refusal.
function missingOrRefused(path: string, error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return undefined;
  if (code === 'ELOOP' || code === 'EMLINK') throw new RefusedFileError(path, 'is a symbolic link');
  throw error;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'something else';
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
