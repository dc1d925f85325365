import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { TypedError } from '../../shared/ipc/result';
import { folderPrefix } from '../../shared/sync/keys';
import { type ListedObject, META_SHA256, type ObjectStore } from '../aws/ports/object-store';
import { downloadFile } from './download';
import { explainObjectError } from './explain';
import { realFolderRoot, tempDirFor } from './inside-root';
import { checkKeyIdentity } from './key-identity';
import { createLimiter } from './limiter';
import { syncRetry, withRetry } from './retry';
import { acquireSyncLock } from './sync-lock';
import type { SyncSpec } from './sync-spec';
import { uploadFile } from './upload';
import { openUploadJournal } from './upload-journal';

/** What `traindeck sync encrypt` needs. */
export interface EncryptInput {
  store: ObjectStore;
  /** The folders whose objects are looked at (all of the config's, or those asked for). */
  spec: SyncSpec;
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Called as each object is done: encrypted (or, in a dry run, found), or failed with its sentence. */
  onObject?: (event: { key: string; outcome: 'encrypted' | 'found' | 'failed'; message?: string }) => void;
}

/** What it did. */
export interface EncryptOutcome {
  /** Objects found stored without SSE-C, by key. */
  found: string[];
  /** Those now stored with SSE-C under the run's key (none in a dry run). */
  encrypted: string[];
  failures: Array<{ key: string; message: string }>;
}

/**
 * Re-encrypts the objects of the sync folders that are stored without SSE-C (written by another
 * tool): each is read without the key, checked (the size and ETag of the listing), written again
 * under the same key through the engine's verified upload (SSE-C with the run's key,
 * Intelligent-Tiering, SHA-256 + mtime metadata, the body checked against its hash as it is
 * sent), then read back with the key (HEAD: stored with SSE-C, same size, the recorded SHA-256)
 * before it is reported. The old object stays until the new one is complete (a PUT or a
 * completed multipart upload replaces an object at once); any failure leaves it as it was.
 * Refuses a prefix written with another key before anything is read, like every sync.
 */
export async function encryptPlainObjects(input: EncryptInput): Promise<EncryptOutcome> {
  const { store, spec, signal } = input;
  const release = await acquireSyncLock(spec.localRoot, signal);
  try {
    await checkKeyIdentity(store, spec.prefix, signal);
    const retry = syncRetry(signal);
    const limit = createLimiter(spec.concurrency);
    const listed = (
      await Promise.all(
        spec.folders.map((f) => withRetry(() => store.list(folderPrefix(spec.prefix, f.remote), signal), retry)),
      )
    )
      .flat()
      .filter((o) => !o.key.endsWith('/'));
    const plain = (
      await Promise.all(
        listed.map((object) =>
          limit(async () => {
            const head = await withRetry(() => store.head(object.key, signal), retry).catch(() => undefined);
            return head?.encrypted === false ? object : undefined;
          }),
        ),
      )
    ).filter((o): o is ListedObject => o !== undefined);
    const outcome: EncryptOutcome = { found: plain.map((o) => o.key).sort(), encrypted: [], failures: [] };
    if (input.dryRun) {
      for (const key of outcome.found) input.onObject?.({ key, outcome: 'found' });
      return outcome;
    }
    const workDir = await mkdtemp(join(await tempDirFor(spec.localRoot, spec.localRoot), 'encrypt-'));
    const journal = await openUploadJournal(spec.localRoot);
    try {
      await Promise.all(
        plain.map((object, index) =>
          limit(async () => {
            try {
              await encryptOne(object, join(workDir, String(index)), input, journal);
              outcome.encrypted.push(object.key);
              input.onObject?.({ key: object.key, outcome: 'encrypted' });
            } catch (error) {
              if (signal?.aborted) return;
              const { message } = await explainObjectError(error, store, object.key);
              outcome.failures.push({ key: object.key, message });
              input.onObject?.({ key: object.key, outcome: 'failed', message });
            }
          }),
        ),
      );
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    outcome.encrypted.sort();
    return outcome;
  } finally {
    await release();
  }
}

async function encryptOne(
  object: ListedObject,
  dir: string,
  input: EncryptInput,
  journal: Awaited<ReturnType<typeof openUploadJournal>>,
): Promise<void> {
  const { store, spec, signal } = input;
  const retry = syncRetry(signal);
  const name = 'object';
  const requests = createLimiter(4);
  const common = { store, spec, requests, onBytes: () => undefined, ...(signal ? { signal } : {}) };
  // Read it whole to a private temp file, hashed as it is written (checked against the listing's size).
  await mkdir(dir, { recursive: true });
  const realDir = await realFolderRoot(dir);
  const read = await downloadFile(
    { realRoot: realDir, tempDir: realDir },
    name,
    { ...object, relPath: name, encrypted: false },
    common,
  );
  if (read.etag !== object.etag || read.size !== object.size) {
    throw changed(object.key);
  }
  // Just before the write: still the object that was read, and still stored without SSE-C.
  const now = await withRetry(() => store.head(object.key, signal), retry);
  if (now.etag !== object.etag || now.encrypted !== false) throw changed(object.key);
  const file = { relPath: object.key, size: read.size, mtimeMs: read.mtimeMs, sha256: read.sha256 };
  await uploadFile(join(realDir, name), object.key, file, { ...common, hashing: createLimiter(1), journal });
  // Reported only once S3 answers the key with the new object: SSE-C, same size, the recorded hash.
  const after = await withRetry(() => store.head(object.key, signal), retry);
  if (after.encrypted !== true || after.size !== read.size || after.metadata[META_SHA256] !== read.sha256) {
    throw new TypedError(
      'AWS',
      `${object.key} was written again, but reading it back with your key did not show it stored with SSE-C and the SHA-256 of what was read; check it with traindeck sync verify.`,
    );
  }
}

function changed(key: string): TypedError {
  return new TypedError(
    'CONFLICT',
    `${key} changed in S3 while it was being encrypted, so it was left as it is; run traindeck sync encrypt again.`,
  );
}
