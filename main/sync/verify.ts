import { join } from 'node:path';

import { mapObjectKey } from '../../shared/sync/key-path';
import { folderPrefix } from '../../shared/sync/keys';
import type { ManifestFile, VerifyMismatch } from '../../shared/sync/types';
import type { ListedObject, ObjectStore } from '../aws/ports/object-store';
import { createLimiter } from './limiter';
import { folderKind, scanLocalFolder } from './local-files';
import { localSha256 } from './local-hash';
import { metadataDetails, type RecordedHash } from './remote-details';
import { syncRetry, withRetry } from './retry';
import type { SyncSpec } from './sync-spec';
import { hashCacheFor, type SyncState } from './sync-state';

/** The result of a verification: what was checked and every difference. */
export interface VerifyReport {
  checked: number;
  /** Differences that mean the sync did not happen as expected. */
  mismatches: VerifyMismatch[];
  /** Objects in S3 that the expected set does not name (informational). */
  extra: string[];
}

/**
 * Every local file of the spec's folders as a manifest entry (key, size, SHA-256). Hashes come
 * from the size+mtime cache unless `deep`, which re-reads every file (`sync verify --deep`, and
 * datasets before training): a file corrupted with its mtime restored is caught only that way.
 */
export async function buildLocalManifest(
  spec: SyncSpec,
  state: SyncState,
  signal?: AbortSignal,
  options: { deep?: boolean } = {},
): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  const limit = createLimiter(4);
  for (const folder of spec.folders) {
    const dir = join(spec.localRoot, folder.local);
    if ((await folderKind(dir)) !== 'folder') continue;
    const cache = hashCacheFor(state, spec, folder);
    const scan = await scanLocalFolder(dir);
    const prefix = folderPrefix(spec.prefix, folder.remote);
    files.push(
      ...(await Promise.all(
        scan.files.map((f) =>
          limit(async () => ({
            key: prefix + f.relPath,
            size: f.size,
            mtimeMs: f.mtimeMs,
            sha256: await localSha256(join(dir, f.relPath), f, cache, signal, options.deep),
          })),
        ),
      )),
    );
  }
  return files;
}

/**
 * Lists S3 itself and compares it with `expected` (an executor's final manifest, or the
 * local files): each expected object must exist with the same size and recorded SHA-256.
 * Reads S3 only; never trusts what a transfer reported.
 */
export async function verifyAgainst(
  expected: ManifestFile[],
  store: ObjectStore,
  prefixes: string[],
  concurrency: number,
  signal?: AbortSignal,
  /** Hashes TrainDeck recorded itself for objects that carry none (see locallyRecordedHashes). */
  recorded?: RecordedHash,
): Promise<VerifyReport> {
  const listed = new Map<string, ListedObject>();
  for (const prefix of prefixes) for (const object of await store.list(prefix, signal)) listed.set(object.key, object);
  const limit = createLimiter(concurrency);
  const results = await Promise.all(
    expected.map((file) => limit(() => check(file, listed.get(file.key), store, signal, recorded))),
  );
  const expectedKeys = new Set(expected.map((f) => f.key));
  return {
    checked: expected.length,
    mismatches: results.filter((r): r is VerifyMismatch => r !== undefined),
    extra: [...listed.values()]
      .filter((o) => !expectedKeys.has(o.key) && !isEmptyMarker(o, prefixes))
      .map((o) => o.key)
      .sort(),
  };
}

/** An empty folder marker stands for no file (the key↔path mapping ignores it). */
function isEmptyMarker(object: ListedObject, prefixes: string[]): boolean {
  const prefix = prefixes.find((p) => object.key.startsWith(p));
  return prefix !== undefined && mapObjectKey(object.key.slice(prefix.length), object.size).kind === 'marker';
}

async function check(
  file: ManifestFile,
  object: ListedObject | undefined,
  store: ObjectStore,
  signal?: AbortSignal,
  recorded?: RecordedHash,
): Promise<VerifyMismatch | undefined> {
  if (!object) return { key: file.key, problem: 'missing' };
  if (object.size !== file.size) {
    return { key: file.key, problem: 'size', expected: String(file.size), actual: String(object.size) };
  }
  try {
    const head = await withRetry(() => store.head(file.key, signal), syncRetry(signal));
    // An object written by another tool has no hash on it: the one recorded at its first download counts.
    const sha256 = metadataDetails(head).sha256 ?? recorded?.(file.key, object);
    if (sha256 !== file.sha256) {
      return {
        key: file.key,
        problem: 'sha256',
        expected: file.sha256,
        actual:
          sha256 ??
          '(none recorded: the object has no TrainDeck hash; pull it once, or publish it with traindeck datasets publish)',
      };
    }
    return undefined;
  } catch (error) {
    return { key: file.key, problem: 'unreadable', actual: error instanceof Error ? error.message : String(error) };
  }
}
