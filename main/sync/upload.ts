import { setMaxListeners } from 'node:events';
import { readFile, stat } from 'node:fs/promises';

import type { LocalFile } from '../../shared/sync/types';
import { type Body, META_MTIME, META_SHA256, type ObjectStore, StoreError } from '../aws/ports/object-store';
import { sha256Buffer, sha256File } from './hash-file';
import type { Limiter } from './limiter';
import { mtimeOf } from './local-files';
import { syncRetry, withRetry } from './retry';
import { partSizeFor, type SyncSpec } from './sync-spec';
import type { UploadJournal } from './upload-journal';
import { fileRangeStream, hashFileParts, type PartHashes } from './verified-body';

/** Files up to this size are read into memory once: one read for hashes and body, trivial retries. */
const IN_MEMORY_MAX = 1024 * 1024;

/**
 * Hashing passes of one sync that run at once ({@link UploadContext.hashing}). Every file in flight
 * hashing at the same time made them all finish together: 16 files of 50 MiB kept the JavaScript
 * thread hashing for seconds while S3 received nothing. One pass at a time lets the first file go
 * up as soon as it is hashed, while the next one hashes; the second keeps a large file's pass from
 * holding up every smaller one behind it.
 */
export const HASHING_PASSES = 2;

/** What an upload leaves behind: what the object now is, for the baseline and the manifest. */
export interface Uploaded {
  etag: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** Shared by every upload of one execution. */
export interface UploadContext {
  store: ObjectStore;
  spec: SyncSpec;
  /** Bounds requests in flight (single PUTs and parts share it). */
  requests: Limiter;
  /** Bounds the hashing passes in flight ({@link HASHING_PASSES}), so that sending overlaps hashing. */
  hashing: Limiter;
  signal?: AbortSignal;
  onBytes: (bytes: number) => void;
  /** Where multipart uploads are recorded so that the next sync can resume or abort them. */
  journal?: UploadJournal;
}

/**
 * Uploads one file with its SHA-256 and mtime recorded as metadata, so that the object is
 * exactly one version of the file or is left as it was:
 * - the file is hashed first (whole and per part: the metadata needs the whole hash before the
 *   upload starts), and every request is signed with its body's SHA-256, so S3 refuses bytes
 *   that differ from the hashed ones, whether the file changed on disk since or they were
 *   damaged in transit; a refused body whose range hashes differently now failed because the
 *   file changed (not retried), else it is retried;
 * - a multipart upload is completed only after every part was accepted and the file still has
 *   the size and mtime the plan saw, and is aborted otherwise (the old object stays).
 * Each byte is read twice (hash, send) and hashed twice (whole file, its part) on this side.
 */
export async function uploadFile(path: string, key: string, file: LocalFile, ctx: UploadContext): Promise<Uploaded> {
  const job: UploadJob = { path, key, file, ctx, unchanged: () => unchanged(path, file) };
  const threshold = ctx.spec.uploadMultipartThreshold ?? ctx.spec.multipartThreshold;
  return file.size >= threshold ? uploadMultipart(job) : uploadSingle(job);
}

interface UploadJob {
  path: string;
  key: string;
  file: LocalFile;
  ctx: UploadContext;
  /** True while the file still has the size and mtime the plan saw. */
  unchanged: () => Promise<boolean>;
}

/** The error of an upload whose file was written to while it went up. */
function changedWhileUploading(file: LocalFile, key: string): StoreError {
  return new StoreError(
    'changed-while-uploading',
    `${file.relPath} changed while uploading; it will go up on the next push.`,
    { key },
  );
}

async function unchanged(path: string, file: LocalFile): Promise<boolean> {
  const now = await stat(path).catch(() => undefined);
  return now !== undefined && now.size === file.size && mtimeOf(now) === file.mtimeMs;
}

const metadata = (sha256: string, mtimeMs: number) => ({ [META_SHA256]: sha256, [META_MTIME]: String(mtimeMs) });
const retry = (ctx: UploadContext) => syncRetry(ctx.signal);

async function uploadSingle(job: UploadJob): Promise<Uploaded> {
  const { path, key, file, ctx } = job;
  if (file.size <= IN_MEMORY_MAX) {
    const buffer = await readFile(path, ctx.signal ? { signal: ctx.signal } : {});
    // What was read is one version of the file only if no write touched it since the plan.
    if (buffer.length !== file.size || !(await job.unchanged())) throw changedWhileUploading(file, key);
    const sha256 = sha256Buffer(buffer);
    const etag = await ctx.requests(() =>
      withRetry(
        () =>
          ctx.store.put(
            { key, body: { buffer }, bodySha256: sha256, metadata: metadata(sha256, file.mtimeMs) },
            ctx.signal,
          ),
        retry(ctx),
      ),
    );
    ctx.onBytes(buffer.length);
    return { etag, sha256, size: buffer.length, mtimeMs: file.mtimeMs };
  }
  const hashes = await ctx.hashing(() => hashFileParts(path, file.size, file.size, ctx.signal));
  // The hash is of the plan's version only if no write touched the file since the plan (as for a file read whole).
  if (hashes === 'changed' || !(await job.unchanged())) throw changedWhileUploading(file, key);
  const etag = await ctx.requests(() =>
    withRetry(
      () =>
        sendFromFile(job, { start: 0, end: file.size - 1 }, hashes.sha256, (body, signal) =>
          ctx.store.put(
            { key, body, bodySha256: hashes.sha256, metadata: metadata(hashes.sha256, file.mtimeMs) },
            signal,
          ),
        ),
      retry(ctx),
    ),
  );
  ctx.onBytes(file.size);
  return { etag, sha256: hashes.sha256, size: file.size, mtimeMs: file.mtimeMs };
}

/**
 * Sends one body read from the file ({@link fileRangeStream}), signed with `sha256`. A body the
 * file can no longer fill, or one S3 refused whose range now hashes to something else, fails
 * this request as changed (never retried); other failures are left to the caller's retries.
 */
async function sendFromFile<T>(
  job: UploadJob,
  range: { start: number; end: number },
  sha256: string,
  send: (body: Body, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const request = new AbortController();
  const outer = job.ctx.signal;
  const cancel = () => request.abort(outer?.reason);
  outer?.addEventListener('abort', cancel, { once: true });
  let short: { readError?: Error } | undefined;
  const body: Body = {
    stream: () =>
      fileRangeStream(job.path, range, (readError) => {
        short = readError ? { readError } : {};
        request.abort();
      }),
    length: range.end - range.start + 1,
  };
  try {
    return await send(body, request.signal);
  } catch (error) {
    if (outer?.aborted) throw error;
    if (short) throw short.readError ?? changedWhileUploading(job.file, job.key);
    if (error instanceof StoreError && error.kind === 'bad-digest' && (await rangeChanged(job, range, sha256))) {
      throw changedWhileUploading(job.file, job.key);
    }
    throw error;
  } finally {
    outer?.removeEventListener('abort', cancel);
  }
}

/** True when the file's bytes in `range` no longer hash to `sha256` (or can no longer be read). */
async function rangeChanged(job: UploadJob, range: { start: number; end: number }, sha256: string): Promise<boolean> {
  const now = await sha256File(job.path, { ...range, ...(job.ctx.signal ? { signal: job.ctx.signal } : {}) }).catch(
    () => undefined,
  );
  return now !== sha256;
}

async function uploadMultipart(job: UploadJob): Promise<Uploaded> {
  const { key, file, ctx } = job;
  const partSize = partSizeFor(file.size, ctx.spec);
  const hashes = await ctx.hashing(() => hashFileParts(job.path, file.size, partSize, ctx.signal));
  if (hashes === 'changed' || !(await job.unchanged())) throw changedWhileUploading(file, key);
  const resumed = await resumable(job, hashes, partSize);
  const journal = ctx.journal;
  const bucket = ctx.store.bucket;
  const entry = {
    bucket,
    key,
    size: file.size,
    mtimeMs: file.mtimeMs,
    sha256: hashes.sha256,
    partSize,
    startedMs: Date.now(),
    parts: {},
  };
  // The intent first: a kill between CreateMultipartUpload and the next journal write leaves an
  // upload the next sync still knows as its own (cleanOrphanUploads), not a stranger's for 24 h.
  if (!resumed) await journal?.put({ ...entry, uploadId: '' });
  const uploadId =
    resumed?.uploadId ??
    (await withRetry(
      () => ctx.store.createMultipart(key, metadata(hashes.sha256, file.mtimeMs), ctx.signal),
      retry(ctx),
    ));
  if (!resumed) await journal?.put({ ...entry, uploadId });
  // One part that fails (its bytes changed, S3 refused it) cancels the parts still in flight.
  const partsController = new AbortController();
  // Every part in flight listens to it (through the SDK): more than Node's default 10 is expected.
  setMaxListeners(ctx.spec.concurrency + 10, partsController.signal);
  const stopParts = () => partsController.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', stopParts, { once: true });
  const partJob: UploadJob = { ...job, ctx: { ...ctx, signal: partsController.signal } };
  try {
    const parts = await Promise.all(
      hashes.parts.map(async (partSha256, index) => {
        const start = index * partSize;
        const end = Math.min(file.size, start + partSize) - 1;
        const reused = resumed?.parts.get(index + 1);
        if (reused) {
          ctx.onBytes(end - start + 1);
          return { partNumber: index + 1, etag: reused };
        }
        const etag = await ctx
          .requests(() => {
            partsController.signal.throwIfAborted();
            return withRetry(
              () =>
                sendFromFile(partJob, { start, end }, partSha256, (body, signal) =>
                  ctx.store.uploadPart(key, uploadId, index + 1, body, partSha256, signal),
                ),
              syncRetry(partsController.signal),
            );
          })
          .catch((error: unknown) => {
            partsController.abort(error);
            throw error;
          });
        // Outside the request slot: the journal's write (fsynced) need not keep the next part waiting.
        await journal?.addPart(bucket, key, uploadId, index + 1, { sha256: partSha256, etag });
        ctx.onBytes(end - start + 1);
        return { partNumber: index + 1, etag };
      }),
    );
    // Every part is the bytes hashed into the metadata; completing is safe only if the file is
    // still the version they came from.
    if (!(await job.unchanged())) throw changedWhileUploading(file, key);
    await withRetry(() => ctx.store.completeMultipart(key, uploadId, parts, ctx.signal), retry(ctx));
  } catch (caught) {
    // The first part's failure is the cause; the parts it cancelled only echo it.
    const error = partsController.signal.aborted && !ctx.signal?.aborted ? partsController.signal.reason : caught;
    // Kept for the next sync to resume only when nothing is wrong with the parts: a cancelled
    // sync or an outage that outlasted the retries. Anything else is billed storage nobody sees.
    if (!journal || !resumableAfter(error, ctx.signal)) {
      await ctx.store.abortMultipart(key, uploadId).catch(() => undefined);
      await journal?.remove(bucket, key, uploadId);
    }
    throw error;
  } finally {
    ctx.signal?.removeEventListener('abort', stopParts);
  }
  await journal?.remove(bucket, key, uploadId);
  // Some servers (Ceph) return an empty ETag on completion; HEAD tells the real one.
  const head = await withRetry(() => ctx.store.head(key, ctx.signal), retry(ctx));
  return { etag: head.etag, sha256: hashes.sha256, size: file.size, mtimeMs: file.mtimeMs };
}

function resumableAfter(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof StoreError && error.kind === 'transient');
}

/**
 * The upload this machine left unfinished for exactly this file version, with the parts S3
 * still holds that are byte-for-byte the local ones: same part number, size and ETag as
 * when S3 accepted them, and the local bytes' SHA-256 is the one they had then. An upload
 * of another version is aborted (its parts would mix two versions).
 */
async function resumable(
  job: UploadJob,
  hashes: PartHashes,
  partSize: number,
): Promise<{ uploadId: string; parts: Map<number, string> } | undefined> {
  const { ctx, file, key } = job;
  const entry = ctx.journal?.find(ctx.store.bucket, key);
  // An intent (no upload id) has nothing to resume: the orphan clean-up aborts its upload, if S3 made one.
  if (!entry || !entry.uploadId || !ctx.store.listParts) return undefined;
  const sameVersion =
    entry.size === file.size &&
    entry.mtimeMs === file.mtimeMs &&
    entry.sha256 === hashes.sha256 &&
    entry.partSize === partSize;
  const listed = sameVersion
    ? await withRetry(() => ctx.store.listParts!(key, entry.uploadId, ctx.signal), retry(ctx)).catch(
        (error: unknown) =>
          error instanceof StoreError && error.kind === 'not-found' ? undefined : Promise.reject(error),
      )
    : undefined;
  if (!listed) {
    if (!sameVersion) await ctx.store.abortMultipart(key, entry.uploadId).catch(() => undefined);
    await ctx.journal!.remove(ctx.store.bucket, key, entry.uploadId);
    return undefined;
  }
  const parts = new Map<number, string>();
  for (const part of listed) {
    const sent = entry.parts[String(part.partNumber)];
    const expectedSize = Math.min(file.size, part.partNumber * partSize) - (part.partNumber - 1) * partSize;
    if (
      sent &&
      sent.etag === part.etag &&
      sent.sha256 === hashes.parts[part.partNumber - 1] &&
      part.size === expectedSize
    ) {
      parts.set(part.partNumber, part.etag);
    }
  }
  return { uploadId: entry.uploadId, parts };
}
