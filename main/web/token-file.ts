import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  const existing = statOrUndefined(path);
  if (existing) return { token: readTokenFile(path, existing, posix, uid), created: false };
  const written = writeTokenFile(path);
  // Another host may have created the file first; then its token is the one to share.
  if (written === undefined) return { token: readTokenFile(path, lstatSync(path), posix, uid), created: false };
  return { token: written, created: true };
}

function readTokenFile(path: string, stats: Stats, posix: boolean, uid: number | undefined): string {
  // A symlink could point the host at any file the user can read; only a plain file is trusted.
  if (!stats.isFile()) throw new Error(`token file ${path} is not a regular file: delete it, and TrainDeck will write a new one`);
  if (posix) {
    if (uid !== undefined && stats.uid !== uid) throw new Error(`token file ${path} belongs to another user (uid ${stats.uid}): delete it, or pass a path you own`);
    const mode = stats.mode & 0o777;
    // Anyone who can read the token can drive TrainDeck, so group and others get nothing.
    if ((mode & 0o077) !== 0) throw new Error(`token file ${path} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}): run \`chmod 600 ${path}\``);
  }
  const token = readFileSync(path, 'utf8').trim();
  if (!TOKEN_PATTERN.test(token)) throw new Error(`token file ${path} does not hold a TrainDeck token (43 to 256 of A-Z a-z 0-9 _ -): delete it, and TrainDeck will write a new one`);
  return token;
}

/** Writes a fresh token; undefined when the file appeared meanwhile (the caller reads it). */
function writeTokenFile(path: string): string | undefined {
  const token = createToken();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written in full beside the target, then linked into place: a reader never sees half a token.
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    // link, unlike rename, never replaces a file another launch wrote a moment ago.
    linkSync(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return undefined;
    // File systems without hard links: rename is still atomic, just not exclusive.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') renameSync(temporary, path);
    else throw error;
  } finally {
    unlinkQuietly(temporary);
  }
  return token;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already renamed into place, or gone.
  }
}
