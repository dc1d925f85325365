import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

import type { FileCheck, FileKind } from '../../shared/domain/file-check';
import { expandHome } from '../config/resolve-config-paths';
import { privateKeyProblem, sshKeyKind } from './ssh-key-kind';

export type { FileCheck, FileKind } from '../../shared/domain/file-check';

/** Kinds whose file holds a secret: one other users of this computer can read is said (not refused). */
const SECRET_KINDS: ReadonlySet<FileKind> = new Set(['ssh-private-key', 'secret']);

/**
 * Checks that local files a run needs exist, are files and are readable by this user; a file
 * of kind `ssh-private-key` must also start like one (its first bytes are read in main, only the
 * verdict leaves: no content ever does). A key or secret that group or others may read is usable
 * (the run reads it as this user) but gets a warning.
 */
export async function checkFiles(paths: string[], kinds: FileKind[] = []): Promise<FileCheck[]> {
  return Promise.all(
    paths.map(async (path, index): Promise<FileCheck> => {
      const full = expandHome(path.trim());
      const kind = kinds[index] ?? 'file';
      if (!isAbsolute(full)) {
        return { path, ok: false, reason: 'relative', problem: 'give the full path (or start it with ~/)' };
      }
      const info = await stat(full).catch((error: NodeJS.ErrnoException) => error);
      if (info instanceof Error) {
        return info.code === 'ENOENT' || info.code === 'ENOTDIR'
          ? { path, ok: false, reason: 'missing', problem: 'no such file' }
          : { path, ok: false, reason: 'unreadable', problem: `cannot be read (${info.code ?? info.message})` };
      }
      if (info.isDirectory()) return { path, ok: false, reason: 'folder', problem: 'is a folder, not a file' };
      if (!info.isFile()) return { path, ok: false, reason: 'not-file', problem: 'is not a file' };
      const readable = await access(full, constants.R_OK).then(
        () => true,
        () => false,
      );
      if (!readable) return { path, ok: false, reason: 'unreadable', problem: 'is not readable by this user' };
      if (kind === 'ssh-private-key') {
        const problem = privateKeyProblem(sshKeyKind(await readHead(full)));
        if (problem) return { path, ok: false, reason: 'not-private-key', problem };
      }
      // Mode bits mean nothing on Windows (every file reads as 0666 there).
      const exposed = process.platform !== 'win32' && SECRET_KINDS.has(kind) && (info.mode & 0o077) !== 0;
      return exposed
        ? { path, ok: true, reason: 'open-permissions', warning: `other users may read it (mode ${modeOf(info.mode)})` }
        : { path, ok: true };
    }),
  );
}

/** "0644" for a file's permission bits. */
function modeOf(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
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
