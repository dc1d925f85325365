import type { SyncFolder } from '../../shared/run-config/schema';
import type { SyncEvent } from '../../shared/sync/events';
import { META_MTIME, META_SHA256, type ObjectStore, StoreError } from '../aws/ports/object-store';
import { describeFailure } from './explain';

/** An object another tool wrote, just downloaded and hashed: what to write back onto it. */
export interface LearnedObject {
  key: string;
  /** The ETag of the object whose bytes were hashed (a changed object is left alone). */
  etag: string;
  sha256: string;
  mtimeMs: number;
}

/**
 * Where the hash of an object without TrainDeck metadata is written back onto it. A write-back
 * is a metadata-only change of an object whose bytes were just read and hashed (the bytes are
 * not moved, sent or changed), but it does give the object a new LastModified, which other
 * tools (`aws s3 sync`) read as a change. So it is on for folders a sync writes to anyway, and
 * for pull-only folders (datasets) only when asked (`traindeck sync pull --write-metadata`).
 */
export function writesBackMetadata(folder: Pick<SyncFolder, 'policy'>, datasetsToo: boolean): boolean {
  return folder.policy !== 'pull-only' || datasetsToo;
}

/** Writes learned hashes back as metadata; returns the object's new ETag, or undefined when kept locally only. */
export type MetadataWriteBack = (object: LearnedObject) => Promise<string | undefined>;

/**
 * Writes the SHA-256 (and the file mtime) TrainDeck computed on a first download back onto the
 * object with a server-side copy (ObjectStore.copyWithMetadata), so other machines need not hash
 * it again. Best effort: the hash is recorded in the local sync state either way. A server that
 * cannot copy an SSE-C object onto itself (Ceph RGW answers 501) is said so once per sync and
 * not asked again; any other refusal is said once per sync too, never once per object.
 */
export function createMetadataWriteBack(
  store: ObjectStore,
  onEvent?: (event: SyncEvent) => void,
  signal?: AbortSignal,
): MetadataWriteBack {
  let unsupported = store.copyWithMetadata === undefined;
  let warned = false;
  const warnOnce = (message: string) => {
    if (warned) return;
    warned = true;
    onEvent?.({
      type: 'warning',
      message,
      fix: 'Nothing is lost: the hashes are kept in this computer\u2019s sync record. To store them in S3, publish the files with traindeck datasets publish.',
    });
  };
  return async ({ key, etag, sha256, mtimeMs }) => {
    if (unsupported || signal?.aborted) return undefined;
    try {
      const metadata = { [META_SHA256]: sha256, [META_MTIME]: String(mtimeMs) };
      const newEtag = await store.copyWithMetadata!(key, etag, metadata, signal);
      return newEtag || undefined;
    } catch (error) {
      if (error instanceof StoreError && error.kind === 'not-implemented') {
        unsupported = true;
        warnOnce(
          `S3 at this endpoint cannot copy an SSE-C object onto itself (501 NotImplemented), so the SHA-256 of objects without TrainDeck metadata is kept in this computer\u2019s sync record only, not written back to S3.`,
        );
      } else if (!signal?.aborted) {
        warnOnce(
          `The SHA-256 of ${key} could not be written back to S3 as metadata (${describeFailure(error)}); it stays in this computer\u2019s sync record, as do those of any other object this sync could not write back.`,
        );
      }
      return undefined;
    }
  };
}
