import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

import { expandHome } from '../config/resolve-config-paths';

/** One path's verdict: usable, or why not. */
export interface FileCheck {
  path: string;
  ok: boolean;
  problem?: string;
}

/**
 * Checks that local files a run needs exist, are files and are readable by this user. Reads
 * metadata only: no content ever leaves main.
 */
export async function checkFiles(paths: string[]): Promise<FileCheck[]> {
  return Promise.all(
    paths.map(async (path): Promise<FileCheck> => {
      const full = expandHome(path.trim());
      if (!isAbsolute(full)) return { path, ok: false, problem: 'give the full path (or start it with ~/)' };
      const info = await stat(full).catch((error: NodeJS.ErrnoException) => error);
      if (info instanceof Error) {
        return {
          path,
          ok: false,
          problem: info.code === 'ENOENT' ? 'no such file' : `cannot be read (${info.code ?? info.message})`,
        };
      }
      if (!info.isFile()) return { path, ok: false, problem: 'is not a file' };
      const readable = await access(full, constants.R_OK).then(
        () => true,
        () => false,
      );
      return readable ? { path, ok: true } : { path, ok: false, problem: 'is not readable by this user' };
    }),
  );
}
