import { folderPrefix } from '../../shared/sync/keys';
import type { BaselineEntry, RemoteObject } from '../../shared/sync/types';
import { META_MTIME, META_SHA256, type ObjectHead, type ObjectStore } from '../aws/ports/object-store';
import { syncRetry, withRetry } from './retry';
import type { SyncSpec } from './sync-spec';
import { baselineFor, folderIdentity, type SyncState } from './sync-state';

/**
 * Recorded mtimes after this are not a file's (another tool's or a hostile value): utimes refuses
 * those beyond what a Date holds, and ext4 keeps none after 2446, so the file would not carry it.
 */
const LATEST_RECORDED_MTIME_MS = Date.UTC(2400, 0, 1);

/** The SHA-256 and file mtime recorded on an object, from its metadata (an mtime no file can have is left out). */
export function metadataDetails(head: Pick<ObjectHead, 'metadata'>): { sha256?: string; mtimeMs?: number } {
  const sha256 = head.metadata[META_SHA256];
  const mtime = Number(head.metadata[META_MTIME]);
  const plausible = Number.isFinite(mtime) && mtime > 0 && mtime <= LATEST_RECORDED_MTIME_MS;
  return { ...(sha256 ? { sha256 } : {}), ...(plausible ? { mtimeMs: mtime } : {}) };
}

/**
 * Whether the baseline already knows this exact object (same ETag and size) with its SHA-256:
 * then it was written or read by TrainDeck with the key, and needs no HEAD.
 */
export function knownToBaseline(remote: RemoteObject, baseline: BaselineEntry | undefined): boolean {
  return Boolean(baseline && baseline.etag === remote.etag && baseline.size === remote.size && baseline.sha256);
}

/** A SHA-256 TrainDeck knows for an object (by key, valid for this ETag and size), if any. */
export type RecordedHash = (key: string, object: { etag: string; size: number }) => string | undefined;

/**
 * The SHA-256 TrainDeck recorded locally for objects S3 holds no hash for (written by another
 * tool, hashed on their first download, kept in the sync state's baselines): by key, valid
 * while ETag and size match. Never a guess: no recorded hash, no answer.
 */
export function locallyRecordedHashes(spec: SyncSpec, state: SyncState): RecordedHash {
  const known = new Map<string, BaselineEntry>();
  for (const folder of spec.folders) {
    const prefix = folderPrefix(spec.prefix, folder.remote);
    const baseline = baselineFor(state, folder.name, folderIdentity(spec, folder));
    for (const [relPath, entry] of Object.entries(baseline)) known.set(prefix + relPath, entry);
  }
  return (key, object) => {
    const entry = known.get(key);
    return entry && entry.etag === object.etag && entry.size === object.size ? entry.sha256 : undefined;
  };
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
  if (knownToBaseline(remote, baseline)) {
    return {
      ...remote,
      sha256: baseline!.sha256!,
      ...(baseline!.mtimeMs !== undefined ? { mtimeMs: baseline!.mtimeMs } : {}),
      ...(baseline!.encrypted === false ? { encrypted: false } : {}),
    };
  }
  const head = await withRetry(() => store.head(remote.key, signal), syncRetry(signal));
  return { ...remote, ...metadataDetails(head), ...(head.encrypted === false ? { encrypted: false } : {}) };
}
