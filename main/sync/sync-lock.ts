import { hostname } from 'node:os';
import { join } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import { claimPidFile, type PidFileHolder } from '../core/exclusive-pid-file';
import { STATE_DIR } from './sync-state';

/**
 * One sync at a time per local root, across processes and within one: `sync.lock` is an exclusive
 * PID file (`claimPidFile`: created whole, a stale one taken over by exactly one claimant, PID and
 * start time so a reused PID is not the holder). A lock held on another host (a shared disk) is
 * never taken over: its liveness cannot be checked from here.
 */
export async function acquireSyncLock(localRoot: string, signal?: AbortSignal): Promise<() => Promise<void>> {
  const path = join(localRoot, STATE_DIR, 'sync.lock');
  const claim = await claimPidFile(path, 'json', signal);
  if (!claim.held) throw lockedError(localRoot, path, claim.holder);
  return claim.release;
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
