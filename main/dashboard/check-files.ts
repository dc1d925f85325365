import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

import { expandHome } from '../config/resolve-config-paths';
import { privateKeyProblem, sshKeyKind } from './ssh-key-kind';

/** One path's verdict: usable, or why not. */
export interface FileCheck {
  path: string;
  ok: boolean;
  problem?: string;
}

/** What a file must be: any readable file, or an SSH private key (a deploy key, a login key). */
export type FileKind = 'file' | 'ssh-private-key';

/**
 * Checks that local files a run needs exist, are files and are readable by this user; a file
 * of kind `ssh-private-key` must also start like one (its first bytes are read in main, only the
 * verdict leaves: no content ever does).
 */
export async function checkFiles(paths: string[], kinds: FileKind[] = []): Promise<FileCheck[]> {
  return Promise.all(
    paths.map(async (path, index): Promise<FileCheck> => {
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
      if (!readable) return { path, ok: false, problem: 'is not readable by this user' };
      if (kinds[index] !== 'ssh-private-key') return { path, ok: true };
      const problem = privateKeyProblem(sshKeyKind(await readHead(full)));
      return problem ? { path, ok: false, problem } : { path, ok: true };
    }),
  );
}

/** The first 4 KB of a file as text: enough to tell a key's kind. */
async function readHead(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
