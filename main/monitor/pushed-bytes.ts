import type { RemoteShell } from '../host/remote-host';
import { shellQuote } from '../host/shell-quote';

/** `du` of a checkpoint folder of many GB reads metadata only; 30 s is ample, and the round goes on without it. */
const DU_LIMIT_MS = 30_000;

/**
 * The bytes in the folders a push would move, as `du -sk` sees them on the machine (missing folders
 * count 0); undefined when nothing could be measured. An upper bound of what moves: unchanged files
 * are skipped by the push.
 */
export async function pushedBytes(
  shell: RemoteShell,
  dirs: readonly string[],
  signal: AbortSignal,
): Promise<number | undefined> {
  const { stdout } = await shell.exec(`du -sk -- ${dirs.map(shellQuote).join(' ')} 2>/dev/null; true`, {
    timeoutMs: DU_LIMIT_MS,
    signal,
  });
  let kib: number | undefined;
  for (const line of stdout.split('\n')) {
    const size = /^(\d+)\s/.exec(line)?.[1];
    if (size !== undefined) kib = (kib ?? 0) + Number(size);
  }
  return kib === undefined ? undefined : kib * 1024;
}
