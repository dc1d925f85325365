import type { SyncEvent } from '../../shared/sync/events';
import type { SyncPlan } from '../../shared/sync/types';
import type { ObjectStore } from '../aws/ports/object-store';
import { describeFailure } from './explain';
import { syncRetry, withRetry } from './retry';
import type { UploadJournal } from './upload-journal';

/** An unfinished upload nobody recorded is another machine's live sync until it is this old. */
const FOREIGN_UPLOAD_MAX_AGE_MS = 24 * 3_600_000;

/**
 * How S3's initiation time of an upload may differ from the journaled intent's start and still be
 * that intent's upload: this computer's clock may be behind S3's (skew), and the create request may
 * have been retried for a while after the intent was written.
 */
export const INTENT_CLOCK_SKEW_MS = 5 * 60_000;
export const INTENT_WINDOW_MS = 15 * 60_000;

/** What {@link cleanOrphanUploads} needs. */
export interface OrphanCleanup {
  store: ObjectStore;
  prefix: string;
  journal: UploadJournal;
  plan: SyncPlan;
  now?: number;
  maxForeignAgeMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SyncEvent) => void;
}

/**
 * Aborts the unfinished multipart uploads under the prefix that no sync will finish, and says
 * which. Ours (in this local root's journal, by id, or by key and initiation time for an upload
 * whose id a killed sync never recorded: always aborted, nothing of it is known) are kept when this push uploads the same key
 * (it resumes them) or when pulling; otherwise aborted. Anybody else's are aborted once older
 * than a day (a sync on another machine may still be sending them) and otherwise left alone.
 * Journal entries S3 no longer lists are dropped. Never fails the sync: a refusal is a warning.
 */
export async function cleanOrphanUploads(cleanup: OrphanCleanup): Promise<void> {
  const { store, journal, plan, signal } = cleanup;
  if (!store.listMultipartUploads) return;
  const where = `s3://${store.bucket}/${cleanup.prefix ? `${cleanup.prefix}/` : ''}`;
  const listed = await withRetry(
    () => store.listMultipartUploads!(cleanup.prefix ? `${cleanup.prefix}/` : '', signal),
    syncRetry(signal),
  ).catch((error: unknown) => {
    cleanup.onEvent?.({
      type: 'warning',
      message: `Could not list the unfinished uploads under ${where} (${describeFailure(error)}); none were cleaned up.`,
      fix: 'Give the AWS identity s3:ListBucketMultipartUploads and s3:AbortMultipartUpload on the bucket, or rely on the lifecycle rule (traindeck sync lifecycle).',
    });
    return undefined;
  });
  if (!listed) return;
  const now = cleanup.now ?? Date.now();
  const maxAge = cleanup.maxForeignAgeMs ?? FOREIGN_UPLOAD_MAX_AGE_MS;
  const uploading = new Set(
    plan.direction === 'push'
      ? plan.folders.flatMap((f) => f.actions.filter((a) => a.type === 'upload').map((a) => a.key))
      : [],
  );
  const aborted: string[] = [];
  let leftAlone = 0;
  for (const upload of listed) {
    const recorded = journal.find(store.bucket, upload.key);
    // An intent (no id yet) claims the upload of its key that S3 initiated when it was written:
    // the sync that wrote it was stopped between CreateMultipartUpload and recording the id.
    const intended =
      recorded?.uploadId === '' &&
      upload.initiatedMs >= recorded.startedMs - INTENT_CLOCK_SKEW_MS &&
      upload.initiatedMs <= recorded.startedMs + INTENT_WINDOW_MS;
    const ours = intended || recorded?.uploadId === upload.uploadId;
    const hours = Math.round((now - upload.initiatedMs) / 3_600_000);
    let why: string | undefined;
    if (intended) why = 'created by an earlier sync here that was stopped before it could record it';
    else if (ours && plan.direction === 'push' && !uploading.has(upload.key)) {
      why = 'started by an earlier sync here; its file changed or is gone';
    } else if (!ours && now - upload.initiatedMs >= maxAge) why = `started ${hours} h ago and never finished`;
    if (!why) {
      if (!ours) leftAlone += 1;
      continue;
    }
    try {
      await withRetry(() => store.abortMultipart(upload.key, upload.uploadId), syncRetry(signal));
      if (ours) await journal.remove(store.bucket, upload.key, intended ? '' : upload.uploadId);
      aborted.push(`${upload.key} (${why})`);
    } catch (error) {
      cleanup.onEvent?.({
        type: 'warning',
        message: `Could not abort the unfinished upload of ${upload.key} (${describeFailure(error)}).`,
        fix: 'The next sync tries again; the lifecycle rule (traindeck sync lifecycle) aborts it after a day.',
      });
    }
  }
  const live = new Set(listed.map((u) => `${u.key}\n${u.uploadId}`));
  for (const entry of journal.entries()) {
    if (entry.bucket === store.bucket && !live.has(`${entry.key}\n${entry.uploadId}`)) {
      await journal.remove(entry.bucket, entry.key, entry.uploadId);
    }
  }
  if (aborted.length) {
    cleanup.onEvent?.({
      type: 'warning',
      message: `Aborted ${aborted.length} unfinished upload(s) under ${where} that no sync would finish (their parts were billed): ${aborted.join('; ')}.`,
    });
  }
  if (leftAlone) {
    cleanup.onEvent?.({
      type: 'warning',
      message: `${leftAlone} unfinished upload(s) under ${where} were started less than ${Math.round(maxAge / 3_600_000)} h ago by another sync and are left alone.`,
      fix: 'If no other machine is syncing this prefix, the next sync after that aborts them.',
    });
  }
}
