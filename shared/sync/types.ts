import type { SyncPolicy } from '../run-config/schema';

/** Pull before training, push after; verify compares without transferring. */
export type SyncDirection = 'pull' | 'push';

/** What the engine knows of a local file. `sha256` is filled lazily (hashing costs). */
export interface LocalFile {
  relPath: string;
  size: number;
  mtimeMs: number;
  sha256?: string;
}

/** What the engine knows of an S3 object. `sha256`/`mtimeMs` come from its metadata (HEAD), when read. */
export interface RemoteObject {
  key: string;
  relPath: string;
  size: number;
  etag: string;
  lastModifiedMs: number;
  storageClass?: string;
  sha256?: string;
  mtimeMs?: number;
  /** False when HEAD showed the object is stored without SSE-C (flagged by name; re-upload it with SSE-C). */
  encrypted?: boolean;
}

/** One entry of a baseline manifest: an object the last pull saw and left in place locally. */
export interface BaselineEntry {
  size: number;
  etag: string;
  sha256?: string;
  mtimeMs?: number;
  /** False when the object is stored without SSE-C: flagged again on every sync while its ETag is unchanged. */
  encrypted?: false;
}

/** What to do with one file, and why (shown by `--dry-run`). */
export type SyncActionType = 'upload' | 'download' | 'delete-remote' | 'skip';

/** One planned action. */
export interface SyncAction {
  type: SyncActionType;
  folder: string;
  relPath: string;
  key: string;
  /** Bytes this action moves (0 for skip and delete). */
  bytes: number;
  reason: string;
  local?: LocalFile;
  remote?: RemoteObject;
  /**
   * A conflict copy (newest-wins keep-both): the local file that is uploaded, while `relPath`
   * and `key` name the copy beside the S3 object. Never part of a baseline (no local file has its name).
   */
  sourceRelPath?: string;
}

/** A newest-wins conflict: both copies kept, the local one uploaded beside S3's as `conflictKey`. */
export interface SyncConflict {
  folder: string;
  relPath: string;
  conflictKey: string;
  reason: string;
}

/** The plan of one folder. */
export interface FolderPlan {
  folder: string;
  policy: SyncPolicy;
  remotePrefix: string;
  actions: SyncAction[];
  /** Why the folder was passed over as a whole, when it was. */
  note?: string;
  /** Newest-wins conflicts found by this plan (both copies kept). */
  conflicts?: SyncConflict[];
  /** Keys of objects stored without SSE-C (by another tool): flagged (encrypt them with `traindeck sync encrypt`). */
  unencrypted?: string[];
  /**
   * Names found while planning that fail without any transfer: object keys or local names that
   * cannot be synced (`reject`), files or folders that could not be read. Each is in the summary.
   */
  failures: SyncFailure[];
  /** Local paths never synced by policy (symbolic links, special files), with the reason. */
  skippedPaths: SkippedPath[];
}

/** A local path left alone by policy (not "unchanged": it was never compared). */
export interface SkippedPath {
  folder: string;
  relPath: string;
  reason: string;
}

/** A complete plan; `execute` carries it out. */
export interface SyncPlan {
  direction: SyncDirection;
  bucket: string;
  folders: FolderPlan[];
}

/** Live progress of an execution (JSON lines with `--json`). */
export interface SyncProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds?: number;
  /** Remote deletions (`files` count transfers only), when there are any. */
  deletesDone?: number;
  deletesTotal?: number;
  /** Per folder with something to move or delete; `bytesPerSecond` over the same recent window as the total's. */
  folders: Record<
    string,
    {
      filesDone: number;
      filesTotal: number;
      bytesDone: number;
      bytesTotal: number;
      bytesPerSecond: number;
      deletesDone?: number;
      deletesTotal?: number;
    }
  >;
}

/** A file that did not transfer, and why. `reject`: a name that cannot be synced (never written). */
export interface SyncFailure {
  folder: string;
  relPath: string;
  action: SyncActionType | 'reject';
  message: string;
}

/** The outcome of an execution: exactly which files moved and which did not. */
export interface SyncSummary {
  direction: SyncDirection;
  uploaded: number;
  downloaded: number;
  deleted: number;
  skipped: number;
  bytes: number;
  seconds: number;
  failures: SyncFailure[];
  /** Local paths never synced by policy (symbolic links, special files); not counted in `skipped`. */
  skippedPaths: SkippedPath[];
  cancelled: boolean;
  /** Newest-wins conflicts: both copies kept, the user decides. */
  conflicts?: SyncConflict[];
  /** Keys of objects stored without SSE-C: never silently mixed. */
  unencrypted?: string[];
}

/** One file of a final manifest (what the executor pushed; what the desktop verifies). */
export interface ManifestFile {
  key: string;
  size: number;
  sha256: string;
  /** The file's mtime (ms): lets the verification accept a newer copy that newest-wins kept in S3. */
  mtimeMs?: number;
}

/** The difference between S3 and what was expected of it. */
export interface VerifyMismatch {
  key: string;
  problem: 'missing' | 'size' | 'sha256' | 'unreadable' | 'unexpected';
  expected?: string;
  actual?: string;
}
