import { createHash, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type FileHandle, open, rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { RemoteObject } from '../../shared/sync/types';
import type { BodySink, ObjectHead, ObjectStore, RangeAnswer } from '../aws/ports/object-store';
import { DownloadBuffers } from './download-buffers';
import { sha256Buffer } from './hash-file';
import type { HashThread } from './hash-thread';
import { inTempFolder, writeInside } from './inside-root';
import { landWholeFile } from './land-whole-file';
import type { Limiter } from './limiter';
import { OrderedHash } from './ordered-hash';
import { metadataDetails } from './remote-details';
import { syncRetry, withRetry } from './retry';
import { partSizeFor, SYNC_DEFAULTS, type SyncSpec } from './sync-spec';

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
  /** The memory budget shared by the execution's ranged downloads (else one per download). */
  buffers?: DownloadBuffers;
  /** Where ranged downloads are hashed, if not on this thread (see {@link HashThread}). */
  hashThread?: HashThread;
  /**
   * Told the key of an object whose GET S3 answered without SSE-C, whether its download then
   * succeeds or fails (a fresh pull makes no HEAD: the GET is the only one to see it).
   */
  onStoredPlain?: (key: string) => void;
}

/** Where one folder's downloads go: its real root, and the temp folder for their partial files. */
export interface DownloadFolder {
  realRoot: string;
  tempDir: string;
}

/** Marks the temp files of downloads in progress (they live only in the engine's temp folder). */
const PARTIAL_SUFFIX = '.partial';

/**
 * Downloads from the multipart threshold come in ranges of this many upload parts (32 MiB at the
 * defaults): fewer requests than parts, as each costs a round trip and client CPU.
 */
const PARTS_PER_RANGE = 4;

/**
 * Ranges in flight per file: one ahead of the hash cursor (hides each request's round trip) for
 * files of at least this many ranges; smaller files come as one stream at a time (other files
 * run in parallel). Measured on 2 cores: four parallel 8 MiB ranges cost ~25 % more client CPU
 * per GiB than one stream, and the cores are shared with the S3 server.
 */
const PARALLEL_FROM_RANGES = 4;

/**
 * Slab writes end this many bytes before each multiple of the slab size in the file, never on it.
 * A write that covers a whole slab-aligned MiB of the file gets a 1 MiB page-cache folio from Linux
 * (6.x, ext4's large folios), and where free memory is fragmented the kernel splits 2-4 MiB blocks
 * for it that a VM guest has handed back to its host (virtio-balloon free page reporting): every page
 * is then faulted in by the host inside the write's copy. Measured on the 2-core VM, 1 GiB pulled:
 * 1.8-3.0 s of system time with aligned slabs, 0.9-1.5 s with this shift (its folios are at most
 * 512 KiB, from the guest's own free memory). Issue 16's regression of 461748a (before it, writes
 * were batches of socket chunks, unaligned by chance); bench/sync/README.md has the figures.
 */
const SLAB_GRID_SHIFT = 4096;

/** Bytes from `offset` to the slab grid's next line (see {@link SLAB_GRID_SHIFT}): what one slab there holds. */
function slabRoom(offset: number, slabBytes: number): number {
  return slabBytes - ((offset + SLAB_GRID_SHIFT) % slabBytes);
}

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
  // The temp folder is held open: checked once, then never reached through a link (inTempFolder).
  return inTempFolder(folder.tempDir, (tempDir) => downloadThrough(tempDir, folder, relPath, remote, ctx));
}

async function downloadThrough(
  tempDir: string,
  folder: DownloadFolder,
  relPath: string,
  remote: RemoteObject,
  ctx: DownloadContext,
): Promise<Downloaded> {
  const temp = join(tempDir, `${randomUUID()}${PARTIAL_SUFFIX}`);
  try {
    if (remote.size < ctx.spec.multipartThreshold && remote.size <= IN_MEMORY_MAX) {
      // Checked in memory before a byte is written: a corrupt object never touches the disk.
      const { head, sha256, bytes } = await smallDownload(remote, ctx);
      const done = checked(remote, head, sha256);
      await writeInside(folder.realRoot, relPath, (target) =>
        landWholeFile(temp, bytes, done.mtimeMs, target, ctx.signal),
      );
      return done;
    }
    const download = remote.size >= ctx.spec.multipartThreshold ? rangedDownload : singleDownload;
    const { head, sha256 } = await download(temp, remote, ctx);
    const done = checked(remote, head, sha256);
    await utimes(temp, new Date(), new Date(done.mtimeMs));
    await writeInside(folder.realRoot, relPath, (target) => rename(temp, target));
    return done;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** What a download of `remote` leaves behind once its size and SHA-256 match what S3 recorded; else throws. */
function checked(remote: RemoteObject, head: ObjectHead, sha256: string): Downloaded {
  const recorded = metadataDetails(head);
  if (head.size !== remote.size && remote.size > 0) throw sizeChanged(remote, head.size);
  if (recorded.sha256 && recorded.sha256 !== sha256) {
    throw new IntegrityError(
      `${remote.key} is corrupt: its SHA-256 is ${sha256.slice(0, 12)}…, S3 recorded ${recorded.sha256.slice(0, 12)}… (the object was changed outside TrainDeck or damaged)`,
    );
  }
  return {
    etag: head.etag,
    sha256,
    size: head.size,
    mtimeMs: recorded.mtimeMs ?? head.lastModifiedMs,
    ...(head.encrypted === false || remote.encrypted === false ? { encrypted: false as const } : {}),
    ...(recorded.sha256 ? {} : { learned: true as const }),
  };
}

function sizeChanged(remote: RemoteObject, size: number): IntegrityError {
  return new IntegrityError(`${remote.key}: S3 sent ${size} bytes, the listing said ${remote.size}`);
}

const retry = (ctx: DownloadContext) => syncRetry(ctx.signal);

/**
 * One GET of a small object into one buffer of its announced size, hashed. An answer whose size
 * is not the listing's fails before its body is read (the object changed: no unbounded buffer).
 * Read whole by the store where it can (`getWhole`: no stream per object), else from `get`'s body.
 */
async function smallDownload(
  remote: RemoteObject,
  ctx: DownloadContext,
): Promise<{ head: ObjectHead; sha256: string; bytes: Buffer }> {
  return ctx.requests(() =>
    withRetry(async () => {
      const whole = remote.size > 0 ? await ctx.store.getWhole?.(remote.key, remote.size, ctx.signal) : undefined;
      if (whole) {
        const { head, bytes } = whole;
        if (head.encrypted === false) ctx.onStoredPlain?.(remote.key);
        // Another size than listed: the store did not read its body.
        if (!bytes || head.size !== remote.size) throw sizeChanged(remote, head.size);
        ctx.onBytes(bytes.length);
        return { head, sha256: sha256Buffer(bytes), bytes };
      }
      const { body, head } = await getObject(ctx, remote.key, undefined, ctx.signal);
      if ((head.size !== remote.size && remote.size > 0) || head.size > IN_MEMORY_MAX) {
        body.destroy();
        throw sizeChanged(remote, head.size);
      }
      const bytes = Buffer.allocUnsafe(head.size);
      let received = 0;
      await readBody(body, remote.key, (chunk) => {
        // More than announced: a broken answer, retried like a short one.
        if (received + chunk.length > bytes.length) throw shortBody(remote.key, received + chunk.length, head.size);
        received += chunk.copy(bytes, received);
      });
      // A body that ended before the size S3 announced is a broken transfer, not the object:
      // without a recorded SHA-256 nothing else would tell.
      if (received !== head.size) throw shortBody(remote.key, received, head.size);
      ctx.onBytes(received);
      return { head, sha256: sha256Buffer(bytes), bytes };
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
      const { body, head } = await getObject(ctx, remote.key, undefined, ctx.signal);
      // As for a small object: an answer of another size fails before its body reaches the disk.
      if (head.size !== remote.size) {
        body.destroy();
        throw sizeChanged(remote, head.size);
      }
      const hash = createHash('sha256');
      let counted = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          // More than announced (a body running past its Content-Length): a broken server, not a flaky one.
          if (counted + chunk.length > head.size) {
            return callback(
              new IntegrityError(`S3 sent more than the ${head.size} bytes it announced for ${remote.key}`),
            );
          }
          hash.update(chunk);
          counted += chunk.length;
          ctx.onBytes(chunk.length);
          callback(null, chunk);
        },
      });
      try {
        await pipeline(body, meter, createWriteStream(temp), ctx.signal ? { signal: ctx.signal } : {});
        if (counted !== head.size) throw shortBody(remote.key, counted, head.size);
      } catch (error) {
        ctx.onBytes(-counted); // the retry starts over: keep progress exact
        throw error;
      }
      return { head, sha256: hash.digest('hex') };
    }, retry(ctx)),
  );
}

/**
 * Parallel ranged GETs written at their offsets and hashed in order as they arrive (no second
 * pass over the file). A range starts only once the range `window` parts before it is hashed.
 * Every byte passes through a slab of the sync's {@link DownloadBuffers}: one write per slab,
 * made while the socket is read into the next slab (at most one write in flight per range), its
 * bytes hashed during the write at the hash cursor, or held by the hash once written until the
 * gap before them is filled, so the bytes of all ranged downloads together stay within the one
 * budget; a failed write fails the download for good (its bytes may be hashed). A part that fails
 * resumes where its last written slab ended (same object version: the ETag is checked on every
 * answer); a part that gives up cancels the others, and every part has stopped and given its
 * slabs back before the file is closed and removed.
 */
async function rangedDownload(
  temp: string,
  remote: RemoteObject,
  ctx: DownloadContext,
): Promise<{ head: ObjectHead; sha256: string }> {
  const rangeSize = ctx.spec.partSize * PARTS_PER_RANGE;
  const partSize = Math.max(rangeSize, partSizeFor(remote.size, ctx.spec));
  const count = Math.ceil(remote.size / partSize);
  const window = count >= PARALLEL_FROM_RANGES ? 2 : 1;
  const buffers = ctx.buffers ?? new DownloadBuffers(ctx.spec.downloadBufferBytes ?? SYNC_DEFAULTS.downloadBufferBytes);
  const hash = new OrderedHash(remote.size, (held) => buffers.give(held), ctx.hashThread?.job());
  // Opened before anything listens to the caller's signal: a failed open leaves nothing behind.
  const handle = await open(temp, 'w');
  const parts = new AbortController();
  // Every range listens to it (waiting for the window or a buffer, or in flight): more than Node's default 10 is expected.
  setMaxListeners(count + 10, parts.signal);
  const stopParts = () => parts.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener('abort', stopParts, { once: true });
  if (ctx.signal?.aborted) stopParts();
  let head: ObjectHead | undefined;
  try {
    const fetchPart = async (index: number) => {
      const start = index * partSize;
      const end = Math.min(remote.size, start + partSize) - 1;
      let position = start; // everything before it is written and hashed (or held by the hash)
      let received = start; // where the slab being filled starts: `position` plus the slab being written
      let slab: Buffer | undefined;
      let filled = 0; // bytes of `slab` received, not yet written
      let writing: Promise<void> | undefined; // the one slab of this range being written (never rejects)
      let writeFailed: unknown;
      const atCursor = () => received === hash.hashed;
      const written = async () => {
        await writing;
        writing = undefined;
        if (writeFailed) throw writeFailed;
      };
      // Write-behind: the full slab is written while the socket is read into the next one (at most
      // one write in flight per range: disk back-pressure). At the hash cursor its bytes are hashed
      // during the write and the slab comes back once written; ahead of the cursor the hash gets the
      // slab only once it is written, as the hash gives it back to the budget when the gap fills.
      const startWrite = () => {
        const bytes = slab!.subarray(0, filled);
        const at = received;
        slab = undefined;
        filled = 0;
        received += bytes.length;
        const hashedFirst = at === hash.hashed;
        let hashing: Promise<void> | undefined; // the hash (on another thread) still reads the slab
        // The slab goes back once written and hashed (a hash on another thread reads it in place).
        const giveBack = () => (hashing ? void hashing.then(() => buffers.give(bytes)) : buffers.give(bytes));
        if (hashedFirst) {
          try {
            hashing = hash.add(at, bytes);
          } catch (error) {
            buffers.give(bytes);
            throw error;
          }
        }
        const write: Promise<void> = writeAllAt(handle, bytes, at).then(
          () => {
            if (writing === write) writing = undefined;
            const held = !hashedFirst && at !== hash.hashed;
            try {
              if (!hashedFirst) hashing = hash.add(at, bytes);
            } catch (error) {
              giveBack();
              writeFailed ??= error;
              return;
            }
            if (!held) giveBack();
            position = at + bytes.length;
            ctx.onBytes(bytes.length);
          },
          (error: unknown) => {
            if (writing === write) writing = undefined;
            giveBack();
            writeFailed ??= error; // a disk error: the download fails for good (bytes may be hashed already)
          },
        );
        writing = write;
      };
      const flush = async () => {
        if (filled === 0) return;
        await written();
        startWrite();
      };
      /** {@link flush}, at once when no write is in flight (a body read into slabs goes on without a wait). */
      const flushSoon = (): Promise<void> | undefined => {
        if (filled === 0) return undefined;
        if (writing) return flush();
        if (writeFailed) throw writeFailed;
        startWrite();
        return undefined;
      };
      /** The slab's room up to the grid line (see SLAB_GRID_SHIFT) not yet filled. */
      const roomOf = (taken: Buffer) => {
        slab = taken;
        return taken.subarray(filled, slabRoom(received, taken.length));
      };
      // The body of a lean ranged answer is read straight into the slabs: rooms up to the grid line.
      const sink: BodySink = {
        room: () => {
          if (slab) return roomOf(slab);
          const now = buffers.takeNow(atCursor);
          return now ? roomOf(now) : buffers.take(parts.signal, atCursor).then(roomOf);
        },
        filled: (bytes) => {
          filled += bytes;
          try {
            return filled === slabRoom(received, slab!.length) ? flushSoon() : undefined;
          } catch (error) {
            writeFailed ??= error; // the hash refused the bytes, or a write failed: for good, as above
            throw error;
          }
        },
      };
      /** Reads a ranged answer from `store.getRange` into the slabs; a broken connection is retried, the sink's failure not. */
      const readDirect = async (answer: RangeAnswer) => {
        try {
          await answer.readInto(sink);
        } catch (error) {
          if (parts.signal.aborted || error === writeFailed) throw error;
          throw bodyStopped(remote.key, (error as Error).message, error);
        }
      };
      try {
        await withRetry(async () => {
          filled = 0; // a retry asks again from the end of the last written slab
          received = position;
          const range = { start: position, end };
          const part = await rangeAnswer(ctx, remote.key, range, parts.signal);
          if (part.head.etag !== remote.etag) {
            part.drop();
            throw new IntegrityError(`${remote.key} changed in S3 while it was downloading; pull again`);
          }
          head ??= part.head;
          try {
            if ('readInto' in part) await readDirect(part);
            else {
              await readBody(part.body, remote.key, async (chunk) => {
                if (received + filled + chunk.length > end + 1) {
                  throw new IntegrityError(`S3 sent more than bytes ${start}-${end} of ${remote.key}`);
                }
                // Copied, so the socket's chunks die young; the slab is written once it reaches the grid.
                for (let at = 0; at < chunk.length;) {
                  slab ??= await buffers.take(parts.signal, atCursor);
                  const room = slabRoom(received, slab.length);
                  const copied = chunk.copy(slab, filled, at, Math.min(chunk.length, at + room - filled));
                  filled += copied;
                  at += copied;
                  if (filled === room) await flush();
                }
              });
            }
            await flush();
            await written();
          } catch (error) {
            await writing; // the retry (or the caller's cleanup) starts from what is on disk
            throw writeFailed ?? error;
          }
          if (position !== end + 1) throw bodyStopped(remote.key, `it ended at byte ${position} of ${start}-${end}`);
        }, syncRetry(parts.signal));
      } finally {
        await writing;
        if (slab) buffers.give(slab);
      }
    };
    const settled = await Promise.allSettled(
      Array.from({ length: count }, async (_, index) => {
        try {
          // Wait for the window before taking a request slot: the parts it waits for already hold theirs.
          await hash.reached((index - window + 1) * partSize, parts.signal);
          await ctx.requests(() => (parts.signal.throwIfAborted(), fetchPart(index)));
        } catch (error) {
          parts.abort(error);
          throw error;
        }
      }),
    );
    if (settled.some((s) => s.status === 'rejected')) {
      throw ctx.signal?.aborted ? ctx.signal.reason : parts.signal.reason;
    }
    return { head: { ...head!, size: remote.size }, sha256: await hash.digest() };
  } finally {
    ctx.signal?.removeEventListener('abort', stopParts);
    // What a failed download still holds goes back to the budget, once no other thread reads it.
    await hash.discard();
    await handle.close();
  }
}

/** A GET of the object or a range of it; an answer without SSE-C is told to the context at once. */
async function getObject(
  ctx: DownloadContext,
  key: string,
  range: { start: number; end: number } | undefined,
  signal: AbortSignal | undefined,
): ReturnType<ObjectStore['get']> {
  const got = await ctx.store.get(key, range, signal);
  if (got.head.encrypted === false) ctx.onStoredPlain?.(key);
  return got;
}

/**
 * A ranged GET: read straight into memory where the store can (`getRange`), else as a stream (`get`).
 * `drop` gives the answer up unread. An answer without SSE-C is told to the context at once.
 */
async function rangeAnswer(
  ctx: DownloadContext,
  key: string,
  range: { start: number; end: number },
  signal: AbortSignal,
): Promise<(RangeAnswer | { head: ObjectHead; body: Readable }) & { drop: () => void }> {
  const direct = await ctx.store.getRange?.(key, range, signal);
  if (!direct) {
    const got = await getObject(ctx, key, range, signal);
    return { ...got, drop: () => got.body.destroy() };
  }
  if (direct.head.encrypted === false) ctx.onStoredPlain?.(key);
  return Object.assign(direct, { drop: () => direct.discard() });
}

/** Writes `bytes` at `position`, going on after a partial write. */
async function writeAllAt(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += (await handle.write(bytes, written, bytes.length - written, position + written)).bytesWritten;
  }
}

/**
 * Reads a response body chunk by chunk. The connection breaking mid-body (reset, the socket's
 * idle timeout on a stalled answer) is worth a retry whatever its error looks like; what `use`
 * throws (a disk error, too many bytes) is not.
 */
async function readBody(body: Readable, key: string, use: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  const chunks = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (error) {
      throw bodyStopped(key, (error as Error).message, error);
    }
    if (next.done) return;
    try {
      await use(next.value);
    } catch (error) {
      body.destroy();
      throw error;
    }
  }
}

/** A body that broke off: retryable like a reset connection. */
function bodyStopped(key: string, why: string, cause?: unknown): Error {
  return Object.assign(new Error(`the download of ${key} broke off (${why})`, { cause }), { code: 'ECONNRESET' });
}

/** A body that ended cleanly short of (or beyond) the size its answer announced: retried like a reset. */
function shortBody(key: string, received: number, announced: number): Error {
  return bodyStopped(key, `S3 sent ${received} of the ${announced} bytes it announced`);
}
