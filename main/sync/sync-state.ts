import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESERVED_NAME } from '../../shared/sync/key-path';
import type { BaselineEntry } from '../../shared/sync/types';
import { writeFileAtomic } from '../core/write-file-atomic';

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
  /** `bucket/prefix` the baseline belongs to: a baseline of another place never applies. */
  remote: string;
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

/** The baseline of a folder if it belongs to `remote`, else none. */
export function baselineFor(state: SyncState, folder: string, remote: string): Record<string, BaselineEntry> {
  const entry = state.folders[folder];
  return entry && entry.remote === remote ? entry.baseline : {};
}
