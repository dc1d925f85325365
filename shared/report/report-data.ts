import type { PhaseState, PhaseStatus, RunPhase } from '../domain/run';
import type { RunSyncState } from '../domain/run-sync';
import { defined } from '../object/defined';

/** Files and bytes of one transfer. */
export interface TransferFigures {
  files: number;
  /** Absent when the run did not report it (a rescue push reports files only). */
  bytes?: number;
}

/** How the run's data moved and what was checked, from its phase details and sync figures. */
export interface ReportData {
  /** S3 → machine (the pull phase). */
  pulled?: TransferFigures;
  /** Datasets checked after the pull (size, SHA-256, Parquet magic). */
  datasets: { status: PhaseStatus; files?: number; bytes?: number; parquetFiles?: number; reason?: string };
  /** Machine → S3 (the push phase); `files` is the final manifest, `uploaded` what moved. */
  pushed?: TransferFigures & { uploaded?: number; failures?: number };
  /** The desktop's own comparison of S3 with the final manifest. */
  syncCheck: { status: PhaseStatus; checked?: number; rePushes?: number; reason?: string };
}

// Details are free-form records from the executor: only finite numbers are taken from them.
const num = (detail: Record<string, unknown> | undefined, key: string): number | undefined => {
  const value = detail?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/** Sum of one direction's per-folder figures, when the run reported them. */
function syncTotals(
  sync: RunSyncState | undefined,
  direction: 'pull' | 'push',
): { files: number; bytes: number } | undefined {
  const folders = sync?.[direction];
  if (!folders?.length) return undefined;
  return { files: folders.reduce((n, f) => n + f.filesDone, 0), bytes: folders.reduce((n, f) => n + f.bytesDone, 0) };
}

/** What one direction's per-folder verifications found, when every folder of it reported one. */
function syncVerified(
  sync: RunSyncState | undefined,
  direction: 'pull' | 'push',
): { ok: boolean; checked: number } | undefined {
  const folders = (sync?.[direction] ?? []).filter((f) => direction === 'push' || f.policy === 'pull-only');
  if (!folders.length || folders.some((f) => !f.verified)) return undefined;
  return { ok: folders.every((f) => f.verified!.ok), checked: folders.reduce((n, f) => n + f.verified!.checked, 0) };
}

/**
 * The data figures of a run. Phase details carry the pull's files/bytes, the dataset check and
 * the S3 verification; per-folder sync figures (when the run reported them) fill the pushed bytes.
 */
export function reportData(phases: Record<RunPhase, PhaseState>, sync?: RunSyncState): ReportData {
  const pulling = phases.pulling;
  const pushing = phases.pushing;
  const pullDetail = pulling.detail;
  const pullFiles = num(pullDetail, 'files');
  const pullSync = syncTotals(sync, 'pull');
  const pushSync = syncTotals(sync, 'push');
  const pushFiles = num(pushing.detail, 'files');
  const data: ReportData = {
    datasets: defined({
      status: phases.verifying.status,
      files: num(phases.verifying.detail, 'files'),
      bytes: num(phases.verifying.detail, 'bytes'),
      parquetFiles: num(phases.verifying.detail, 'parquetFiles'),
      reason: phases.verifying.reason,
    }),
    syncCheck: defined({
      status: phases['verifying-sync'].status,
      checked: num(phases['verifying-sync'].detail, 'checked'),
      rePushes: num(phases['verifying-sync'].detail, 'rePushes'),
      reason: phases['verifying-sync'].reason,
    }),
  };
  // Phase details first; a run that reported per-folder verifications fills in what its phases did not record.
  const datasetsChecked = syncVerified(sync, 'pull');
  if (data.datasets.files === undefined && datasetsChecked) {
    data.datasets = {
      ...data.datasets,
      files: datasetsChecked.checked,
      ...(data.datasets.status === 'pending' ? { status: datasetsChecked.ok ? 'succeeded' : 'failed' } : {}),
    };
  }
  const s3Checked = syncVerified(sync, 'push');
  if (data.syncCheck.checked === undefined && s3Checked) {
    data.syncCheck = {
      ...data.syncCheck,
      checked: s3Checked.checked,
      ...(data.syncCheck.status === 'pending' ? { status: s3Checked.ok ? 'succeeded' : 'failed' } : {}),
    };
  }
  if (pullFiles !== undefined) data.pulled = defined({ files: pullFiles, bytes: num(pullDetail, 'bytes') });
  else if (pullSync) data.pulled = pullSync;
  if (pushFiles !== undefined || pushSync) {
    data.pushed = defined({
      files: pushFiles ?? pushSync!.files,
      bytes: num(pushing.detail, 'bytes') ?? pushSync?.bytes,
      uploaded: num(pushing.detail, 'uploaded'),
      failures: num(pushing.detail, 'failures'),
    });
  }
  return data;
}
