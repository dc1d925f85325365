import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { TypedError } from '../../../shared/ipc/result';

/** "~/x" → the home folder's x; other paths unchanged. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** An absolute path from the window: "~/" expanded; a relative path is refused (relative to what?). */
export function absoluteFromWindow(path: string, what: string): string {
  const expanded = expandHome(path.trim());
  if (!isAbsolute(expanded)) throw new TypedError('INVALID_REQUEST', `The ${what} path must be absolute (or start with "~/"): ${path}`, { fix: 'Give the full path, e.g. ~/keys/traindeck.key.' });
  return resolve(expanded);
}
