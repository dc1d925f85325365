import { isAbsolute, resolve } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import { expandHome } from '../config/resolve-config-paths';

/** An absolute path from the window: "~/" expanded; a relative path is refused (relative to what?). */
export function absoluteFromWindow(path: string, what: string): string {
  const expanded = expandHome(path.trim());
  if (!isAbsolute(expanded)) {
    throw new TypedError('INVALID_REQUEST', `The ${what} path must be absolute (or start with "~/"): ${path}`, {
      fix: 'Give the full path, e.g. ~/keys/traindeck.key.',
    });
  }
  return resolve(expanded);
}
