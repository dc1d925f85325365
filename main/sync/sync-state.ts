import { join, resolve } from 'node:path';

import type { SyncFolder } from '../../shared/run-config/schema';
import { folderPrefix } from '../../shared/sync/keys';
import type { BaselineEntry } from '../../shared/sync/types';
import { readRegularFile } from '../core/regular-file';
import { writeFileAtomic } from '../core/write-file-atomic';
import { withStateDir } from './state-dir';
import type { SyncSpec } from './sync-spec';

const FILE = 'sync-state.json';
// A baseline entry and a cached hash are ~300 bytes per file: a million files fit.
const STATE_LIMIT = { what: 'a sync state', maxBytes: 512 * 1024 * 1024 };

/** A remembered SHA-256, valid while size and mtime are unchanged. */
export interface CachedHash {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** What the engine remembers about one folder between runs. */
export interface FolderState {
  /** The mapping the baseline belongs to ({@link folderIdentity}): a baseline of another mapping never applies. */
  identity: string;
  baseline: Record<string, BaselineEntry>;
}

/** The whole state file. */
export interface SyncState {
  version: 1;
  folders: Record<string, FolderState>;
  hashes: Record<string, Record<string, CachedHash>>;
}

const EMPTY: SyncState = { version: 1, folders: {}, hashes: {} };

/**
 * Reads the state of a local root; a missing or unreadable file is an empty state (never a crash,
 * never a delete). Only a regular file in a real `.traindeck` is read: a baseline read through a
 * planted link could name files to delete, and a FIFO would hang the sync.
 */
export async function loadSyncState(localRoot: string): Promise<SyncState> {
  try {
    const text = await withStateDir(localRoot, { create: false }, (dir) =>
      readRegularFile(join(dir, FILE), STATE_LIMIT),
    );
    if (text === undefined) return structuredClone(EMPTY);
    const parsed = JSON.parse(text) as SyncState;
    return parsed.version === 1
      ? { version: 1, folders: parsed.folders ?? {}, hashes: parsed.hashes ?? {} }
      : structuredClone(EMPTY);
  } catch {
    return structuredClone(EMPTY);
  }
}

/**
 * Writes the state atomically (temp file, fsync, rename), mode 0600: a crash leaves the old or the new
 * state. Inside the real `.traindeck` only (`withStateDir`): a link planted there is replaced, never written through.
 */
export async function saveSyncState(localRoot: string, state: SyncState): Promise<void> {
  await withStateDir(localRoot, { create: true }, (dir) => writeFileAtomic(join(dir, FILE), JSON.stringify(state)));
}

/**
 * What a folder's baseline is about: bucket, prefix, the folder's S3 prefix and its absolute
 * local folder. Change any of them (a new local path in the config, say) and the folder starts
 * with no baseline, so nothing is deleted on the strength of what another mapping saw.
 */
export function folderIdentity(
  spec: Pick<SyncSpec, 'bucket' | 'prefix' | 'localRoot'>,
  folder: Pick<SyncFolder, 'remote' | 'local'>,
): string {
  return `s3://${spec.bucket}/${folderPrefix(spec.prefix, folder.remote)} <-> ${resolve(spec.localRoot, folder.local)}`;
}

/** The baseline of a folder if it belongs to this `identity` ({@link folderIdentity}), else none. */
export function baselineFor(state: SyncState, folder: string, identity: string): Record<string, BaselineEntry> {
  const entry = state.folders[folder];
  return entry && entry.identity === identity ? entry.baseline : {};
}

/** The hash cache of a folder's files, keyed by its absolute local folder (a cache describes files, not names). */
export function hashCacheFor(
  state: SyncState,
  spec: Pick<SyncSpec, 'localRoot'>,
  folder: Pick<SyncFolder, 'local'>,
): Record<string, CachedHash> {
  return (state.hashes[resolve(spec.localRoot, folder.local)] ??= {});
}
