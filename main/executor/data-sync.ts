import type { ExecutorSecrets, ExecutorSpec } from '../../shared/executor/protocol';
import { logsFolderOf, runFolders } from '../../shared/executor/run-folders';
import type { SyncEvent } from '../../shared/sync/events';
import { folderPrefix } from '../../shared/sync/keys';
import type { ManifestFile } from '../../shared/sync/types';
import { createS3Client } from '../aws/client-factory';
import type { ObjectStore } from '../aws/ports/object-store';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { runSync } from '../sync/engine';
import { freeSpaceFor } from '../sync/free-space';
import { SseKey } from '../sync/sse-key';
import { SYNC_DEFAULTS, type SyncSpec } from '../sync/sync-spec';
import { loadSyncState } from '../sync/sync-state';
import { buildLocalManifest } from '../sync/verify';
import { PhaseError } from './phase-error';
import type { SyncObserver } from './sync-reporter';

/** The sync engine bound to this run's bucket, data folder and in-memory key. */
export interface RunStorage {
  spec: SyncSpec;
  store: ObjectStore;
  region: string;
}

/** Opens the store with the key from stdin (never from a file) and, on ssh hosts, the sent S3 credentials. */
export function openRunStorage(spec: ExecutorSpec, secrets: ExecutorSecrets, dataDir: string): RunStorage {
  const { storage } = spec;
  const client = createS3Client(
    {
      region: storage.region,
      maxAttempts: 1,
      ...(storage.endpoint ? { endpoints: { S3: storage.endpoint } } : {}),
      ...(secrets.s3 ? { credentials: secrets.s3 } : {}),
    },
    { maxSockets: 32 },
  );
  const key = new SseKey(Buffer.from(secrets.sseKey, 'base64'));
  const syncSpec: SyncSpec = {
    bucket: storage.bucket,
    prefix: storage.prefix,
    localRoot: dataDir,
    // The run's own logs subfolder only: nothing of an earlier run is pulled, pushed or deleted.
    folders: runFolders(storage.folders, spec.runId),
    ...SYNC_DEFAULTS,
    ...(storage.concurrency ? { concurrency: storage.concurrency } : {}),
    // Conflict copies name the run (the desktop's verification finds them by it).
    conflictTag: spec.runId,
  };
  return { spec: syncSpec, store: createS3ObjectStore(client, storage.bucket, key), region: storage.region };
}

/** Refuses to pull when the datasets (sizes from S3) plus the reserve do not fit on the data disk. */
export async function checkDiskSpace(
  storage: RunStorage,
  reserveBytes: number,
  signal?: AbortSignal,
): Promise<{ needBytes: number; freeBytes: number }> {
  const { plan } = await runSync('pull', { ...storage, dryRun: true, ...(signal ? { signal } : {}) });
  // The engine's one free-space figure (per disk, with its margin); the executor adds its reserve.
  const space = await freeSpaceFor(plan, storage.spec, reserveBytes);
  const needBytes = space.downloadBytes;
  const freeBytes = space.freeBytes;
  if (space.needBytes > freeBytes) {
    throw new PhaseError(
      `disk too small: the pull needs ${mb(needBytes)} + ${mb(space.needBytes - needBytes)} reserve, ${mb(freeBytes)} free`,
      'Give the instance a larger disk (compute.diskGb) or lower training.diskReserveMb.',
    );
  }
  return { needBytes, freeBytes };
}

/** Pulls every folder by its policy; any failed file fails the phase. */
export async function pull(
  storage: RunStorage,
  signal?: AbortSignal,
  observer?: SyncObserver,
): Promise<{ files: number; bytes: number }> {
  const { summary } = await runSync('pull', {
    ...storage,
    ...(signal ? { signal } : {}),
    ...observed(observer),
  }).finally(() => observer?.end());
  if (summary?.failures.length) {
    throw new PhaseError(
      `pull failed for ${summary.failures.length} file(s), first: ${summary.failures[0]!.relPath}: ${summary.failures[0]!.message}`,
    );
  }
  return { files: summary?.downloaded ?? 0, bytes: summary?.bytes ?? 0 };
}

/** Pushes by policy, then returns the final manifest of every pushable folder. */
export async function push(
  storage: RunStorage,
  signal?: AbortSignal,
  observer?: SyncObserver,
): Promise<{ manifest: ManifestFile[]; prefixes: string[]; failures: number }> {
  const { summary } = await runSync('push', {
    ...storage,
    ...(signal ? { signal } : {}),
    ...observed(observer),
  }).finally(() => observer?.end());
  const pushable = { ...storage.spec, folders: storage.spec.folders.filter((f) => f.policy !== 'pull-only') };
  const manifest = await buildLocalManifest(pushable, await loadSyncState(storage.spec.localRoot), signal);
  return {
    manifest,
    prefixes: pushable.folders.map((f) => folderPrefix(pushable.prefix, f.remote)),
    failures: summary?.failures.length ?? 0,
  };
}

/**
 * One last small push of the run's logs folder, after the `done` line is written, so that the
 * S3 copy of `executor.jsonl` holds the end of the run. Returns the logs' manifest entries.
 */
export async function pushLogs(storage: RunStorage, signal?: AbortSignal): Promise<ManifestFile[]> {
  const logs = logsFolderOf(storage.spec.folders);
  if (!logs) return [];
  const spec = { ...storage.spec, folders: [logs] };
  const { summary } = await runSync('push', { ...storage, spec, ...(signal ? { signal } : {}) });
  if (summary?.failures.length) {
    throw new PhaseError(`the final push of the logs failed: ${summary.failures[0]!.message}`);
  }
  return buildLocalManifest(spec, await loadSyncState(spec.localRoot), signal);
}

/** Replaces the logs folder's entries of a manifest with fresher ones. */
export function withLogs(manifest: ManifestFile[], logs: ManifestFile[], storage: RunStorage): ManifestFile[] {
  const folder = logsFolderOf(storage.spec.folders);
  if (!folder) return manifest;
  const prefix = folderPrefix(storage.spec.prefix, folder.remote);
  return [...manifest.filter((f) => !f.key.startsWith(prefix)), ...logs];
}

// The observer's events, as often as it asks for them.
function observed(observer: SyncObserver | undefined): {
  onEvent?: (event: SyncEvent) => void;
  progressIntervalMs?: number;
} {
  return observer
    ? { onEvent: (event) => observer.onEvent(event), progressIntervalMs: observer.progressIntervalMs }
    : {};
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
