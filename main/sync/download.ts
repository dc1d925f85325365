import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { RemoteObject } from '../../shared/sync/types';
import type { ObjectHead, ObjectStore } from '../aws/ports/object-store';
import { sha256Buffer, sha256File } from './hash-file';
import { targetInside } from './inside-root';
import type { Limiter } from './limiter';
import { metadataDetails } from './remote-details';
import { syncRetry, withRetry } from './retry';
import { partSizeFor, type SyncSpec } from './sync-spec';

/** What a download leaves behind. */
export interface Downloaded {
  etag: string;
  sha256: string;
  size: number;
  mtimeMs: number;
  /** False when S3 sent the object as stored without SSE-C. */
  encrypted?: false;
  /** The object had no TrainDeck SHA-256: `sha256` was learned by this download (a write-back candidate). */
  learned?: true;
}

/** Shared by every download of one execution. */
export interface DownloadContext {
  store: ObjectStore;
  spec: SyncSpec;
  requests: Limiter;
  signal?: AbortSignal;
  onBytes: (bytes: number) => void;
  /** Folders already created and checked in this execution (saves syscalls per file). */
  createdDirs?: Set<string>;
}

/** Where one folder's downloads go: its real root, and the temp folder for their partial files. */
export interface DownloadFolder {
  realRoot: string;
  tempDir: string;
}

/** Marks the temp files of downloads in progress (they live only in the engine's temp folder). */
const PARTIAL_SUFFIX = '.partial';

/** Ranged downloads write in batches of this size. */
const WRITE_BATCH = 1024 * 1024;

/** Objects up to this size are received into memory and written with one call. */
const IN_MEMORY_MAX = 1024 * 1024;

/** A downloaded file whose bytes do not match what S3 recorded for it. */
class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

/**
 * Downloads into a temp file of the engine's temp folder (never beside user files, never named
 * after them), checks size and SHA-256 of what was written against the object's recorded hash,
 * restores the mtime, then renames into place through the one inside-the-folder gate: an
 * interrupted or corrupt download never leaves a truncated or wrong file under the real name,
 * and no file lands outside the folder.
 */
export async function downloadFile(
  folder: DownloadFolder,
  relPath: string,
  remote: RemoteObject,
  ctx: DownloadContext,
): Promise<Downloaded> {
  const temp = join(folder.tempDir, `${randomUUID()}${PARTIAL_SUFFIX}`);
  try {
    const download =
      remote.size >= ctx.spec.multipartThreshold
        ? rangedDownload
        : remote.size <= IN_MEMORY_MAX
          ? smallDownload
          : singleDownload;
    const { head, sha256 } = await download(temp, remote, ctx);
    const recorded = metadataDetails(head);
    if (head.size !== remote.size && remote.size > 0) {
      throw new IntegrityError(`${remote.key}: S3 sent ${head.size} bytes, the listing said ${remote.size}`);
    }
    if (recorded.sha256 && recorded.sha256 !== sha256) {
      throw new IntegrityError(
        `${remote.key} is corrupt: its SHA-256 is ${sha256.slice(0, 12)}…, S3 recorded ${recorded.sha256.slice(0, 12)}… (the object was changed outside TrainDeck or damaged)`,
      );
    }
    const mtimeMs = recorded.mtimeMs ?? head.lastModifiedMs;
    await utimes(temp, new Date(), new Date(mtimeMs));
    await rename(temp, await targetInside(folder.realRoot, relPath, ctx.createdDirs));
    return {
      etag: head.etag,
      sha256,
      size: head.size,
      mtimeMs,
      ...(head.encrypted === false || remote.encrypted === false ? { encrypted: false as const } : {}),
      ...(recorded.sha256 ? {} : { learned: true as const }),
    };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const retry = (ctx: DownloadContext) => syncRetry(ctx.signal);

/** One GET of a small object into memory, hashed, then written with one call. */
async function smallDownload(
  temp: string,
  remote: RemoteObject,
  ctx: DownloadContext,
): Promise<{ head: ObjectHead; sha256: string }> {
  return ctx.requests(() =>
    withRetry(async () => {
      const { body, head } = await ctx.store.get(remote.key, undefined, ctx.signal);
      const chunks: Buffer[] = [];
      for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
      const bytes = Buffer.concat(chunks);
      await writeFile(temp, bytes, ctx.signal ? { signal: ctx.signal } : {});
      ctx.onBytes(bytes.length);
      return { head, sha256: sha256Buffer(bytes) };
    }, retry(ctx)),
  );
}

/** One GET, hashed as it is written. A retry starts the file over. */
async function singleDownload(
  temp: string,
  remote: RemoteObject,
  ctx: DownloadContext,
): Promise<{ head: ObjectHead; sha256: string }> {
  return ctx.requests(() =>
    withRetry(async () => {
      const { body, head } = await ctx.store.get(remote.key, undefined, ctx.signal);
      const hash = createHash('sha256');
      let counted = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          counted += chunk.length;
          ctx.onBytes(chunk.length);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(body, meter, createWriteStream(temp), ctx.signal ? { signal: ctx.signal } : {});
      } catch (error) {
        ctx.onBytes(-counted); // the retry starts over: keep progress exact
        throw error;
      }
      return { head, sha256: hash.digest('hex') };
    }, retry(ctx)),
  );
}

/** Parallel ranged GETs written at their offsets, then one hashing pass over what is on disk. */
async function rangedDownload(
  temp: string,
  remote: RemoteObject,
  ctx: DownloadContext,
): Promise<{ head: ObjectHead; sha256: string }> {
  const partSize = partSizeFor(remote.size, ctx.spec);
  const count = Math.ceil(remote.size / partSize);
  const handle = await open(temp, 'w');
  let head: ObjectHead | undefined;
  try {
    await handle.truncate(remote.size);
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        ctx.requests(() =>
          withRetry(async () => {
            const start = index * partSize;
            const end = Math.min(remote.size, start + partSize) - 1;
            const part = await ctx.store.get(remote.key, { start, end }, ctx.signal);
            if (part.head.etag !== remote.etag) {
              throw new IntegrityError(`${remote.key} changed in S3 while it was downloading; pull again`);
            }
            head ??= part.head;
            let position = start;
            let pending: Buffer[] = [];
            let pendingBytes = 0;
            // Socket chunks are ~64 KiB; gathering them into larger writes saves thousands of
            // thread-pool round trips per GiB (memory stays bounded: WRITE_BATCH per range in flight).
            const flush = async () => {
              if (pendingBytes === 0) return;
              const batch = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
              await handle.write(batch, 0, batch.length, position);
              position += batch.length;
              ctx.onBytes(batch.length);
              pending = [];
              pendingBytes = 0;
            };
            try {
              for await (const chunk of part.body as AsyncIterable<Buffer>) {
                pending.push(chunk);
                pendingBytes += chunk.length;
                if (pendingBytes >= WRITE_BATCH) await flush();
              }
              await flush();
              if (position !== end + 1) {
                throw Object.assign(new Error(`short read of ${remote.key} bytes ${start}-${end}`), {
                  code: 'ECONNRESET',
                });
              }
            } catch (error) {
              ctx.onBytes(start - position); // the retry rewrites this range: keep progress exact
              throw error;
            }
          }, retry(ctx)),
        ),
      ),
    );
  } finally {
    await handle.close();
  }
  const sha256 = await sha256File(temp, ctx.signal ? { signal: ctx.signal } : {});
  return { head: { ...head!, size: remote.size }, sha256 };
}
