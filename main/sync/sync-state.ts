import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { SyncFolder } from '../../shared/run-config/schema';
import { RESERVED_NAME } from '../../shared/sync/key-path';
import { folderPrefix } from '../../shared/sync/keys';
import type { BaselineEntry } from '../../shared/sync/types';
import { writeFileAtomic } from '../core/write-file-atomic';
import type { SyncSpec } from './sync-spec';

/** Kept beside the sync folders, never inside one, so it is never synced itself (a reserved name of the key↔path mapping). */
export const STATE_DIR = RESERVED_NAME;

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

/** Reads the state of a local root; a missing or unreadable file is an empty state (never a crash, never a delete). */
export async function loadSyncState(localRoot: string): Promise<SyncState> {
  try {
    const parsed = JSON.parse(await readFile(join(localRoot, STATE_DIR, 'sync-state.json'), 'utf8')) as SyncState;
    return parsed.version === 1
      ? { version: 1, folders: parsed.folders ?? {}, hashes: parsed.hashes ?? {} }
      : structuredClone(EMPTY);
  } catch {
    return structuredClone(EMPTY);
  }
}

/** Writes the state atomically (temp file, fsync, rename), mode 0600: a crash leaves the old or the new state. */
export async function saveSyncState(localRoot: string, state: SyncState): Promise<void> {
  const dir = join(localRoot, STATE_DIR);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'sync-state.json'), JSON.stringify(state));
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
