import type { BaselineEntry, RemoteObject } from '../../shared/sync/types';
import { META_MTIME, META_SHA256, type ObjectHead, type ObjectStore } from './object-store';
import { syncRetry, withRetry } from './retry';

/** The SHA-256 and file mtime recorded on an object, from its metadata. */
export function metadataDetails(head: Pick<ObjectHead, 'metadata'>): { sha256?: string; mtimeMs?: number } {
  const sha256 = head.metadata[META_SHA256];
  const mtime = Number(head.metadata[META_MTIME]);
  return { ...(sha256 ? { sha256 } : {}), ...(Number.isFinite(mtime) && mtime > 0 ? { mtimeMs: mtime } : {}) };
}

/**
 * The object with its recorded SHA-256 and mtime. The baseline already knows them when the
 * object is unchanged since (same ETag and size), which saves a HEAD per file on re-runs.
 */
export async function remoteDetails(
  store: ObjectStore,
  remote: RemoteObject,
  baseline: BaselineEntry | undefined,
  signal?: AbortSignal,
): Promise<RemoteObject> {
  if (baseline && baseline.etag === remote.etag && baseline.size === remote.size && baseline.sha256) {
    return {
      ...remote,
      sha256: baseline.sha256,
      ...(baseline.mtimeMs !== undefined ? { mtimeMs: baseline.mtimeMs } : {}),
    };
  }
  const head = await withRetry(() => store.head(remote.key, signal), syncRetry(signal));
  return { ...remote, ...metadataDetails(head) };
}
