import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

import { writeFileAtomicSync } from '../core/write-file-atomic';
import { createToken } from './token';

/**
 * What a token file must hold: URL-safe characters only (it goes into a link's fragment and a
 * WebSocket query) and at least as many as `createToken` makes, i.e. 256 bits of randomness.
 */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43,256}$/;

/** Where the token came from: `created` means this launch wrote the file. */
export interface TokenFileResult {
  token: string;
  created: boolean;
}

/** Injected for tests: who "the user" is, and whether the platform has POSIX modes. */
export interface TokenFileOptions {
  uid?: number | undefined;
  posix?: boolean;
}

/**
 * The browser host's token kept across launches, so an open page can reconnect after a
 * restart. Reuses the file if it exists (refused unless it is a regular file owned by the
 * user, unreadable by others, holding a well-formed token); otherwise writes a fresh token
 * atomically with mode 0600. Throws an Error that says how to fix the file.
 */
export function loadOrCreateTokenFile(path: string, options: TokenFileOptions = {}): TokenFileResult {
  const posix = options.posix ?? process.platform !== 'win32';
  const uid = options.uid ?? process.getuid?.();
  const existing = readTokenFile(path, posix, uid, { missingOk: true });
  if (existing !== undefined) return { token: existing, created: false };
  const written = writeTokenFile(path);
  // Another host may have created the file first; then its token is the one to share.
  if (written === undefined) return { token: readTokenFile(path, posix, uid, { missingOk: false }), created: false };
  return { token: written, created: true };
}

// One descriptor for the checks and the read: a file swapped between them is never read.
// No symlinks followed (a link could point the host at any file the user can read), and no
// wait on a FIFO someone left in its place. Windows has neither flag.
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

function readTokenFile(
  path: string,
  posix: boolean,
  uid: number | undefined,
  how: { missingOk: true },
): string | undefined;
function readTokenFile(path: string, posix: boolean, uid: number | undefined, how: { missingOk: false }): string;
function readTokenFile(
  path: string,
  posix: boolean,
  uid: number | undefined,
  how: { missingOk: boolean },
): string | undefined {
  const fd = openTokenFile(path, how.missingOk);
  if (fd === undefined) return undefined;
  try {
    checkTokenFile(path, fstatSync(fd), posix, uid);
    const token = readFileSync(fd, 'utf8').trim();
    if (!TOKEN_PATTERN.test(token)) {
      throw new Error(
        `token file ${path} does not hold a TrainDeck token (43 to 256 of A-Z a-z 0-9 _ -): delete it, and TrainDeck will write a new one`,
      );
    }
    return token;
  } finally {
    closeSync(fd);
  }
}

function openTokenFile(path: string, missingOk: boolean): number | undefined {
  // Without O_NOFOLLOW (Windows) the link is looked at first: not race-free, but still refused.
  if (!constants.O_NOFOLLOW && isSymlink(path)) throw notRegularFile(path);
  try {
    return openSync(path, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && missingOk) return undefined;
    // What O_NOFOLLOW answers for a symlink: ELOOP (Linux, macOS), EMLINK (FreeBSD).
    if (code === 'ELOOP' || code === 'EMLINK') throw notRegularFile(path);
    throw error;
  }
}

function checkTokenFile(path: string, stats: Stats, posix: boolean, uid: number | undefined): void {
  if (!stats.isFile()) throw notRegularFile(path);
  if (!posix) return;
  if (uid !== undefined && stats.uid !== uid) {
    throw new Error(`token file ${path} belongs to another user (uid ${stats.uid}): delete it, or pass a path you own`);
  }
  const mode = stats.mode & 0o777;
  // Anyone who can read the token can drive TrainDeck, so group and others get nothing.
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `token file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): run \`chmod 600 ${path}\``,
    );
  }
}

function notRegularFile(path: string): Error {
  return new Error(`token file ${path} is not a regular file: delete it, and TrainDeck will write a new one`);
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Writes a fresh token; undefined when the file appeared meanwhile (the caller reads it). */
function writeTokenFile(path: string): string | undefined {
  const token = createToken();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // Exclusive: never replaces a file another launch wrote a moment ago.
    writeFileAtomicSync(path, `${token}\n`, { mode: 0o600, exclusive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  }
  return token;
}
