import { hostname } from 'node:os';
import { join } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import type { SyncFolder } from '../../shared/run-config/schema';
import { foldFor, foldTwins, keyForLocalPath, mapObjectKey } from '../../shared/sync/key-path';
import { folderPrefix } from '../../shared/sync/keys';
import { conflictRelPath, decide, outcomeDependsOnContent, type PathState } from '../../shared/sync/policy';
import { printable } from '../../shared/sync/printable';
import type {
  FolderPlan,
  LocalFile,
  RemoteObject,
  SkippedPath,
  SyncAction,
  SyncConflict,
  SyncDirection,
  SyncFailure,
  SyncPlan,
} from '../../shared/sync/types';
import type { ListedObject, ObjectStore } from '../aws/ports/object-store';
import type { Limiter } from './limiter';
import { folderKind, type LocalScan, scanLocalFolder } from './local-files';
import { localSha256 } from './local-hash';
import { knownToBaseline, remoteDetails } from './remote-details';
import { syncRetry, withRetry } from './retry';
import type { SyncSpec } from './sync-spec';
import { baselineFor, type CachedHash, folderIdentity, hashCacheFor, type SyncState } from './sync-state';

/** What planning needs besides the spec. */
export interface PlanContext {
  store: ObjectStore;
  spec: SyncSpec;
  state: SyncState;
  /** Bounds HEAD requests and hashing. */
  limit: Limiter;
  /** Re-hash compared local files instead of trusting the size+mtime hash cache. */
  deep?: boolean;
  /** Push: a file modified at or after this time (epoch ms) may still be being written; it is skipped. */
  quietSince?: number;
  /**
   * The plan is only shown, not carried out: a pull HEADs the objects it would download too
   * (a real pull learns their details from each GET), so that the plan alone names those
   * stored without SSE-C.
   */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/**
 * Decides every file's action before anything moves. Reads sizes and mtimes everywhere,
 * and only hashes or HEADs where the decision depends on it.
 */
export async function planSync(direction: SyncDirection, ctx: PlanContext): Promise<SyncPlan> {
  const folders: FolderPlan[] = [];
  for (const folder of ctx.spec.folders) folders.push(await planFolder(direction, folder, ctx));
  return { direction, bucket: ctx.spec.bucket, folders };
}

async function planFolder(direction: SyncDirection, folder: SyncFolder, ctx: PlanContext): Promise<FolderPlan> {
  const remotePrefix = folderPrefix(ctx.spec.prefix, folder.remote);
  const base = {
    folder: folder.name,
    policy: folder.policy,
    remotePrefix,
    actions: [] as SyncAction[],
    failures: [] as SyncFailure[],
    skippedPaths: [] as SkippedPath[],
  };
  if (direction === 'push' && folder.policy === 'pull-only') {
    return { ...base, note: 'pull-only folder: push never writes to it' };
  }
  const localDir = join(ctx.spec.localRoot, folder.local);
  const kind = await folderKind(localDir);
  if (kind === 'not-a-folder') {
    throw new TypedError('INVALID_REQUEST', `The local path of folder "${folder.name}" is not a folder: ${localDir}.`, {
      fix: 'Move the file away or change storage.localRoot / the folder mapping.',
    });
  }
  // A missing folder on push means "nothing here", not "everything deleted": push nothing, delete nothing.
  if (kind === 'missing' && direction === 'push') {
    return { ...base, note: `local folder ${localDir} does not exist: nothing pushed, nothing deleted` };
  }

  const retry = syncRetry(ctx.signal);
  const [listed, scan] = await Promise.all([
    withRetry(() => ctx.store.list(remotePrefix, ctx.signal), retry),
    kind === 'folder' ? scanLocalFolder(localDir) : Promise.resolve(undefined),
  ]);
  const named = nameBothSides(direction, folder.name, remotePrefix, listed, scan);
  const { failures, skippedPaths } = named;
  const baseline = baselineFor(ctx.state, folder.name, folderIdentity(ctx.spec, folder));
  const hashes = hashCacheFor(ctx.state, ctx.spec, folder);
  const paths = [...new Set([...named.locals.keys(), ...named.remotes.keys()])].sort();

  const conflicts: SyncConflict[] = [];
  const unencrypted: string[] = [];
  const planned = await Promise.all(
    paths.map((relPath) =>
      ctx.limit(async (): Promise<Array<SyncAction | SyncFailure>> => {
        const state: PathState = {
          local: named.locals.get(relPath),
          remote: named.remotes.get(relPath),
          baseline: baseline[relPath],
        };
        const key = remotePrefix + relPath;
        if (direction === 'push' && stillBeingWritten(state.local, ctx.quietSince)) {
          // Not even hashed: S3 keeps what it has (an earlier complete version, or nothing); the next push takes it.
          return [toAction(folder.name, key, relPath, 'skip', STILL_BEING_WRITTEN, state)];
        }
        try {
          await fillDetails(folder, direction, state, localDir, hashes, ctx);
        } catch (error) {
          // One file that cannot be read fails alone; the rest of the folder still syncs.
          if (!state.local || !isFileSystemError(error)) throw error;
          return [
            {
              folder: folder.name,
              relPath,
              action: direction === 'push' ? 'upload' : 'download',
              message: unreadableMessage(relPath, error as Error),
            },
          ];
        }
        if (state.remote?.encrypted === false) unencrypted.push(state.remote.key);
        const decision = decide(folder.policy, direction, state);
        if (decision.type !== 'keep-both') {
          return [toAction(folder.name, key, relPath, decision.type, decision.reason, state)];
        }
        // Keep both: the path itself is left alone; on push the local copy goes up beside S3's.
        const local = state.local!;
        local.sha256 ??= await localSha256(join(localDir, relPath), local, hashes, ctx.signal, ctx.deep);
        const copy = conflictRelPath(relPath, ctx.spec.conflictTag ?? hostname(), local.sha256);
        const already = named.remotes.get(copy);
        conflicts.push({ folder: folder.name, relPath, conflictKey: remotePrefix + copy, reason: decision.reason });
        const kept = toAction(folder.name, key, relPath, 'skip', decision.reason, state);
        if (direction === 'pull') return [kept];
        const copyKey = keyForLocalPath(remotePrefix, copy);
        if (!copyKey.ok) {
          return [
            kept,
            {
              folder: folder.name,
              relPath,
              action: 'upload' as const,
              message: `The conflict copy of "${printable(relPath)}" cannot be named ${printable(copy)}: ${copyKey.reason}; it was not uploaded. Shorten the file's name, then push again.`,
            },
          ];
        }
        if (already && already.size === local.size) {
          return [{ ...kept, reason: `${decision.reason} (already there as ${copy})` }];
        }
        return [
          kept,
          {
            ...toAction(folder.name, remotePrefix + copy, copy, 'upload', `conflict copy of ${relPath}`, { local }),
            sourceRelPath: relPath,
          },
        ];
      }),
    ),
  );
  const actions = planned.flat().filter((p): p is SyncAction => 'type' in p);
  failures.push(...planned.flat().filter((p): p is SyncFailure => !('type' in p)));
  return {
    ...base,
    actions,
    failures,
    skippedPaths,
    ...(conflicts.length ? { conflicts: conflicts.sort((a, b) => a.relPath.localeCompare(b.relPath)) } : {}),
    ...(unencrypted.length ? { unencrypted: unencrypted.sort() } : {}),
  };
}

/** Both sides of one folder, named by relative path through the one key↔path mapping. */
interface NamedSides {
  locals: Map<string, LocalFile>;
  remotes: Map<string, RemoteObject>;
  failures: SyncFailure[];
  skippedPaths: SkippedPath[];
}

/**
 * Applies the key↔path mapping (shared/sync/key-path) to the listing and the scan: rejected
 * keys and names become failures (never written, never deleted), and every path below one the
 * scan could not see (a symbolic link, an unreadable folder) is left out on both sides, so
 * that nothing is downloaded through it or deleted because it looked gone.
 */
function nameBothSides(
  direction: SyncDirection,
  folder: string,
  remotePrefix: string,
  listed: ListedObject[],
  scan: LocalScan | undefined,
): NamedSides {
  const failures: SyncFailure[] = [];
  const reject = (relPath: string, message: string) => failures.push({ folder, relPath, action: 'reject', message });
  const remotes = new Map<string, RemoteObject>();
  for (const object of listed) {
    const relKey = object.key.slice(remotePrefix.length);
    const mapped = mapObjectKey(relKey, object.size);
    if (mapped.kind === 'file') remotes.set(mapped.relPath, { ...object, relPath: mapped.relPath });
    else if (mapped.kind === 'rejected') reject(relKey, rejectedKeyMessage(object.key, mapped.reason));
  }
  const locals = new Map<string, LocalFile>();
  for (const file of scan?.files ?? []) {
    const mapped = keyForLocalPath(remotePrefix, file.relPath);
    if (mapped.ok) locals.set(file.relPath, file);
    else if (direction === 'push') reject(file.relPath, rejectedNameMessage(file.relPath, mapped.reason));
  }
  if (direction === 'push') {
    for (const name of scan?.rejected ?? []) reject(name.relPath, rejectedNameMessage(name.relPath, name.reason));
  }
  for (const entry of scan?.unreadable ?? []) {
    failures.push({
      folder,
      relPath: entry.relPath,
      action: direction === 'push' ? 'upload' : 'download',
      message: unreadableMessage(entry.relPath, entry),
    });
  }
  const skippedPaths = (scan?.skipped ?? []).map((s) => ({ folder, ...s }));

  // Names this computer's file system would store as one file: none is synced, all are reported.
  for (const [relPath, twin] of foldTwins([...remotes.keys(), ...locals.keys()], foldFor(process.platform))) {
    remotes.delete(relPath);
    locals.delete(relPath);
    reject(
      relPath,
      `"${printable(relPath)}" and "${printable(twin)}" would be one file on this computer's file system, so neither is synced. Rename one of them.`,
    );
  }
  const unseen = [...skippedPaths.map((s) => s.relPath), ...(scan?.unreadable ?? []).map((u) => u.relPath)];
  if (unseen.length) {
    for (const relPath of [...remotes.keys(), ...locals.keys()]) {
      if (unseen.some((dir) => dir === '' || relPath === dir || relPath.startsWith(`${dir}/`))) {
        remotes.delete(relPath);
        locals.delete(relPath);
      }
    }
  }
  return { locals, remotes, failures, skippedPaths };
}

function rejectedKeyMessage(key: string, reason: string): string {
  return `Object key "${printable(key)}" cannot be a local path: ${reason}; it was not downloaded and nothing was written for it. Rename or delete the object in S3 (aws s3 mv or aws s3 rm), then sync again.`;
}

function rejectedNameMessage(relPath: string, reason: string): string {
  return `Local file "${printable(relPath)}" cannot be an object key: ${reason}; it was not uploaded. Rename the file, then sync again.`;
}

function unreadableMessage(relPath: string, error: { message: string }): string {
  const what = relPath === '' ? 'The folder' : `"${printable(relPath)}"`;
  return `${what} could not be read (${error.message.replace(/\.$/, '')}), so it was not synced. Check its permissions, then sync again.`;
}

function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && error instanceof Error && 'syscall' in error;
}

/** Reads remote metadata and local hashes only where the policy needs them to decide. */
async function fillDetails(
  folder: SyncFolder,
  direction: SyncDirection,
  state: PathState,
  localDir: string,
  hashes: Record<string, CachedHash>,
  ctx: PlanContext,
): Promise<void> {
  const { local, remote } = state;
  if (!remote) return;
  // An object no sync has seen is HEADed at most once: its hash and mtime, and whether it is stored with SSE-C.
  // One the baseline knows (same ETag and size) takes them from there, without a request, so that
  // they reach the next baseline too: a pull that rebuilt its baseline without them would make
  // the next push upload an object written by another tool again (it has no hash of its own).
  let detailed: RemoteObject | undefined;
  const details = async () => (detailed ??= await remoteDetails(ctx.store, remote, state.baseline, ctx.signal));
  if (!local && direction === 'pull' && !ctx.dryRun) {
    // Downloaded whatever its metadata says: its GET answers with the same headers (hash, mtime,
    // SSE-C or not), and the download checks and records them there. A HEAD would double the
    // requests of a fresh pull. Known to the baseline: its details cost nothing.
    state.remote = knownToBaseline(remote, state.baseline) ? await details() : remote;
    return;
  }
  // Best effort: an object that cannot be read here (wrong key…) fails later, by name, where it is used.
  state.remote = await details().catch(() => remote);
  if (!local) return;
  // Newest-wins needs the recorded mtime before it can tell whether contents matter; a HEAD
  // that failed above is tried again here, and its error stands (the decision needs it).
  if (folder.policy === 'newest-wins') state.remote = await details();
  const needsContent = outcomeDependsOnContent(folder.policy, direction, state);
  if (needsContent && folder.policy !== 'newest-wins') state.remote = await details();
  if (local.size !== remote.size) state.same = false;
  else if (needsContent) {
    local.sha256 = await localSha256(join(localDir, local.relPath), local, hashes, ctx.signal, ctx.deep);
    state.same = state.remote?.sha256 !== undefined && state.remote.sha256 === local.sha256;
  }
}

/** The reason of a push's skip for a file modified too recently to be known complete. */
export const STILL_BEING_WRITTEN =
  'still being written (modified within the settle window); it goes up on the next push';

function stillBeingWritten(local: { mtimeMs: number } | undefined, quietSince: number | undefined): boolean {
  return local !== undefined && quietSince !== undefined && local.mtimeMs >= quietSince;
}

function toAction(
  folder: string,
  key: string,
  relPath: string,
  type: SyncAction['type'],
  reason: string,
  state: Pick<PathState, 'local' | 'remote'>,
): SyncAction {
  const bytes = type === 'upload' ? (state.local?.size ?? 0) : type === 'download' ? (state.remote?.size ?? 0) : 0;
  return {
    type,
    folder,
    relPath,
    key,
    bytes,
    reason,
    ...(state.local ? { local: state.local } : {}),
    ...(state.remote ? { remote: state.remote } : {}),
  };
}
