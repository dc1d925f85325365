import { hostname } from 'node:os';
import { join } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import { claimPidFile, type PidFileHolder } from '../core/exclusive-pid-file';
import { openStateDir, shownAt } from './state-dir';

/**
 * One sync at a time per local root, across processes and within one: `sync.lock` is an exclusive
 * PID file (`claimPidFile`: created whole, a stale one taken over by exactly one claimant, PID and
 * start time so a reused PID is not the holder). A lock held on another host (a shared disk) is
 * never taken over: its liveness cannot be checked from here. The lock lives in the real
 * `.traindeck`, held open until it is released (`openStateDir`): a `.traindeck` swapped for a link,
 * before or during the sync, never takes the lock, its temp files or its removal elsewhere.
 */
export async function acquireSyncLock(localRoot: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  const dir = (await openStateDir(localRoot, { create: true }))!;
  const shown = join(dir.shown, 'sync.lock');
  try {
    const claim = await claimPidFile(join(dir.path, 'sync.lock'), 'json', signal);
    if (!claim.held) throw lockedError(localRoot, shown, claim.holder);
    return () => claim.release().finally(() => dir.close());
  } catch (error) {
    await dir.close();
    throw shownAt(error, dir);
  }
}

function lockedError(localRoot: string, path: string, holder: PidFileHolder): TypedError {
  const where = holder.host === hostname() ? '' : ` on host ${holder.host}`;
  const since = holder.since === '?' ? '' : ` since ${holder.since}`;
  return Object.assign(
    new TypedError('INVALID_REQUEST', `Another sync (PID ${holder.pid}${where}${since}) is using ${localRoot}.`, {
      fix:
        holder.host === hostname()
          ? 'Wait for it to finish, or stop that process, then sync again.'
          : `Wait for it to finish; if no sync runs on ${holder.host}, delete ${path}.`,
    }),
    { code: 'SYNC_LOCKED' },
  );
}
