import { statSync } from 'node:fs';
import { relative, sep } from 'node:path';

import { META_MTIME, META_SHA256 } from '../../../aws/ports/object-store';
import type { SyncOutcome } from '../../engine';
import type { StoreCall } from '../instrumented-store';
import type { RemoteEntry } from './model-backend';
import type { FolderLayout, LocalEntry } from './model-local';

/** The data invariants of ARCHITECTURE.md, plus the policy rules they rest on. */
export const INVARIANTS = [
  /** Nothing is written, changed or removed outside the sync folders of the current mapping. */
  'outside-root',
  /** A file the user wrote is never removed by a sync (no policy deletes local files). */
  'user-files-kept',
  /** A file a sync writes into a folder is one complete version of the object its path maps to. */
  'local-provenance',
  /** An object is deleted only if the last sync saw exactly it (ETag + size) and its file is gone locally. */
  'safe-delete',
  /** Every object a sync writes is byte-equal to one complete version of its local file, with a true recorded hash. */
  'complete-version',
  /** No sync moves bytes that are already on the other side (an upload of what S3 holds, a download of what is local). */
  'no-idle-transfer',
  /** After a pull and a push, another pull and push with no change in between moves no byte. */
  'round-trip-idle',
  /** Newest-wins never loses the newer copy; a true tie with different content keeps both. */
  'newest-wins',
  /** A sync with a key other than the prefix's writes nothing to S3. */
  'wrong-key-writes-nothing',
  /** After a push completes, no incomplete multipart upload remains under the prefix. */
  'no-orphan-upload',
  /** A dry run writes nothing, locally or in S3. */
  'dry-run-writes-nothing',
  /** Pull never replaces a local-wins file; push never writes under a pull-only folder. */
  'policy',
  /**
   * Without a fault, a sync fails a file only for a reason it cannot overcome: a key with no local
   * path, an object another key wrote, a file where a folder must go (or the reverse).
   */
  'no-spurious-failure',
] as const;

/** One of {@link INVARIANTS}. */
export type InvariantName = (typeof INVARIANTS)[number];

/** An invariant that did not hold, with every instance found in the step. */
export class InvariantViolation extends Error {
  constructor(
    readonly invariant: InvariantName,
    readonly details: string[],
  ) {
    super(`invariant "${invariant}" broken:\n  - ${details.join('\n  - ')}`);
    this.name = 'InvariantViolation';
  }
}

/** Everything observed around one sync: before, after, and every store call in between. */
export interface SyncObservation {
  direction: 'pull' | 'push';
  dryRun: boolean;
  keyIndex: number;
  /** The key the prefix's objects were first written with by the engine, once known. */
  prefixKey: number | undefined;
  outcome: 'done' | 'crashed' | 'error';
  result?: SyncOutcome;
  error?: unknown;
  /** No fault was injected into this sync. */
  faultFree: boolean;
  calls: StoreCall[];
  layout: FolderLayout;
  sandbox: string;
  pre: Map<string, RemoteEntry>;
  post: Map<string, RemoteEntry>;
  preLocal: Map<string, LocalEntry>;
  postLocal: Map<string, LocalEntry>;
  /** Local files rewritten by the test while the sync ran (a concurrent writer). */
  edited: Set<string>;
  /** Deletes found unsafe at the moment they were sent. */
  unsafeDeletes: string[];
  /** Every content hash a local path has held (written by the test or seen after a step). */
  localVersions: (path: string) => ReadonlySet<string>;
  /** Every content hash an object key has held. */
  remoteVersions: (key: string) => ReadonlySet<string>;
  /** Whether the engine has read this object (key and ETag) and still remembers its hash. */
  hashLearned: (key: string, etag: string) => boolean;
  orphans: string[];
}

type Check = (o: SyncObservation) => string[];

const show = (o: SyncObservation, path: string) => relative(o.sandbox, path);

/** Objects the engine wrote in this step (new, or another version than before). */
function engineWritten(o: SyncObservation): RemoteEntry[] {
  return [...o.post.values()].filter((entry) => o.pre.get(entry.key)?.version !== entry.version);
}

function outsideFiles(o: SyncObservation, files: Map<string, LocalEntry>): Map<string, string> {
  const outside = new Map<string, string>();
  for (const [path, entry] of files) {
    if (!o.layout.folderOfPath(path) && !o.layout.isState(path)) outside.set(path, entry.sha256);
  }
  return outside;
}

const outsideRoot: Check = (o) => {
  const before = outsideFiles(o, o.preLocal);
  const after = outsideFiles(o, o.postLocal);
  const problems: string[] = [];
  for (const [path, sha] of after) {
    if (before.get(path) !== sha) problems.push(`${before.has(path) ? 'changed' : 'created'} ${show(o, path)}`);
  }
  for (const path of before.keys()) if (!after.has(path)) problems.push(`removed ${show(o, path)}`);
  return problems;
};

/** Files the engine left behind in a folder itself (a stale temp file) are not the user's: only versions count. */
const userFilesKept: Check = (o) =>
  [...o.preLocal]
    .filter(
      ([path, entry]) =>
        o.layout.folderOfPath(path) &&
        o.localVersions(path).has(entry.sha256) &&
        !o.postLocal.has(path) &&
        !o.edited.has(path),
    )
    .map(([path]) => `the sync removed ${show(o, path)}`);

const localProvenance: Check = (o) => {
  const problems: string[] = [];
  for (const [path, entry] of o.postLocal) {
    if (!o.layout.folderOfPath(path) || o.edited.has(path) || o.preLocal.get(path)?.sha256 === entry.sha256) continue;
    const sources = [...o.post.values(), ...o.pre.values()].filter((r) => o.layout.localPathOf(r.key) === path);
    const legit = sources.some((r) => r.sha256 === entry.sha256 || o.remoteVersions(r.key).has(entry.sha256));
    if (!legit) {
      problems.push(
        `${show(o, path)} was written with bytes of no version of ${sources.length ? sources.map((r) => r.key).join(', ') : 'any object that maps to it'}`,
      );
    }
  }
  return problems;
};

const completeVersion: Check = (o) => {
  const problems: string[] = [];
  for (const entry of engineWritten(o)) {
    if (!o.layout.folderOfKey(entry.key)) continue; // the engine's own objects beside the folders
    const path = o.layout.localPathOf(entry.key);
    if (!path) {
      problems.push(`${entry.key} was written, but maps to no local path`);
      continue;
    }
    // A conflict copy (newest-wins, equal mtimes) holds a version of the file it was made from.
    const source = conflictSource(entry.key);
    const paths = [path, ...(source ? [o.layout.localPathOf(source)] : [])].filter((p) => p !== undefined);
    const versions = new Set(paths.flatMap((p) => [...o.localVersions(p), o.preLocal.get(p)?.sha256]));
    // A metadata write-back (a copy onto itself) keeps the bytes S3 held: no new version of anything.
    const sameBytes = o.pre.get(entry.key)?.sha256 === entry.sha256;
    if (!versions.has(entry.sha256) && !sameBytes) {
      problems.push(`${entry.key} holds ${entry.size} bytes that match no version of ${show(o, path)}`);
    }
    const recorded = entry.metadata[META_SHA256];
    if (recorded !== undefined && recorded !== entry.sha256) {
      problems.push(`${entry.key} records SHA-256 ${recorded.slice(0, 12)}… but holds ${entry.sha256.slice(0, 12)}…`);
    }
  }
  return problems;
};

/** The key a newest-wins conflict copy was made from (`NAME.conflict-TAG-SHA8.EXT` → `NAME.EXT`). */
function conflictSource(key: string): string | undefined {
  const match = /^(.*\/)?([^/]+)\.conflict-[A-Za-z0-9_-]+-[0-9a-f]{8}(\.[^./]*)?$/.exec(key);
  return match ? `${match[1] ?? ''}${match[2]}${match[3] ?? ''}` : undefined;
}

const noIdleTransfer: Check = (o) => {
  const problems: string[] = [];
  const uploaded = new Set(o.calls.filter((c) => c.write && c.bytes > 0 && c.key).map((c) => c.key!));
  for (const key of uploaded) {
    const source = o.layout.localPathOf(key);
    if (source && o.edited.has(source)) continue;
    const before = o.pre.get(key);
    const after = o.post.get(key);
    // An object without a TrainDeck hash that the engine never read cannot be known identical:
    // replacing it costs no more than reading it, and gives it one (the hash is never guessed).
    if (before && !before.metadata[META_SHA256] && !o.hashLearned(key, before.etag)) continue;
    if (before && after && before.keyIndex === o.keyIndex && before.sha256 === after.sha256) {
      problems.push(`${key} was uploaded again with the bytes S3 already held`);
    }
  }
  for (const call of o.calls.filter((c) => c.method === 'get' && c.ok && c.key)) {
    const before = o.pre.get(call.key!);
    const path = o.layout.localPathOf(call.key!);
    const local = path && !o.edited.has(path) ? o.preLocal.get(path) : undefined;
    if (before?.metadata[META_SHA256] && local?.sha256 === before.sha256) {
      problems.push(`${call.key} was downloaded although ${show(o, path!)} already held its bytes`);
    }
  }
  return problems;
};

/** The mtime newest-wins compares for an object: its recorded file mtime, else when S3 stored it. */
function remoteMtime(entry: RemoteEntry): number {
  const recorded = Number(entry.metadata[META_MTIME]);
  return Number.isFinite(recorded) && recorded > 0 ? recorded : entry.lastModifiedMs;
}

const newestWins: Check = (o) => {
  if (o.dryRun) return [];
  const problems: string[] = [];
  for (const before of o.pre.values()) {
    const folder = o.layout.folderOfKey(before.key);
    const path = o.layout.localPathOf(before.key);
    if (folder?.policy !== 'newest-wins' || !path || o.edited.has(path)) continue;
    const local = o.preLocal.get(path);
    if (!local || local.sha256 === before.sha256) continue;
    const here = [o.post.get(before.key)?.sha256, o.postLocal.get(path)?.sha256];
    const anywhere = new Set([
      ...[...o.post.values()].filter((r) => o.layout.folderOfKey(r.key) === folder).map((r) => r.sha256),
      ...[...o.postLocal].filter(([p]) => o.layout.folderOfPath(p) === folder).map(([, e]) => e.sha256),
    ]);
    const rm = remoteMtime(before);
    if (rm > local.mtimeMs && !here.includes(before.sha256)) {
      problems.push(`lost the newer S3 copy of ${before.key} (mtime ${rm} > local ${local.mtimeMs})`);
    }
    if (rm < local.mtimeMs && !here.includes(local.sha256)) {
      problems.push(`lost the newer local copy ${show(o, path)} (mtime ${local.mtimeMs} > S3 ${rm})`);
    }
    if (rm === local.mtimeMs && (!here.includes(before.sha256) || !anywhere.has(local.sha256))) {
      problems.push(`an equal-mtime conflict on ${before.key} did not keep both copies`);
    }
  }
  return problems;
};

const wrongKeyWritesNothing: Check = (o) =>
  o.prefixKey === undefined || o.prefixKey === o.keyIndex
    ? []
    : o.calls
        .filter((c) => c.write)
        .map((c) => `with another key than the prefix's, the sync called ${c.method} ${c.key ?? c.keys?.join(', ')}`);

const noOrphanUpload: Check = (o) => o.orphans.map((u) => `incomplete multipart upload left: ${u}`);

const dryRunWritesNothing: Check = (o) => {
  if (!o.dryRun) return [];
  const problems = o.calls.filter((c) => c.write).map((c) => `a dry run called ${c.method} ${c.key ?? ''}`);
  for (const [path, entry] of o.preLocal) {
    if (!o.layout.isState(path) && !o.edited.has(path) && o.postLocal.get(path)?.sha256 !== entry.sha256) {
      problems.push(`a dry run changed ${show(o, path)}`);
    }
  }
  for (const path of o.postLocal.keys()) {
    if (!o.layout.isState(path) && !o.edited.has(path) && !o.preLocal.has(path)) {
      problems.push(`a dry run created ${show(o, path)}`);
    }
  }
  return problems;
};

const policy: Check = (o) => {
  const problems: string[] = [];
  if (o.direction === 'pull') {
    for (const [path, entry] of o.preLocal) {
      const after = o.postLocal.get(path);
      const local = o.layout.folderOfPath(path)?.policy === 'local-wins';
      if (local && after && !o.edited.has(path) && after.sha256 !== entry.sha256) {
        problems.push(`a pull replaced ${show(o, path)} in a local-wins folder`);
      }
    }
  }
  if (o.direction === 'push') {
    for (const call of o.calls.filter((c) => c.write)) {
      for (const key of call.key ? [call.key] : (call.keys ?? [])) {
        if (o.layout.folderOfKey(key)?.policy === 'pull-only') problems.push(`a push called ${call.method} ${key}`);
      }
    }
  }
  return problems;
};

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing, or a file where a parent folder would be
  }
}

/** Whether `key`'s path and another object's or file's path need a file and a folder at one place. */
function pathClash(o: SyncObservation, key: string): boolean {
  const path = o.layout.localPathOf(key);
  if (!path) return false;
  const others = [...o.pre.keys()].filter((k) => k !== key && o.layout.folderOfKey(k) === o.layout.folderOfKey(key));
  const paths = [...others.map((k) => o.layout.localPathOf(k)), ...o.preLocal.keys()].filter((p) => p !== undefined);
  const folderInTheWay = isFolder(path);
  return folderInTheWay || paths.some((p) => p.startsWith(path + sep) || path.startsWith(p + sep));
}

const noSpuriousFailure: Check = (o) => {
  if (!o.faultFree) return [];
  if (o.outcome === 'error') {
    return o.prefixKey !== undefined && o.prefixKey !== o.keyIndex
      ? []
      : [`the sync failed as a whole: ${(o.error as Error)?.message}`];
  }
  const problems: string[] = [];
  for (const failure of o.result?.summary?.failures ?? []) {
    const folder = o.layout.folders.find((f) => f.name === failure.folder);
    const key = folder ? o.layout.remotePrefix(folder) + failure.relPath : failure.relPath;
    const object = o.pre.get(key);
    const unreadable = object !== undefined && object.keyIndex !== o.keyIndex;
    if (!o.layout.localPathOf(key) || unreadable || pathClash(o, key)) continue;
    problems.push(`${failure.action} of ${key} failed without a fault: ${failure.message}`);
  }
  return problems;
};

/** Each invariant's check of one sync (round-trip-idle is checked across four syncs, by the world). */
export const CHECKS: Record<Exclude<InvariantName, 'round-trip-idle'>, Check> = {
  'outside-root': outsideRoot,
  'user-files-kept': userFilesKept,
  'local-provenance': localProvenance,
  'safe-delete': (o) => o.unsafeDeletes,
  'complete-version': completeVersion,
  'no-idle-transfer': noIdleTransfer,
  'newest-wins': newestWins,
  'wrong-key-writes-nothing': wrongKeyWritesNothing,
  'no-orphan-upload': noOrphanUpload,
  'dry-run-writes-nothing': dryRunWritesNothing,
  policy,
  'no-spurious-failure': noSpuriousFailure,
};
