import { isAbsolute, resolve } from 'node:path';

import type { StorageConfig, SyncFolder } from '../../shared/run-config/schema';

/** Everything the engine needs, resolved: absolute paths, tuned transfer sizes. */
export interface SyncSpec {
  bucket: string;
  prefix: string;
  /** Absolute local data folder holding the sync folders. */
  localRoot: string;
  folders: SyncFolder[];
  /** Requests in flight at once (files and parts share it). */
  concurrency: number;
  /** Files at or above this size go multipart (uploads) or ranged (downloads). */
  multipartThreshold: number;
  /** Uploads only: files at or above this size go up in parts, smaller ones as one PUT; `multipartThreshold` when unset. */
  uploadMultipartThreshold?: number;
  partSize: number;
  /**
   * Memory budget of all ranged downloads of one sync together: bytes in flight plus bytes that
   * arrived ahead of their file's hash cursor (see `DownloadBuffers`); {@link SYNC_DEFAULTS} when unset.
   */
  downloadBufferBytes?: number;
  /**
   * Names this machine or run in conflict copies (`NAME.conflict-<tag>-<sha8>.EXT`); the
   * host name when unset.
   */
  conflictTag?: string;
}

/**
 * Defaults measured on 2 cores against Ceph RGW (see bench/sync): from 64 MiB a file goes up in
 * 8 MiB parts; below, as one streamed PUT, hashed once (a multipart upload hashes each byte twice:
 * the whole file for the metadata, its part for the signature) in one request instead of nine: 20 x 50 MiB
 * took 38 % less client CPU than in 7 parts each, at the same server CPU. From 16 MiB a file comes down in 32 MiB ranges.
 * 64 MiB of download buffers hold one 32 MiB range ahead of a file's hash cursor plus a buffer
 * per request in flight: a single large file runs as fast as without a budget, and a sync of
 * many large files stays near 200 MiB of RSS (issue 16: under 300 MiB).
 */
export const SYNC_DEFAULTS = {
  concurrency: 16,
  multipartThreshold: 16 * 1024 * 1024,
  uploadMultipartThreshold: 64 * 1024 * 1024,
  partSize: 8 * 1024 * 1024,
  downloadBufferBytes: 64 * 1024 * 1024,
};

/** Builds the spec from the storage section of a run config (paths relative to `baseDir`). */
export function syncSpecFrom(
  storage: StorageConfig,
  baseDir: string,
  overrides: Partial<Pick<SyncSpec, 'concurrency' | 'multipartThreshold' | 'partSize' | 'downloadBufferBytes'>> = {},
): SyncSpec {
  return {
    bucket: storage.bucket,
    prefix: storage.prefix,
    localRoot: isAbsolute(storage.localRoot) ? storage.localRoot : resolve(baseDir, storage.localRoot),
    folders: storage.folders,
    ...SYNC_DEFAULTS,
    ...overrides,
  };
}

/** S3 allows at most 10,000 parts: large files get larger parts. */
export function partSizeFor(size: number, spec: SyncSpec): number {
  return Math.max(spec.partSize, Math.ceil(size / 10_000));
}
