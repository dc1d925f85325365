import { setMaxListeners } from 'node:events';
import { join } from 'node:path';

import type { SyncEvent } from '../../shared/sync/events';
import type { SyncDirection, SyncPlan, SyncSummary } from '../../shared/sync/types';
import type { ObjectStore } from '../aws/ports/object-store';
import { StoreError } from '../aws/ports/object-store';
import { executePlan } from './execute';
import { describeFailure, explainBucketError, explainSyncError, sseCBlockedError, unencryptedWarning } from './explain';
import { checkFreeSpace } from './free-space';
import { cleanStaleTemp } from './inside-root';
import { checkKeyIdentity, writeKeyMarker } from './key-identity';
import { createLimiter } from './limiter';
import { cleanOrphanUploads } from './orphan-uploads';
import { planSync } from './planner';
import { type RetryNotice, syncRetry, type SyncRetryScope, withRetry, withSyncRetryScope } from './retry';
import { acquireSyncLock } from './sync-lock';
import type { SyncSpec } from './sync-spec';
import { loadSyncState, saveSyncState, type SyncState } from './sync-state';
import { openUploadJournal } from './upload-journal';

/** One sync run's inputs. */
export interface SyncRun {
  spec: SyncSpec;
  store: ObjectStore;
  region: string;
  dryRun?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: SyncEvent) => void;
  /** A pull also leaves this much free on each disk it writes to (the executor's training reserve). */
  reserveBytes?: number;
  /** Re-hash local files where the plan compares contents, instead of trusting the size+mtime hash cache. */
  deep?: boolean;
  /**
   * Push while files may still be written (a push during training): a file modified at or after
   * this time (epoch ms) is skipped, not uploaded. The upload itself refuses a file that changes
   * while it goes up, so what S3 gets was unchanged from this time until its upload ended.
   */
  quietSince?: number;
  /** Progress events at most this often (the engine's default otherwise; the last one always goes out). */
  progressIntervalMs?: number;
  /** Overrides of the engine's retry settings (a short budget or a fake clock in tests). */
  retry?: SyncRetryScope['overrides'];
  /** Write the hashes learned on download back onto objects of pull-only folders too (metadata-write-back.ts). */
  writeMetadataToDatasets?: boolean;
}

/** A dry run returns the plan only; a real run also returns what happened. */
export interface SyncOutcome {
  plan: SyncPlan;
  summary?: SyncSummary;
}

/**
 * Pull or push: check the bucket, plan, then (unless dry run) execute and record the new
 * baseline. One sync at a time per local folder. A pull forgets the old baseline before it
 * starts, so a pull that fails midway can never license a delete on the next push.
 */
export async function runSync(direction: SyncDirection, run: SyncRun): Promise<SyncOutcome> {
  // Every request in flight listens to the one signal; hundreds of listeners are expected here.
  if (run.signal) setMaxListeners(0, run.signal);
  const scope: SyncRetryScope = {
    onRetry: (notice) => run.onEvent?.(retryEvent(notice)),
    ...(run.retry ? { overrides: run.retry } : {}),
  };
  try {
    return await withSyncRetryScope(scope, () => syncLocked(direction, run));
  } catch (error) {
    // Whatever escaped (planning, listing, the key check) leaves as a sentence with a fix.
    throw error instanceof StoreError ? await explainSyncError(error, run.store) : error;
  }
}

function retryEvent({ attempt, error, delayMs }: RetryNotice): SyncEvent {
  const key = error instanceof StoreError ? (error.details.key ?? '') : '';
  const message = `${describeFailure(error)}; retrying in ${(delayMs / 1000).toFixed(1)} s`;
  return { type: 'retry', key, attempt, message };
}

async function syncLocked(direction: SyncDirection, run: SyncRun): Promise<SyncOutcome> {
  const release = await acquireSyncLock(run.spec.localRoot, run.signal);
  try {
    await checkBucket(direction, run);
    // Before anything is read or written: a key that is not the prefix's is refused here.
    const identity = await checkKeyIdentity(run.store, run.spec.prefix, run.signal);
    const state = await loadSyncState(run.spec.localRoot);
    const plan = await planSync(direction, {
      store: run.store,
      spec: run.spec,
      state,
      limit: createLimiter(run.spec.concurrency),
      ...(run.deep ? { deep: true } : {}),
      ...(run.quietSince !== undefined ? { quietSince: run.quietSince } : {}),
      ...(run.dryRun ? { dryRun: true } : {}),
      ...(run.signal ? { signal: run.signal } : {}),
    });
    run.onEvent?.(planEvent(plan, run.dryRun ?? false));
    for (const warning of planWarnings(plan)) run.onEvent?.(warning);
    for (const failure of plan.folders.flatMap((f) => f.failures)) {
      run.onEvent?.({
        type: 'failed-file',
        folder: failure.folder,
        relPath: failure.relPath,
        message: failure.message,
      });
    }
    if (run.dryRun) return { plan };
    // Before a byte moves: a pull that cannot fit fails whole, not file by file on a full disk.
    if (direction === 'pull') await checkFreeSpace(plan, run.spec, run.reserveBytes);
    await cleanStaleTemp(
      run.spec.localRoot,
      run.spec.folders.map((f) => join(run.spec.localRoot, f.local)),
    );
    if (direction === 'pull') await forgetBaselines(state, run.spec);
    if (direction === 'push' && identity === 'unmarked') await writeKeyMarker(run.store, run.spec.prefix, run.signal);
    const journal = await openUploadJournal(run.spec.localRoot);
    await cleanOrphanUploads({
      store: run.store,
      prefix: run.spec.prefix,
      journal,
      plan,
      ...(run.signal ? { signal: run.signal } : {}),
      ...(run.onEvent ? { onEvent: run.onEvent } : {}),
    });
    const summary = await executePlan(plan, {
      store: run.store,
      spec: run.spec,
      state,
      journal,
      ...(run.signal ? { signal: run.signal } : {}),
      ...(run.onEvent ? { onEvent: run.onEvent } : {}),
      ...(run.progressIntervalMs !== undefined ? { progressIntervalMs: run.progressIntervalMs } : {}),
      ...(run.writeMetadataToDatasets ? { writeMetadataToDatasets: true } : {}),
    });
    await saveSyncState(run.spec.localRoot, state);
    run.onEvent?.({ type: 'summary', summary });
    return { plan, summary };
  } finally {
    await release();
  }
}

async function checkBucket(direction: SyncDirection, run: SyncRun): Promise<void> {
  // Only a push uploads: a pull does not ask whether SSE-C uploads are blocked.
  const check = { sseCUploads: direction === 'push' };
  const facts = await withRetry(() => run.store.checkBucket(run.signal, check), syncRetry(run.signal)).catch(
    (error: unknown) => {
      throw explainBucketError(error, run.spec.bucket, run.region);
    },
  );
  if (facts.versioning === 'enabled') {
    run.onEvent?.({
      type: 'warning',
      message: `Bucket ${run.spec.bucket} has versioning on: overwritten and deleted objects stay billed as old versions.`,
      fix: 'TrainDeck is designed for no versioning: suspend it (aws s3api put-bucket-versioning --versioning-configuration Status=Suspended).',
    });
  }
  if (facts.sseCBlocked && direction === 'push') throw sseCBlockedError(run.spec.bucket);
}

async function forgetBaselines(state: SyncState, spec: SyncSpec): Promise<void> {
  for (const folder of spec.folders) delete state.folders[folder.name];
  await saveSyncState(spec.localRoot, state);
}

/**
 * What the user must hear about before anything moves: conflicts kept both ways, and objects
 * known to be stored without SSE-C (those a pull first meets are said after their GETs, by executePlan).
 */
function planWarnings(plan: SyncPlan): SyncEvent[] {
  return plan.folders.flatMap((folder) => [
    ...(folder.conflicts ?? []).map((c) => ({
      type: 'warning' as const,
      message: `Conflict in ${folder.folder}/${c.relPath}: ${c.reason}; ${plan.direction === 'push' ? 'the local copy goes' : 'the next push puts the local copy'} to ${c.conflictKey}.`,
      fix: 'Compare the two copies, keep the right one under the original name and delete the other.',
    })),
    ...(folder.unencrypted?.length ? [unencryptedWarning(folder.folder, folder.unencrypted)] : []),
  ]);
}

function planEvent(plan: SyncPlan, dryRun: boolean): SyncEvent {
  const actions = plan.folders.flatMap((f) => f.actions);
  const count = (type: string) => actions.filter((a) => a.type === type).length;
  return {
    type: 'plan',
    direction: plan.direction,
    uploads: count('upload'),
    downloads: count('download'),
    deletes: count('delete-remote'),
    skips: count('skip'),
    bytes: actions.reduce((s, a) => s + a.bytes, 0),
    dryRun,
  };
}
