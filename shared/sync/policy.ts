import type { SyncPolicy } from '../run-config/schema';
import type { BaselineEntry, LocalFile, RemoteObject, SyncActionType, SyncDirection } from './types';

/** The verdict for one path: the action and a reason a person can read. */
export interface Decision {
  type: SyncActionType;
  reason: string;
}

/** Everything known about one path when deciding. `same` is undefined until contents are compared. */
export interface PathState {
  local?: LocalFile;
  remote?: RemoteObject;
  baseline?: BaselineEntry;
  /** Whether local and remote contents are equal (size, then SHA-256); only asked when both exist. */
  same?: boolean;
}

/**
 * The product's sync rules, as one pure function:
 * - `pull-only` (datasets): S3 is the source of truth; pull replaces differing local files; push never writes.
 * - `local-wins` (logs, models): push overwrites S3; pull only fills in what is missing locally.
 * - `newest-wins` (checkpoints): the side with the newer modification time wins, both ways.
 * Deletes are safe: push deletes an object only when the last pull saw it (baseline), it is
 * gone locally, and S3 still holds exactly what the pull saw.
 */
export function decide(policy: SyncPolicy, direction: SyncDirection, state: PathState): Decision {
  const { local, remote } = state;
  if (direction === 'push' && policy === 'pull-only')
    return { type: 'skip', reason: 'pull-only folder: push never writes to it' };
  if (!local && !remote) return { type: 'skip', reason: 'absent on both sides' };

  if (direction === 'pull') {
    if (!remote) return { type: 'skip', reason: 'only local' };
    if (!local) return { type: 'download', reason: 'missing locally' };
    if (state.same) return { type: 'skip', reason: 'identical' };
    if (policy === 'pull-only') return { type: 'download', reason: 'differs from S3, which is the source of truth' };
    if (policy === 'local-wins') return { type: 'skip', reason: 'differs; local wins (push will overwrite S3)' };
    return newer(remote, local)
      ? { type: 'download', reason: 'S3 copy is newer' }
      : { type: 'skip', reason: 'local copy is newer or as new' };
  }

  if (!local) return deleteDecision(state);
  if (!remote) return { type: 'upload', reason: 'missing in S3' };
  if (state.same) return { type: 'skip', reason: 'identical' };
  if (policy === 'local-wins') return { type: 'upload', reason: 'differs; local overwrites S3' };
  return newer(remote, local)
    ? { type: 'skip', reason: 'S3 copy is newer (pull will fetch it)' }
    : { type: 'upload', reason: 'local copy is newer' };
}

function deleteDecision({ remote, baseline }: PathState): Decision {
  if (!remote) return { type: 'skip', reason: 'absent on both sides' };
  if (!baseline) return { type: 'skip', reason: 'only in S3 and never seen by a sync: kept' };
  if (baseline.etag !== remote.etag || baseline.size !== remote.size)
    return { type: 'skip', reason: 'deleted locally, but changed in S3 since the last sync: kept' };
  return { type: 'delete-remote', reason: 'deleted locally since the last sync' };
}

/** The remote's modification time: its recorded file mtime, else when S3 stored it. */
function remoteMtime(remote: RemoteObject): number {
  return remote.mtimeMs ?? remote.lastModifiedMs;
}

function newer(remote: RemoteObject, local: LocalFile): boolean {
  return remoteMtime(remote) > local.mtimeMs;
}

/**
 * Whether the decision depends on comparing contents (by SHA-256): only when both sides
 * exist with the same size, and "identical" and "different" would lead to different actions.
 * Everything else is decided without reading a byte.
 */
export function outcomeDependsOnContent(policy: SyncPolicy, direction: SyncDirection, state: PathState): boolean {
  const { local, remote } = state;
  if (!local || !remote || local.size !== remote.size) return false;
  return (
    decide(policy, direction, { ...state, same: true }).type !==
    decide(policy, direction, { ...state, same: false }).type
  );
}
