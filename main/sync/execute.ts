import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { SyncFolder } from '../../shared/run-config/schema';
import type { SyncEvent } from '../../shared/sync/events';
import type { BaselineEntry, SyncAction, SyncFailure, SyncPlan, SyncSummary } from '../../shared/sync/types';
import type { ObjectStore } from '../aws/ports/object-store';
import { type Downloaded, downloadFile, type DownloadFolder } from './download';
import { DownloadBuffers, SLAB_BYTES } from './download-buffers';
import { explainObjectError, unencryptedWarning } from './explain';
import { HashThread } from './hash-thread';
import { realFolderRoot, tempDirFor } from './inside-root';
import { createLimiter } from './limiter';
import { createMetadataWriteBack, writesBackMetadata } from './metadata-write-back';
import { SyncProgressTracker } from './progress';
import { syncRetry, withRetry } from './retry';
import { SYNC_DEFAULTS, type SyncSpec } from './sync-spec';
import { baselineFor, folderIdentity, hashCacheFor, type SyncState } from './sync-state';
import { HASHING_PASSES, type Uploaded, uploadFile } from './upload';
import type { UploadJournal } from './upload-journal';

/** What execution needs besides the plan. */
export interface ExecuteContext {
  store: ObjectStore;
  spec: SyncSpec;
  state: SyncState;
  /** Records multipart uploads so that the next sync resumes or aborts them. */
  journal?: UploadJournal;
  signal?: AbortSignal;
  onEvent?: (event: SyncEvent) => void;
  /** Progress events at most this often (the last one always goes out). */
  progressIntervalMs?: number;
  /** Write learned hashes back onto objects of pull-only folders too (see metadata-write-back). */
  writeMetadataToDatasets?: boolean;
}

/** DeleteObjects takes at most 1,000 keys. */
const DELETE_BATCH = 1000;

/**
 * Carries out a plan with bounded concurrency. A file that fails is reported and the rest
 * continue; the summary names every file that did not transfer. Afterwards the baseline of
 * each folder is exactly the objects present on both sides.
 */
export async function executePlan(plan: SyncPlan, ctx: ExecuteContext): Promise<SyncSummary> {
  const started = Date.now();
  const actions = plan.folders.flatMap((f) => f.actions);
  const tracker = new SyncProgressTracker(actions);
  const files = createLimiter(ctx.spec.concurrency);
  const requests = createLimiter(ctx.spec.concurrency);
  const hashing = createLimiter(HASHING_PASSES);
  // One memory budget for all ranged downloads of this sync, however many files run at once; their
  // slabs are hashed where they lie by one thread beside this one (started on first use).
  const buffers = new DownloadBuffers(
    ctx.spec.downloadBufferBytes ?? SYNC_DEFAULTS.downloadBufferBytes,
    SLAB_BYTES,
    true,
  );
  const hashThread = new HashThread();
  // A cancel ends the thread at once: a download waiting for its answer (a thread slow or stuck)
  // then fails instead of holding the sync, which would close the thread only once it ended.
  const endHashThread = () => void hashThread.close();
  ctx.signal?.addEventListener('abort', endHashThread, { once: true });
  // Names that failed while planning (rejected keys, unreadable files) are failures of this sync too.
  const failures: SyncFailure[] = plan.folders.flatMap((f) => f.failures);
  const results = new Map<SyncAction, BaselineEntry | 'deleted'>();
  // Objects stored without SSE-C that the plan did not know of (a pull learns it from their GETs,
  // also of those whose download then fails), by folder.
  const planUnencrypted = new Set(plan.folders.flatMap((f) => f.unencrypted ?? []));
  const learnedUnencrypted = new Map<string, Set<string>>();
  const learnUnencrypted = (folder: string, key: string) => {
    if (planUnencrypted.has(key)) return;
    learnedUnencrypted.set(folder, (learnedUnencrypted.get(folder) ?? new Set()).add(key));
  };
  let lastProgress = 0;
  const emitProgress = (force = false) => {
    if (!force && Date.now() - lastProgress < (ctx.progressIntervalMs ?? 250)) return;
    lastProgress = Date.now();
    ctx.onEvent?.({ type: 'progress', progress: tracker.snapshot() });
  };
  const fail = async (action: SyncAction, error: unknown) => {
    const explained = await explainObjectError(error, ctx.store, action.key);
    failures.push({ folder: action.folder, relPath: action.relPath, action: action.type, message: explained.message });
    ctx.onEvent?.({ type: 'failed-file', folder: action.folder, relPath: action.relPath, message: explained.message });
  };

  const writeBack = createMetadataWriteBack(ctx.store, ctx.onEvent, ctx.signal);
  const downloadFolders = new Map<string, Promise<DownloadFolder>>();
  const downloadFolder = (name: string) => {
    let folder = downloadFolders.get(name);
    if (!folder) downloadFolders.set(name, (folder = prepareDownloadFolder(ctx.spec, name)));
    return folder;
  };

  const transfer = async (action: SyncAction) => {
    if (ctx.signal?.aborted) return;
    // A conflict copy uploads the local file under another name (sourceRelPath is the file).
    const localRel = action.sourceRelPath ?? action.relPath;
    const local = join(ctx.spec.localRoot, folderLocal(ctx.spec, action.folder), localRel);
    const onBytes = (bytes: number) => {
      tracker.addBytes(action.folder, bytes);
      emitProgress();
    };
    const shared = {
      store: ctx.store,
      spec: ctx.spec,
      requests,
      hashing,
      onBytes,
      buffers,
      hashThread,
      onStoredPlain: (key: string) => learnUnencrypted(action.folder, key),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.journal ? { journal: ctx.journal } : {}),
    };
    try {
      const done: Downloaded | Uploaded =
        action.type === 'upload'
          ? await uploadFile(local, action.key, action.local!, shared)
          : await downloadFile(await downloadFolder(action.folder), action.relPath, action.remote!, shared);
      const downloaded = action.type === 'download' ? (done as Downloaded) : undefined;
      // An object another tool wrote (SSE-C, no TrainDeck hash) gets the hash this download learned.
      const rewritten =
        downloaded?.learned &&
        downloaded.encrypted !== false &&
        writesBackMetadata(specFolder(ctx.spec, action.folder), ctx.writeMetadataToDatasets ?? false)
          ? await requests(() => writeBack({ key: action.key, ...done }))
          : undefined;
      results.set(action, {
        size: done.size,
        etag: rewritten ?? done.etag,
        sha256: done.sha256,
        mtimeMs: done.mtimeMs,
        ...(downloaded?.encrypted === false ? { encrypted: false as const } : {}),
      });
      hashCacheFor(ctx.state, ctx.spec, specFolder(ctx.spec, action.folder))[localRel] = {
        size: done.size,
        mtimeMs: done.mtimeMs,
        sha256: done.sha256,
      };
    } catch (error) {
      if (!ctx.signal?.aborted) await fail(action, error);
    } finally {
      tracker.fileDone(action);
      emitProgress();
    }
  };

  try {
    await Promise.all(
      actions.filter((a) => a.type === 'upload' || a.type === 'download').map((a) => files(() => transfer(a))),
    );
  } finally {
    ctx.signal?.removeEventListener('abort', endHashThread);
    await hashThread.close();
  }
  if (!ctx.signal?.aborted) {
    await deleteRemote(
      actions.filter((a) => a.type === 'delete-remote'),
      ctx,
      tracker,
      results,
      fail,
    );
  }
  emitProgress(true);
  for (const [folder, keys] of learnedUnencrypted) ctx.onEvent?.(unencryptedWarning(folder, [...keys].sort()));

  updateBaselines(plan, ctx, results);
  const conflicts = plan.folders.flatMap((f) => f.conflicts ?? []);
  const unencrypted = plan.folders.flatMap((f) =>
    [...(f.unencrypted ?? []), ...(learnedUnencrypted.get(f.folder) ?? [])].sort(),
  );
  const count = (type: SyncAction['type']) =>
    [...results.entries()].filter(
      ([a, r]) => a.type === type && (type === 'delete-remote' ? r === 'deleted' : r !== 'deleted'),
    ).length;
  return {
    direction: plan.direction,
    uploaded: count('upload'),
    downloaded: count('download'),
    deleted: count('delete-remote'),
    skipped: actions.filter((a) => a.type === 'skip').length,
    skippedPaths: plan.folders.flatMap((f) => f.skippedPaths),
    bytes: Math.max(0, tracker.snapshot().bytesDone),
    seconds: (Date.now() - started) / 1000,
    failures,
    cancelled: ctx.signal?.aborted ?? false,
    ...(conflicts.length ? { conflicts } : {}),
    ...(unencrypted.length ? { unencrypted } : {}),
  };
}

function specFolder(spec: SyncSpec, name: string): SyncFolder {
  return spec.folders.find((f) => f.name === name)!;
}

function folderLocal(spec: SyncSpec, name: string): string {
  return specFolder(spec, name).local;
}

/** Creates a folder's root for its first download and finds its real root and temp folder. */
async function prepareDownloadFolder(spec: SyncSpec, name: string): Promise<DownloadFolder> {
  const dir = join(spec.localRoot, folderLocal(spec, name));
  await mkdir(dir, { recursive: true });
  const realRoot = await realFolderRoot(dir);
  return { realRoot, tempDir: await tempDirFor(spec.localRoot, realRoot) };
}

async function deleteRemote(
  deletes: SyncAction[],
  ctx: ExecuteContext,
  tracker: SyncProgressTracker,
  results: Map<SyncAction, BaselineEntry | 'deleted'>,
  fail: (a: SyncAction, e: unknown) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < deletes.length; i += DELETE_BATCH) {
    const batch = deletes.slice(i, i + DELETE_BATCH);
    try {
      const errors = await withRetry(
        () =>
          ctx.store.deleteMany(
            batch.map((a) => a.key),
            ctx.signal,
          ),
        syncRetry(ctx.signal),
      );
      const failed = new Map(errors.map((e) => [e.key, e.message]));
      for (const action of batch) {
        const message = failed.get(action.key);
        if (message) await fail(action, new Error(message));
        else results.set(action, 'deleted');
        tracker.fileDone(action);
      }
    } catch (error) {
      for (const action of batch) {
        await fail(action, error);
        tracker.fileDone(action);
      }
    }
  }
}

/** New baseline per folder: every path that now exists on both sides, as S3 holds it. */
function updateBaselines(
  plan: SyncPlan,
  ctx: ExecuteContext,
  results: Map<SyncAction, BaselineEntry | 'deleted'>,
): void {
  for (const folder of plan.folders) {
    if (folder.note) continue;
    const identity = folderIdentity(ctx.spec, specFolder(ctx.spec, folder.folder));
    const previous = baselineFor(ctx.state, folder.folder, identity);
    const baseline: Record<string, BaselineEntry> = {};
    for (const action of folder.actions) {
      if (action.sourceRelPath) continue; // a conflict copy exists in S3 only: no local file to baseline
      const result = results.get(action);
      if (result === 'deleted') continue;
      if (result) baseline[action.relPath] = result;
      else if (action.remote && bothExistAfter(action)) {
        baseline[action.relPath] = fromRemote(action, previous[action.relPath]);
      }
    }
    ctx.state.folders[folder.folder] = { identity, baseline };
  }
}

/** Without a successful transfer, a path is on both sides afterwards only if it already was. */
function bothExistAfter(action: SyncAction): boolean {
  return action.local !== undefined && action.remote !== undefined;
}

function fromRemote(action: SyncAction, previous: BaselineEntry | undefined): BaselineEntry {
  const remote = action.remote!;
  const known = previous && previous.etag === remote.etag ? previous : undefined;
  const sha256 = remote.sha256 ?? known?.sha256;
  const mtimeMs = remote.mtimeMs ?? known?.mtimeMs;
  return {
    size: remote.size,
    etag: remote.etag,
    ...(sha256 ? { sha256 } : {}),
    ...(mtimeMs !== undefined ? { mtimeMs } : {}),
    ...(remote.encrypted === false ? { encrypted: false as const } : {}),
  };
}
