import { open, stat } from 'node:fs/promises';

import type { RemoteShell } from '../host/remote-host';
import { shellQuote } from '../host/shell-quote';

/** One read of a growing file. */
export interface TailRead {
  /** The file's size when read; -1 when it does not exist (yet). */
  size: number;
  /** Changes when the path points at another file (rotation): the inode. */
  identity: string;
  bytes: Uint8Array;
}

/** Reads a file by byte offset, wherever it lives. */
export interface TailSource {
  /** Up to `maxBytes` from `offset`, with the file's current size and identity; bounded by `timeoutMs`. */
  read(
    offset: number,
    maxBytes: number,
    options: { signal?: AbortSignal | undefined; timeoutMs: number },
  ): Promise<TailRead>;
}

const EMPTY = new Uint8Array(0);

/**
 * Reads through a {@link RemoteShell}: `stat` for size and inode, then the bytes from the
 * offset, base64-encoded so that non-UTF-8 bytes survive a text channel intact.
 */
export function shellTailSource(shell: RemoteShell, path: string): TailSource {
  const file = shellQuote(path);
  return {
    async read(offset, maxBytes, options) {
      const command =
        `s=$(stat -c '%s %i' ${file} 2>/dev/null) || { echo MISSING; exit 0; }; echo "$s"; ` +
        `tail -c +${Math.floor(offset) + 1} ${file} 2>/dev/null | head -c ${Math.floor(maxBytes)} | base64 | tr -d '\\n'`;
      const { stdout } = await shell.exec(command, options);
      const [head = '', body = ''] = stdout.split('\n');
      if (head.trim() === 'MISSING') return { size: -1, identity: '', bytes: EMPTY };
      const [size, inode] = head.trim().split(/\s+/);
      if (!size || !Number.isFinite(Number(size))) throw new Error(`unexpected reply from stat: ${head.slice(0, 80)}`);
      return { size: Number(size), identity: inode ?? '', bytes: new Uint8Array(Buffer.from(body.trim(), 'base64')) };
    },
  };
}

/** Reads a local file (the local backend, tests and the benchmark). */
export function fileTailSource(path: string): TailSource {
  return {
    async read(offset, maxBytes) {
      let info;
      try {
        info = await stat(path);
      } catch {
        return { size: -1, identity: '', bytes: EMPTY };
      }
      const length = Math.max(0, Math.min(maxBytes, info.size - offset));
      if (length === 0) return { size: info.size, identity: String(info.ino), bytes: EMPTY };
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return { size: info.size, identity: String(info.ino), bytes: new Uint8Array(buffer.subarray(0, bytesRead)) };
      } finally {
        await handle.close();
      }
    },
  };
}
