import type { SyncPolicy } from '../run-config/schema';
import type { BaselineEntry, LocalFile, RemoteObject, SyncActionType, SyncDirection } from './types';

/**
 * What to do with one path. `keep-both` is newest-wins' answer to a true conflict (equal file
 * mtimes, different contents, or an S3 copy whose age is unknown): the S3 copy stays, the local
 * copy is uploaded beside it under a conflict name (push) and nothing is overwritten (pull).
 */
export type DecisionType = SyncActionType | 'keep-both';

/** The verdict for one path: the action and a reason a person can read. */
export interface Decision {
  type: DecisionType;
  reason: string;
}

/** Everything known about one path when deciding. `same` is undefined until contents are compared. */
export interface PathState {
  // `| undefined`: the planner fills these straight from its maps' `get`.
  local?: LocalFile | undefined;
  remote?: RemoteObject | undefined;
  baseline?: BaselineEntry | undefined;
  /** Whether local and remote contents are equal (size, then SHA-256); only asked when both exist. */
  same?: boolean;
}

/**
 * The product's sync rules, as one pure function:
 * - `pull-only` (datasets): S3 is the source of truth; pull replaces differing local files; push never writes.
 * - `local-wins` (logs, models): push overwrites S3; pull only fills in what is missing locally.
 * - `newest-wins` (checkpoints): the side whose recorded file mtime is newer wins, both ways; equal
 *   contents are never moved; a tie with different contents (or an S3 copy with no recorded mtime)
 *   keeps both, never overwriting either. S3's LastModified is never taken for a file mtime.
 * Deletes are safe: push deletes an object only when the last pull saw it (baseline), it is
 * gone locally, and S3 still holds exactly what the pull saw.
 */
export function decide(policy: SyncPolicy, direction: SyncDirection, state: PathState): Decision {
  const { local, remote } = state;
  if (direction === 'push' && policy === 'pull-only') {
    return { type: 'skip', reason: 'pull-only folder: push never writes to it' };
  }
  if (!local && !remote) return { type: 'skip', reason: 'absent on both sides' };

  if (direction === 'pull') {
    if (!remote) return { type: 'skip', reason: 'only local' };
    if (!local) return { type: 'download', reason: 'missing locally' };
    const same = sameContent(state);
    if (same) return { type: 'skip', reason: 'identical' };
    if (policy === 'pull-only') return { type: 'download', reason: 'differs from S3, which is the source of truth' };
    if (policy === 'local-wins') return { type: 'skip', reason: 'differs; local wins (push will overwrite S3)' };
    return newestWins('pull', local, remote, same);
  }

  if (!local) return deleteDecision(state);
  if (!remote) return { type: 'upload', reason: 'missing in S3' };
  const same = sameContent(state);
  if (same) return { type: 'skip', reason: 'identical' };
  if (policy === 'local-wins') return { type: 'upload', reason: 'differs; local overwrites S3' };
  return newestWins('push', local, remote, same);
}

/** Equal contents: said by the caller, else known from sizes and both SHA-256s; undefined when unknown. */
function sameContent({ local, remote, same }: PathState): boolean | undefined {
  if (same !== undefined) return same;
  if (!local || !remote) return undefined;
  if (local.size !== remote.size) return false;
  if (local.sha256 && remote.sha256) return local.sha256 === remote.sha256;
  return undefined;
}

function newestWins(
  direction: SyncDirection,
  local: LocalFile,
  remote: RemoteObject,
  same: boolean | undefined,
): Decision {
  // Equal sizes not compared by content: moving bytes could overwrite an identical or a newer copy.
  if (same === undefined) return { type: 'skip', reason: 'contents not compared: nothing moved' };
  if (remote.mtimeMs === undefined) {
    return {
      type: 'keep-both',
      reason:
        direction === 'push'
          ? 'differs from an S3 copy with no recorded mtime: S3 copy kept, local copy uploaded beside it'
          : 'differs from an S3 copy with no recorded mtime: local copy kept (push uploads it beside the S3 copy)',
    };
  }
  if (remote.mtimeMs > local.mtimeMs) {
    return direction === 'pull'
      ? { type: 'download', reason: 'S3 copy is newer' }
      : { type: 'skip', reason: 'S3 copy is newer (pull will fetch it)' };
  }
  if (local.mtimeMs > remote.mtimeMs) {
    return direction === 'push'
      ? { type: 'upload', reason: 'local copy is newer' }
      : { type: 'skip', reason: 'local copy is newer (push will upload it)' };
  }
  return {
    type: 'keep-both',
    reason:
      direction === 'push'
        ? 'same mtime, different content: S3 copy kept, local copy uploaded beside it'
        : 'same mtime, different content: local copy kept (push uploads it beside the S3 copy)',
  };
}

function deleteDecision({ remote, baseline }: PathState): Decision {
  if (!remote) return { type: 'skip', reason: 'absent on both sides' };
  if (!baseline) return { type: 'skip', reason: 'only in S3 and never seen by a sync: kept' };
  if (baseline.etag !== remote.etag || baseline.size !== remote.size) {
    return { type: 'skip', reason: 'deleted locally, but changed in S3 since the last sync: kept' };
  }
  return { type: 'delete-remote', reason: 'deleted locally since the last sync' };
}

/**
 * Whether the decision depends on comparing contents (by SHA-256): only when both sides
 * exist with the same size, and "identical" and "different" would lead to different actions.
 * Everything else is decided without reading a byte. For newest-wins, ask with the remote's
 * recorded mtime already read (the answer depends on it).
 */
export function outcomeDependsOnContent(policy: SyncPolicy, direction: SyncDirection, state: PathState): boolean {
  const { local, remote } = state;
  if (!local || !remote || local.size !== remote.size) return false;
  return (
    decide(policy, direction, { ...state, same: true }).type !==
    decide(policy, direction, { ...state, same: false }).type
  );
}

/**
 * The name under which a conflicting local copy goes up beside the S3 copy:
 * `dir/NAME.conflict-<tag>-<sha8>.EXT` (tag: the host or run, reduced to `[A-Za-z0-9_-]`).
 * The same file from the same place always gets the same name, so a second push finds it there.
 */
export function conflictRelPath(relPath: string, tag: string, sha256: string): string {
  const slash = relPath.lastIndexOf('/');
  const dir = relPath.slice(0, slash + 1);
  const base = relPath.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  const safeTag =
    tag
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'local';
  return `${dir}${stem}.conflict-${safeTag}-${sha256.slice(0, 8)}${ext}`;
}
