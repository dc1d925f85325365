import type { RunSyncReport, SyncFolderStatus } from '../executor/sync-report-schema';
import type { SyncPolicy } from '../run-config/schema';
import type { SyncDirection } from '../sync/types';

/**
 * Per-folder sync figures of a run: the pull (S3 → machine) and the push (machine → S3) as the
 * executor reports them (throttled), and what each folder's verification found. Kept in the
 * run's snapshot, so a finished run still shows how its data moved.
 */

// The report types are derived from the executor line schema (one definition); type-only, so
// importing this module never loads zod.
export type {
  RunSyncReport,
  SyncFolderState,
  SyncFolderStatus,
  SyncFolderVerification,
  SyncFolderVerified,
} from '../executor/sync-report-schema';

/** The sync part of a run snapshot: the folders of each direction, in the config's order. */
export type RunSyncState = Partial<Record<SyncDirection, SyncFolderStatus[]>>;

/**
 * Folds a report into the sync state (pure). New figures replace a folder's figures but keep
 * its verification (it is reported separately); a verification of a folder without figures
 * (nothing reported yet) adds the folder with zero figures.
 */
export function applySyncReport(state: RunSyncState | undefined, report: RunSyncReport): RunSyncState {
  const before = state?.[report.direction] ?? [];
  const known = new Map(before.map((f) => [f.folder, f]));
  let folders: SyncFolderStatus[];
  if (report.type === 'sync') {
    const reported = new Set(report.folders.map((f) => f.folder));
    folders = [
      ...report.folders.map(({ verified: _ignored, ...figures }) => {
        const verified = known.get(figures.folder)?.verified;
        return { ...figures, ...(verified ? { verified } : {}) };
      }),
      // A folder only verified so far (or dropped from a report) keeps its row.
      ...before.filter((f) => !reported.has(f.folder)),
    ];
  } else {
    const results = new Map(report.folders.map(({ folder, policy, ...verified }) => [folder, { policy, verified }]));
    folders = before.map((f) => (results.has(f.folder) ? { ...f, verified: results.get(f.folder)!.verified } : f));
    for (const [folder, { policy, verified }] of results) {
      if (!known.has(folder)) folders.push({ ...emptyFolder(folder, policy), verified });
    }
  }
  return { ...state, [report.direction]: folders };
}

// Nothing moved in this folder (or no figures arrived): zero figures, not a transfer in progress.
function emptyFolder(folder: string, policy: SyncPolicy): SyncFolderStatus {
  return {
    folder,
    policy,
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    bytesPerSecond: 0,
    state: 'done',
    failures: 0,
  };
}
