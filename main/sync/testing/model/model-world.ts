import { lstat, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { DEFAULT_SYNC_FOLDERS, type SyncFolder } from '../../../../shared/run-config/schema';
import { META_MTIME, META_SHA256 } from '../../../aws/ports/object-store';
import { runSync, type SyncOutcome } from '../../engine';
import { sha256Buffer } from '../../hash-file';
import { STATE_DIR } from '../../state-dir';
import type { SyncSpec } from '../../sync-spec';
import { instrumentStore, type StoreCall, type StoreFault } from '../instrumented-store';
import type { ModelBackend, RemoteEntry } from './model-backend';
import { CHECKS, type InvariantName, INVARIANTS, InvariantViolation, type SyncObservation } from './model-invariants';
import { FolderLayout, scanTree } from './model-local';
import { type ModelStep, MTIME_STEP, type SyncFault } from './model-steps';

/** How the model runs: against which S3, where, and which invariants it holds the engine to. */
export interface ModelOptions {
  backend: ModelBackend;
  /** An empty temp folder; the local root is nested three folders deep inside it. */
  sandbox: string;
  prefix?: string;
  /** Transfer sizes: tiny parts in memory make every file of 48 bytes or more go multipart. */
  transfer?: Pick<SyncSpec, 'multipartThreshold' | 'partSize'>;
  invariants?: ReadonlySet<InvariantName>;
  log?: (line: string) => void;
  /** Counts what the syncs did, across scenarios (a model test that moves nothing proves nothing). */
  stats?: ModelStats;
}

/** What the syncs of a model run did, summed. */
export interface ModelStats {
  syncs: Record<SyncObservation['outcome'], number>;
  uploaded: number;
  downloaded: number;
  deleted: number;
  failedFiles: number;
  multipartUploads: number;
}

/** Empty {@link ModelStats}. */
export function emptyStats(): ModelStats {
  return {
    syncs: { done: 0, crashed: 0, error: 0 },
    uploaded: 0,
    downloaded: 0,
    deleted: 0,
    failedFiles: 0,
    multipartUploads: 0,
  };
}

/** What one sync did. */
interface SyncRecord {
  outcome: SyncObservation['outcome'];
  result?: SyncOutcome;
  error?: unknown;
  calls: StoreCall[];
}

/** A PID above Linux's maximum: never a live process, as after kill -9 of the sync. */
const DEAD_PID = 4_194_305;

/** Files the test puts around the local root: a sync must never touch them. */
const SENTINELS = ['a', 'b', 'x y', 'escape'];

/**
 * The model test's world: a local root inside a sandbox, an S3 (in memory or Ceph), two SSE-C
 * keys, the folder mapping, and everything the test has seen so far (every version of every
 * path and object, and what each folder's last completed sync saw). Steps run one after the
 * other; after each sync every active invariant is checked and the first broken one throws
 * an {@link InvariantViolation}.
 */
export class SyncModel {
  readonly root: string;
  private readonly prefix: string;
  private folders: SyncFolder[] = DEFAULT_SYNC_FOLDERS.map((f) => ({ ...f }));
  private keyIndex = 0;
  private prefixKey: number | undefined;
  private readonly localVersionsMap = new Map<string, Set<string>>();
  private readonly remoteVersionsMap = new Map<string, Set<string>>();
  private readonly lastSeen = new Map<string, Map<string, { etag: string; size: number }>>();
  /**
   * Objects without a TrainDeck hash whose bytes the engine has read and still remembers
   * (`mapping id`, key and ETag): read by a completed sync and kept in its baseline since.
   */
  private hashLearned = new Set<string>();
  private readonly active: ReadonlySet<InvariantName>;
  private readonly transfer: Pick<SyncSpec, 'multipartThreshold' | 'partSize'>;

  constructor(private readonly options: ModelOptions) {
    this.root = join(options.sandbox, 'l1', 'l2', 'root');
    this.prefix = options.prefix ?? 'runs/model';
    this.active = options.invariants ?? new Set(INVARIANTS);
    this.transfer = options.transfer ?? { multipartThreshold: 48, partSize: 16 };
  }

  /** Creates the local root and the files around it that no sync may touch. */
  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const dir of [this.options.sandbox, join(this.options.sandbox, 'l1'), dirname(this.root), this.root]) {
      for (const name of SENTINELS) await writeFile(join(dir, name), `sentinel ${name}`).catch(() => undefined);
    }
  }

  async run(steps: readonly ModelStep[]): Promise<void> {
    await this.init();
    for (const [index, step] of steps.entries()) {
      this.options.log?.(`step ${index + 1}: ${JSON.stringify(step)}`);
      await this.apply(step);
      this.options.backend.advance(MTIME_STEP);
    }
  }

  async apply(step: ModelStep): Promise<void> {
    switch (step.t) {
      case 'local-write':
        return this.localWrite(this.folder(step.folder), step.path, step.content, step.mtime);
      case 'local-delete':
        return this.localDelete(step.pick);
      case 'clean-and-push':
        await this.localDelete(step.pick * 2);
        await this.sync('push', { kind: 'none' }, 1, false);
        return;
      case 'remote-write':
        return this.remoteWrite(step);
      case 'remote-delete':
        return this.remoteDelete(step.pick);
      case 'sync':
        await this.sync(step.direction, step.fault, step.concurrency, step.dryRun);
        return;
      case 'round-trip':
        return this.roundTrip();
      case 'key-change':
        this.keyIndex = step.key;
        return;
      case 'mapping-change':
        return this.changeMapping(step.folder, step.side, step.variant);
    }
  }

  private layout(): FolderLayout {
    return new FolderLayout(this.root, this.prefix, this.folders);
  }

  private folder(index: number): SyncFolder {
    return this.folders[index % this.folders.length]!;
  }

  private localVersions(path: string): Set<string> {
    let versions = this.localVersionsMap.get(path);
    if (!versions) this.localVersionsMap.set(path, (versions = new Set()));
    return versions;
  }

  private remoteVersions(key: string): Set<string> {
    let versions = this.remoteVersionsMap.get(key);
    if (!versions) this.remoteVersionsMap.set(key, (versions = new Set()));
    return versions;
  }

  /** A user writes a file; a path that cannot exist (a file where a folder is) is skipped. */
  private async localWrite(folder: SyncFolder, path: string[], content: string, mtime: number): Promise<void> {
    const target = join(this.layout().dir(folder), ...path);
    await this.writeUserFile(target, content, mtime);
  }

  private async writeUserFile(target: string, content: string, mtime: number): Promise<boolean> {
    const bytes = Buffer.from(content);
    try {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, bytes);
      await utimes(target, new Date(mtime), new Date(mtime));
    } catch (error) {
      if (['ENOTDIR', 'EISDIR', 'EEXIST', 'ENAMETOOLONG'].includes((error as NodeJS.ErrnoException).code ?? '')) {
        return false;
      }
      throw error;
    }
    this.localVersions(target).add(sha256Buffer(bytes));
    return true;
  }

  private async folderFiles(): Promise<string[]> {
    const layout = this.layout();
    const files = [...(await scanTree(this.root)).keys()].filter((p) => layout.folderOfPath(p));
    return files.sort();
  }

  /** Every other pick removes a file the last sync saw on both sides: the deletes a push then makes are the point. */
  private async localDelete(pick: number): Promise<void> {
    const files = await this.folderFiles();
    const layout = this.layout();
    const synced = files.filter((path) => {
      const folder = layout.folderOfPath(path)!;
      const key = layout.remotePrefix(folder) + relative(layout.dir(folder), path).split(sep).join('/');
      return this.lastSeen.get(layout.mappingId(folder))?.has(key);
    });
    const from = pick % 2 === 0 && synced.length > 0 ? synced : files;
    if (from.length > 0) await rm(from[Math.floor(pick / 2) % from.length]!);
  }

  private async remoteWrite(step: Extract<ModelStep, { t: 'remote-write' }>): Promise<void> {
    const key = this.layout().remotePrefix(this.folder(step.folder)) + step.suffix;
    const bytes = Buffer.from(step.content);
    const metadata: Record<string, string> =
      step.by === 'traindeck' ? { [META_SHA256]: sha256Buffer(bytes), [META_MTIME]: String(step.mtime) } : {};
    const keyIndex = step.by === 'no-sse-c' ? -1 : (this.prefixKey ?? 0);
    await this.options.backend.putDirect(key, bytes, metadata, keyIndex);
    // Another machine's SSE-C object makes its key the prefix's, as an engine write would.
    if (keyIndex >= 0) this.prefixKey ??= keyIndex;
    this.remoteVersions(key).add(sha256Buffer(bytes));
  }

  private async remoteDelete(pick: number): Promise<void> {
    const layout = this.layout();
    const keys = [...(await this.options.backend.snapshot(this.prefix + '/')).keys()]
      .filter((key) => layout.folderOfKey(key))
      .sort();
    if (keys.length > 0) await this.options.backend.deleteDirect(keys[pick % keys.length]!);
    // A prefix whose last SSE-C object is gone (and that has no marker) belongs to no key any more:
    // the next writer's key becomes its key, as the engine's check sees it.
    const left = await this.options.backend.snapshot(this.prefix + '/');
    if (![...left.values()].some((entry) => entry.keyIndex >= 0)) this.prefixKey = undefined;
  }

  private changeMapping(index: number, side: 'local' | 'remote', variant: number): void {
    const folder = this.folder(index);
    const original = DEFAULT_SYNC_FOLDERS.find((f) => f.name === folder.name)!;
    const value = variant === 0 ? original[side] : `${original[side]}-m${variant}`;
    this.folders = this.folders.map((f) => (f.name === folder.name ? { ...f, [side]: value } : f));
  }

  private spec(concurrency: number): SyncSpec {
    return {
      bucket: this.options.backend.bucket,
      prefix: this.prefix,
      localRoot: this.root,
      folders: this.folders,
      concurrency,
      ...this.transfer,
    };
  }

  /**
   * Runs one sync with a fault, observes everything before and after, checks the invariants
   * and records what was seen. A crash forces one request at a time, so the point where the
   * process "dies" is exact and nothing else moves afterwards.
   */
  async sync(direction: 'pull' | 'push', fault: SyncFault, concurrency: number, dryRun: boolean): Promise<SyncRecord> {
    const layout = this.layout();
    const backend = this.options.backend;
    const pre = await backend.snapshot(this.prefix + '/');
    const preLocal = await scanTree(this.options.sandbox);
    const edited = new Set<string>();
    const unsafeDeletes: string[] = [];
    const afterCall = async (call: StoreCall) => {
      if (fault.kind === 'edit' && call.n === fault.at) await this.editDuringSync(call, fault, layout, edited);
    };
    const beforeCall = async (call: StoreCall) => {
      if (call.method === 'deleteMany') {
        for (const key of call.keys ?? []) {
          const problem = await this.deleteProblem(key, pre.get(key), layout);
          if (problem) unsafeDeletes.push(`deleted ${key}: ${problem}`);
        }
      }
    };
    const storeFault: StoreFault = fault.kind === 'edit' ? { kind: 'none' } : fault;
    const instrumented = instrumentStore(backend.store(this.keyIndex), storeFault, beforeCall, afterCall);
    const running = runSync(direction, {
      spec: this.spec(fault.kind === 'crash' ? 1 : concurrency),
      store: instrumented.store,
      region: 'us-east-1',
      dryRun,
      // Faults the model injects are not retryable; anything else retried is over in moments.
      retry: { budgetMs: 1_000, baseMs: 1, capMs: 20 },
    }).then(
      (result) => ({ outcome: 'done' as const, result }),
      (error: unknown) => ({ outcome: 'error' as const, error }),
    );
    const record: SyncRecord = {
      ...(await Promise.race([running, instrumented.crashed.then(() => ({ outcome: 'crashed' as const }))])),
      calls: instrumented.calls,
    };
    if (record.outcome === 'crashed') await this.afterKill();
    this.count(record);
    this.options.log?.(`  ${direction}: ${record.outcome}${describe(record)}`);

    const post = await backend.snapshot(this.prefix + '/');
    const postLocal = await scanTree(this.options.sandbox);
    const observation: SyncObservation = {
      direction,
      dryRun,
      keyIndex: this.keyIndex,
      prefixKey: this.prefixKey,
      outcome: record.outcome,
      ...(record.result ? { result: record.result } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      faultFree: fault.kind === 'none',
      calls: record.calls,
      layout,
      sandbox: this.options.sandbox,
      pre,
      post,
      preLocal,
      postLocal,
      edited,
      unsafeDeletes,
      localVersions: (path) => this.localVersions(path),
      remoteVersions: (key) => this.remoteVersions(key),
      hashLearned: (key, etag) => this.hashLearned.has(learnedId(layout, key, etag)),
      orphans:
        record.outcome === 'done' && direction === 'push' && !dryRun
          ? await backend.incompleteUploads(this.prefix + '/')
          : [],
    };
    this.check(observation);
    this.remember(observation);
    this.learnHashes(observation);
    return record;
  }

  /** What the engine's baselines know of objects it read: a pull that did not finish forgot every baseline. */
  private learnHashes(o: SyncObservation): void {
    if (o.dryRun) return;
    if (o.outcome !== 'done') {
      if (o.direction === 'pull') this.hashLearned.clear();
      return;
    }
    const read = new Set(o.calls.filter((c) => c.method === 'get' && c.ok && c.key).map((c) => c.key!));
    const learned = new Set<string>();
    for (const entry of o.post.values()) {
      const path = o.layout.localPathOf(entry.key);
      if (!path || !o.postLocal.has(path)) continue;
      const id = learnedId(o.layout, entry.key, entry.etag);
      const before = o.pre.get(entry.key);
      if (this.hashLearned.has(id) || (read.has(entry.key) && before?.etag === entry.etag)) learned.add(id);
    }
    this.hashLearned = learned;
  }

  private count(record: SyncRecord): void {
    const stats = this.options.stats;
    if (!stats) return;
    stats.syncs[record.outcome] += 1;
    const summary = record.result?.summary;
    stats.uploaded += summary?.uploaded ?? 0;
    stats.downloaded += summary?.downloaded ?? 0;
    stats.deleted += summary?.deleted ?? 0;
    stats.failedFiles += summary?.failures.length ?? 0;
    stats.multipartUploads += record.calls.filter((c) => c.method === 'completeMultipart' && c.ok).length;
  }

  private check(observation: SyncObservation): void {
    for (const [name, check] of Object.entries(CHECKS) as Array<[InvariantName, (o: SyncObservation) => string[]]>) {
      if (!this.active.has(name)) continue;
      const details = check(observation);
      if (details.length > 0) throw new InvariantViolation(name, details);
    }
  }

  /** What the step leaves for later checks: versions seen, the prefix's key, each folder's last view. */
  private remember(o: SyncObservation): void {
    for (const entry of o.post.values()) this.remoteVersions(entry.key).add(entry.sha256);
    for (const [path, entry] of o.postLocal) {
      const sources = [...o.post.values()].filter((r) => o.layout.localPathOf(r.key) === path);
      // Only a legitimate version becomes one: a stale temp file or a misplaced download never does.
      if (
        o.edited.has(path) ||
        this.localVersions(path).has(entry.sha256) ||
        sources.some((r) => this.remoteVersions(r.key).has(entry.sha256))
      ) {
        this.localVersions(path).add(entry.sha256);
      }
    }
    const wrote = o.calls.some((c) => c.write && c.ok);
    if (this.prefixKey === undefined && wrote) this.prefixKey = o.keyIndex;
    if (o.outcome !== 'done' || o.dryRun) return;
    for (const folder of this.folders) {
      const planned = o.result?.plan.folders.find((f) => f.folder === folder.name);
      if (!planned || planned.note) continue;
      const seen = new Map<string, { etag: string; size: number }>();
      for (const entry of o.post.values()) {
        const path = o.layout.localPathOf(entry.key);
        if (o.layout.folderOfKey(entry.key) === folder && path && o.postLocal.has(path)) {
          seen.set(entry.key, { etag: entry.etag, size: entry.size });
        }
      }
      this.lastSeen.set(o.layout.mappingId(folder), seen);
    }
  }

  /** Why deleting `key` now is unsafe, if it is: its file exists, or no completed sync saw exactly this object. */
  private async deleteProblem(key: string, before: RemoteEntry | undefined, layout: FolderLayout): Promise<string> {
    const folder = layout.folderOfKey(key);
    const path = layout.localPathOf(key);
    if (!folder || !path) return 'the key maps to no local file, so no sync can have seen its file';
    if (await exists(path)) return `its local file ${path} exists`;
    const seen = this.lastSeen.get(layout.mappingId(folder))?.get(key);
    if (!seen) return 'the last sync of this folder mapping never saw it on both sides';
    if (!before || before.etag !== seen.etag || before.size !== seen.size) {
      return `S3 holds ${before?.etag ?? 'nothing'} (${before?.size ?? 0} B), the last sync saw ${seen.etag} (${seen.size} B)`;
    }
    return '';
  }

  /** A concurrent writer: rewrites the file the call is about (or the first file) while the sync runs. */
  private async editDuringSync(
    call: StoreCall,
    fault: Extract<SyncFault, { kind: 'edit' }>,
    layout: FolderLayout,
    edited: Set<string>,
  ): Promise<void> {
    const own = call.key ? layout.localPathOf(call.key) : undefined;
    const target = own && (await exists(own)) ? own : (await this.folderFiles())[0];
    if (target && (await this.writeUserFile(target, fault.content, fault.mtime))) edited.add(target);
  }

  /** What kill -9 leaves: in-flight writes finish on their own, and the lock names a dead process. */
  private async afterKill(): Promise<void> {
    await sleep(20);
    const lock = join(this.root, STATE_DIR, 'sync.lock');
    const text = await readFile(lock, 'utf8').catch(() => undefined);
    if (text !== undefined) await writeFile(lock, text.replaceAll(String(process.pid), String(DEAD_PID)));
  }

  /** Pull, push, pull, push without faults: the second pair moves nothing the first pair completed. */
  private async roundTrip(): Promise<void> {
    const first = [
      await this.sync('pull', { kind: 'none' }, 2, false),
      await this.sync('push', { kind: 'none' }, 2, false),
    ];
    const second = [
      await this.sync('pull', { kind: 'none' }, 2, false),
      await this.sync('push', { kind: 'none' }, 2, false),
    ];
    if (!this.active.has('round-trip-idle') || first.some((r) => r.outcome !== 'done')) return;
    const layout = this.layout();
    const failed = new Set(
      first.flatMap((r) =>
        (r.result?.summary?.failures ?? []).map(
          (f) => layout.remotePrefix(this.folders.find((x) => x.name === f.folder)!) + f.relPath,
        ),
      ),
    );
    const moved = second
      .flatMap((r) => r.calls)
      .filter((c) => c.write || (c.method === 'get' && c.ok))
      .flatMap((c) => (c.key ? [`${c.method} ${c.key}`] : (c.keys ?? []).map((k) => `${c.method} ${k}`)))
      .filter((line) => !failed.has(line.slice(line.indexOf(' ') + 1)));
    if (moved.length > 0) throw new InvariantViolation('round-trip-idle', moved);
  }
}

function describe(record: SyncRecord): string {
  if (record.outcome === 'error') return ` (${(record.error as Error).message})`;
  const summary = record.result?.summary;
  if (!summary) return '';
  const failures = summary.failures.map((f) => `${f.folder}/${f.relPath}: ${f.message}`).join('; ');
  return ` (up ${summary.uploaded}, down ${summary.downloaded}, deleted ${summary.deleted}${failures ? `, failed: ${failures}` : ''})`;
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

function learnedId(layout: FolderLayout, key: string, etag: string): string {
  const folder = layout.folderOfKey(key);
  return `${folder ? layout.mappingId(folder) : ''}\n${key}\n${etag}`;
}
