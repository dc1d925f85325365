import { hostname } from 'node:os';
import { join } from 'node:path';
import { TypedError } from '../../shared/ipc/result';
import type { SyncFolder } from '../../shared/run-config/schema';
import { folderPrefix } from '../../shared/sync/keys';
import { conflictRelPath, decide, outcomeDependsOnContent, type PathState } from '../../shared/sync/policy';
import type {
  FolderPlan,
  LocalFile,
  RemoteObject,
  SyncAction,
  SyncConflict,
  SyncDirection,
  SyncPlan,
} from '../../shared/sync/types';
import type { Limiter } from './limiter';
import { folderKind, removePartials, scanLocalFolder } from './local-files';
import { remoteDetails } from './remote-details';
import type { ObjectStore } from './object-store';
import type { SyncSpec } from './sync-spec';
import { baselineFor, type CachedHash, type SyncState } from './sync-state';
import { localSha256 } from './local-hash';
import { syncRetry, withRetry } from './retry';

/** What planning needs besides the spec. */
export interface PlanContext {
  store: ObjectStore;
  spec: SyncSpec;
  state: SyncState;
  /** Bounds HEAD requests and hashing. */
  limit: Limiter;
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
  const base = { folder: folder.name, policy: folder.policy, remotePrefix, actions: [] as SyncAction[] };
  if (direction === 'push' && folder.policy === 'pull-only')
    return { ...base, note: 'pull-only folder: push never writes to it' };
  const localDir = join(ctx.spec.localRoot, folder.local);
  const kind = await folderKind(localDir);
  if (kind === 'not-a-folder')
    throw new TypedError('INVALID_REQUEST', `The local path of folder "${folder.name}" is not a folder: ${localDir}.`, {
      fix: 'Move the file away or change storage.localRoot / the folder mapping.',
    });
  // A missing folder on push means "nothing here", not "everything deleted": push nothing, delete nothing.
  if (kind === 'missing' && direction === 'push')
    return { ...base, note: `local folder ${localDir} does not exist: nothing pushed, nothing deleted` };

  const retry = syncRetry(ctx.signal);
  const [listed, scan] = await Promise.all([
    withRetry(() => ctx.store.list(remotePrefix, ctx.signal), retry),
    kind === 'folder' ? scanLocalFolder(localDir) : Promise.resolve({ files: [], skipped: [], partials: [] }),
  ]);
  // Temp files of interrupted downloads are never synced; the scan that found them removes them.
  await removePartials(scan.partials);
  const baseline = baselineFor(ctx.state, folder.name, `${ctx.spec.bucket}/${ctx.spec.prefix}`);
  const hashes = (ctx.state.hashes[folder.name] ??= {});
  const locals = new Map(scan.files.map((file) => [file.relPath, file]));
  const remotes = new Map<string, RemoteObject>(
    listed.map((o) => [o.key.slice(remotePrefix.length), { ...o, relPath: o.key.slice(remotePrefix.length) }]),
  );
  const paths = [...new Set([...locals.keys(), ...remotes.keys()])].sort();

  const conflicts: SyncConflict[] = [];
  const actions = await Promise.all(
    paths.map((relPath) =>
      ctx.limit(async () => {
        const state: PathState = {
          local: locals.get(relPath),
          remote: remotes.get(relPath),
          baseline: baseline[relPath],
        };
        await fillDetails(folder, direction, state, localDir, hashes, ctx);
        const decision = decide(folder.policy, direction, state);
        const key = remotePrefix + relPath;
        if (decision.type !== 'keep-both')
          return [toAction(folder.name, key, relPath, decision.type, decision.reason, state)];
        // Keep both: the path itself is left alone; on push the local copy goes up beside S3's.
        const local = state.local!;
        local.sha256 ??= await localSha256(join(localDir, relPath), local, hashes, ctx.signal);
        const copy = conflictRelPath(relPath, ctx.spec.conflictTag ?? hostname(), local.sha256);
        const already = remotes.get(copy);
        conflicts.push({ folder: folder.name, relPath, conflictKey: remotePrefix + copy, reason: decision.reason });
        const kept = toAction(folder.name, key, relPath, 'skip', decision.reason, state);
        if (direction === 'pull') return [kept];
        if (already && already.size === local.size)
          return [{ ...kept, reason: `${decision.reason} (already there as ${copy})` }];
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
  const skippedLocal = scan.skipped.map((s) =>
    toAction(folder.name, remotePrefix + s.relPath, s.relPath, 'skip', s.reason, {}),
  );
  return {
    ...base,
    actions: [...actions.flat(), ...skippedLocal],
    ...(conflicts.length ? { conflicts: conflicts.sort((a, b) => a.relPath.localeCompare(b.relPath)) } : {}),
  };
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
  if (!local || !remote) return;
  // Newest-wins needs the recorded mtime before it can tell whether contents matter.
  if (folder.policy === 'newest-wins')
    state.remote = await remoteDetails(ctx.store, remote, state.baseline, ctx.signal);
  const needsContent = outcomeDependsOnContent(folder.policy, direction, state);
  if (needsContent && folder.policy !== 'newest-wins')
    state.remote = await remoteDetails(ctx.store, remote, state.baseline, ctx.signal);
  if (local.size !== remote.size) state.same = false;
  else if (needsContent) {
    local.sha256 = await localSha256(join(localDir, local.relPath), local, hashes, ctx.signal);
    state.same = state.remote?.sha256 !== undefined && state.remote.sha256 === local.sha256;
  }
}

function toAction(
  folder: string,
  key: string,
  relPath: string,
  type: SyncAction['type'],
  reason: string,
  state: { local?: LocalFile; remote?: RemoteObject },
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
