import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { LocalFile } from '../../shared/sync/types';
import { sha256Buffer, sha256File } from './hash-file';
import { mtimeOf } from './local-files';
import type { Limiter } from './limiter';
import { META_MTIME, META_SHA256, type ObjectStore } from './object-store';
import { syncRetry, withRetry } from './retry';
import { partSizeFor, type SyncSpec } from './sync-spec';

/** Files up to this size are read into memory once: one read for hashes and body, trivial retries. */
const IN_MEMORY_MAX = 1024 * 1024;

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
  signal?: AbortSignal;
  onBytes: (bytes: number) => void;
}

/**
 * Uploads one file with its SHA-256 and mtime recorded as metadata. Every request is signed
 * with the SHA-256 of its body, so S3 itself rejects bytes that differ from what was hashed
 * (re-read and retried). The size and mtime the plan saw are checked again afterwards: a file
 * that changed meanwhile fails instead of being recorded with the wrong hash.
 */
export async function uploadFile(path: string, key: string, file: LocalFile, ctx: UploadContext): Promise<Uploaded> {
  const result =
    file.size >= ctx.spec.multipartThreshold
      ? await uploadMultipart(path, key, file.size, file.mtimeMs, ctx)
      : await uploadSingle(path, key, file.size, file.mtimeMs, ctx);
  const after = await stat(path);
  if (after.size !== file.size || mtimeOf(after) !== file.mtimeMs) {
    throw new Error(`${file.relPath} changed while it was uploading; push again once it is no longer being written`);
  }
  return result;
}

const metadata = (sha256: string, mtimeMs: number) => ({ [META_SHA256]: sha256, [META_MTIME]: String(mtimeMs) });
const retry = (ctx: UploadContext) => syncRetry(ctx.signal);
const signal = (ctx: UploadContext) => (ctx.signal ? { signal: ctx.signal } : {});

async function uploadSingle(
  path: string,
  key: string,
  size: number,
  mtimeMs: number,
  ctx: UploadContext,
): Promise<Uploaded> {
  if (size <= IN_MEMORY_MAX) {
    const buffer = await readFile(path, signal(ctx));
    const sha256 = sha256Buffer(buffer);
    const etag = await ctx.requests(() =>
      withRetry(
        () =>
          ctx.store.put({ key, body: { buffer }, bodySha256: sha256, metadata: metadata(sha256, mtimeMs) }, ctx.signal),
        retry(ctx),
      ),
    );
    ctx.onBytes(buffer.length);
    return { etag, sha256, size: buffer.length, mtimeMs };
  }
  const sha256 = await sha256File(path, signal(ctx));
  const etag = await ctx.requests(() =>
    withRetry(
      () =>
        ctx.store.put(
          {
            key,
            body: { stream: () => createReadStream(path, { highWaterMark: 1024 * 1024 }), length: size },
            bodySha256: sha256,
            metadata: metadata(sha256, mtimeMs),
          },
          ctx.signal,
        ),
      retry(ctx),
    ),
  );
  ctx.onBytes(size);
  return { etag, sha256, size, mtimeMs };
}

async function uploadMultipart(
  path: string,
  key: string,
  size: number,
  mtimeMs: number,
  ctx: UploadContext,
): Promise<Uploaded> {
  const sha256 = await sha256File(path, signal(ctx));
  const uploadId = await withRetry(
    () => ctx.store.createMultipart(key, metadata(sha256, mtimeMs), ctx.signal),
    retry(ctx),
  );
  try {
    const partSize = partSizeFor(size, ctx.spec);
    const count = Math.ceil(size / partSize);
    const parts = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        ctx.requests(async () => {
          const start = index * partSize;
          const end = Math.min(size, start + partSize) - 1;
          const partSha256 = await sha256File(path, { start, end, ...signal(ctx) });
          const etag = await withRetry(
            () =>
              ctx.store.uploadPart(
                key,
                uploadId,
                index + 1,
                {
                  stream: () => createReadStream(path, { start, end, highWaterMark: 1024 * 1024 }),
                  length: end - start + 1,
                },
                partSha256,
                ctx.signal,
              ),
            retry(ctx),
          );
          ctx.onBytes(end - start + 1);
          return { partNumber: index + 1, etag };
        }),
      ),
    );
    await withRetry(() => ctx.store.completeMultipart(key, uploadId, parts, ctx.signal), retry(ctx));
  } catch (error) {
    // An unfinished multipart upload is billed storage nobody sees: always abort it.
    await ctx.store.abortMultipart(key, uploadId).catch(() => undefined);
    throw error;
  }
  // Some servers (Ceph) return an empty ETag on completion; HEAD tells the real one.
  const head = await withRetry(() => ctx.store.head(key, ctx.signal), retry(ctx));
  return { etag: head.etag, sha256, size, mtimeMs };
}
