import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

/** Reading in 1 MiB chunks keeps hashing fast and memory flat, whatever the file size. */
const READ_CHUNK = 1024 * 1024;

/** The SHA-256 of a whole file and of each of its parts, from one read of exactly `size` bytes. */
export interface PartHashes {
  sha256: string;
  parts: string[];
}

/**
 * Hashes `size` bytes of a file in one pass: the whole (recorded as the object's metadata) and
 * each `partSize` slice (what each part must be). Fewer bytes than `size` means the file shrank.
 */
export async function hashFileParts(
  path: string,
  size: number,
  partSize: number,
  signal?: AbortSignal,
): Promise<PartHashes | 'changed'> {
  const whole = createHash('sha256');
  const parts: string[] = [];
  let part = createHash('sha256');
  let inPart = 0;
  let read = 0;
  if (size === 0) return { sha256: whole.digest('hex'), parts: [] };
  for await (const data of createReadStream(path, {
    end: size - 1,
    highWaterMark: READ_CHUNK,
    ...(signal ? { signal } : {}),
  })) {
    let chunk = data as Buffer;
    whole.update(chunk);
    read += chunk.length;
    while (chunk.length) {
      const take = Math.min(chunk.length, partSize - inPart);
      part.update(chunk.subarray(0, take));
      inPart += take;
      chunk = chunk.subarray(take);
      if (inPart === partSize) {
        parts.push(part.digest('hex'));
        part = createHash('sha256');
        inPart = 0;
      }
    }
  }
  if (read !== size) return 'changed';
  if (inPart) parts.push(part.digest('hex'));
  return { sha256: whole.digest('hex'), parts };
}

/**
 * A file range as a request body that can only ever deliver the bytes that were hashed: it
 * hashes what it reads and holds the last chunk back until the hash matches `expectedSha256`
 * and `beforeLastChunk` agrees (the file's size and mtime are still the plan's). On a mismatch
 * or a read error it calls `onMismatch` (which must abort the request) and never sends the last chunk, so the
 * server never receives a complete body that differs from what the metadata says.
 */
export function verifiedFileStream(
  path: string,
  range: { start: number; end: number },
  expectedSha256: string,
  checks: { beforeLastChunk?: () => Promise<boolean>; onMismatch: (readError?: Error) => void },
): Transform {
  const hash = createHash('sha256');
  let pending: Buffer | undefined;
  const source = createReadStream(path, { ...range, highWaterMark: READ_CHUNK });
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      hash.update(chunk);
      if (pending) this.push(pending);
      pending = chunk;
      done();
    },
    flush(done: TransformCallback) {
      const matches = hash.digest('hex') === expectedSha256;
      const check = matches && checks.beforeLastChunk ? checks.beforeLastChunk() : Promise.resolve(matches);
      void check.then(
        (ok) => {
          if (!ok) {
            checks.onMismatch();
            return done();
          }
          if (pending) this.push(pending);
          done();
        },
        (error: Error) => done(error),
      );
    },
  });
  // A read error must also stop the request: a body that just ends early would leave it waiting for bytes.
  source.on('error', (error) => {
    checks.onMismatch(error);
    verifier.destroy(error);
  });
  verifier.on('close', () => source.destroy());
  return source.pipe(verifier);
}
