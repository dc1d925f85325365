import { open } from 'node:fs/promises';
import { join } from 'node:path';

import type { SyncFolderVerification } from '../../shared/domain/run-sync';
import { folderPrefix } from '../../shared/sync/keys';
import { locallyRecordedHashes } from '../sync/remote-details';
import { loadSyncState } from '../sync/sync-state';
import { buildLocalManifest, verifyAgainst } from '../sync/verify';
import { verificationByFolder } from '../sync/verify-by-folder';
import type { RunStorage } from './data-sync';
import { PhaseError } from './phase-error';

/** What the verify phase checked. */
export interface DataSummary {
  files: number;
  bytes: number;
  parquetFiles: number;
}

/**
 * Every dataset object in S3 is present locally with the same size and SHA-256 (the hash
 * recorded at upload), and every Parquet file starts and ends with the `PAR1` magic.
 * `onVerified` gets the per-folder counts before a problem fails the phase.
 */
export async function verifyDatasets(
  storage: RunStorage,
  signal?: AbortSignal,
  onVerified?: (folders: SyncFolderVerification[]) => void,
): Promise<DataSummary> {
  const datasets = { ...storage.spec, folders: storage.spec.folders.filter((f) => f.policy === 'pull-only') };
  const state = await loadSyncState(storage.spec.localRoot);
  // Deep: every dataset file is re-hashed before training, never trusted to the size+mtime cache.
  const manifest = await buildLocalManifest(datasets, state, signal, { deep: true });
  const prefixes = datasets.folders.map((f) => folderPrefix(datasets.prefix, f.remote));
  const report = await verifyAgainst(
    manifest,
    storage.store,
    prefixes,
    8,
    signal,
    locallyRecordedHashes(datasets, state),
  );
  const badParquet: string[] = [];
  let parquetFiles = 0;
  for (const folder of datasets.folders) {
    const prefix = folderPrefix(datasets.prefix, folder.remote);
    for (const file of manifest.filter((f) => f.key.startsWith(prefix) && f.key.toLowerCase().endsWith('.parquet'))) {
      const path = join(storage.spec.localRoot, folder.local, file.key.slice(prefix.length));
      if (await hasParquetMagic(path, file.size)) parquetFiles += 1;
      else badParquet.push(file.key);
    }
  }
  // Every problem counts against its folder; an object in S3 that is missing locally is one too.
  const problems = new Set([...report.mismatches.map((m) => m.key), ...report.extra, ...badParquet]);
  onVerified?.(verificationByFolder(manifest, [...problems], datasets.folders, datasets.prefix));
  const problem = report.mismatches[0];
  if (problem) {
    throw new PhaseError(
      `dataset file ${problem.key} does not match S3 (${problem.problem}${problem.expected ? `: expected ${problem.expected}, got ${problem.actual}` : ''})`,
    );
  }
  if (report.extra.length) {
    throw new PhaseError(
      `dataset file ${report.extra[0]} is in S3 but missing locally (${report.extra.length} missing)`,
    );
  }
  if (badParquet.length) {
    throw new PhaseError(
      `${badParquet[0]} is not a valid Parquet file (no PAR1 magic at its start and end)`,
      'Re-upload the dataset file; it may be truncated.',
    );
  }
  return { files: manifest.length, bytes: manifest.reduce((sum, f) => sum + f.size, 0), parquetFiles };
}

/** Parquet files begin and end with the 4 bytes "PAR1". */
export async function hasParquetMagic(path: string, size: number): Promise<boolean> {
  if (size < 8) return false;
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    await handle.read(tail, 0, 4, size - 4);
    return head.toString('latin1') === 'PAR1' && tail.toString('latin1') === 'PAR1';
  } finally {
    await handle.close();
  }
}
