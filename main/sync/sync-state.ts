import { mkdir, open, readFile, rm } from 'node:fs/promises';
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

/**
 * One sync at a time per local root: an exclusive lock file holding our PID. A lock whose
 * process is gone (a crash) is taken over.
 */
export async function acquireSyncLock(localRoot: string): Promise<() => Promise<void>> {
  const dir = join(localRoot, STATE_DIR);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'sync.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(path, 'utf8').catch(() => ''));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw Object.assign(new Error(`another sync (PID ${holder}) is using ${localRoot}; wait for it to finish`), {
          code: 'SYNC_LOCKED',
        });
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not take the sync lock in ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
