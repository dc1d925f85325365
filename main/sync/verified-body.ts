import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/** Reading in 1 MiB chunks keeps hashing fast and memory flat, whatever the file size. */
const READ_CHUNK = 1024 * 1024;

/** The SHA-256 of a whole file and of each of its parts, from one read of exactly `size` bytes. */
export interface PartHashes {
  sha256: string;
  parts: string[];
}

/**
 * Hashes `size` bytes of a file in one pass: the whole (recorded as the object's metadata) and
 * each `partSize` slice (what each part must be, signed as its payload hash). Fewer bytes than
 * `size` means the file shrank. Two buffers alternate, reused for the whole file: the next read
 * runs on libuv's thread while this one is hashed, and no chunk is allocated per read (a fresh
 * 1 MiB buffer per chunk made the garbage collector a sixth of an upload's profile).
 */
export async function hashFileParts(
  path: string,
  size: number,
  partSize: number,
  signal?: AbortSignal,
): Promise<PartHashes | 'changed'> {
  const whole = createHash('sha256');
  const parts: string[] = [];
  if (size === 0) return { sha256: whole.digest('hex'), parts };
  signal?.throwIfAborted();
  // One part (a single PUT's body) is the whole: hashing it twice would be for nothing.
  const onePart = partSize >= size;
  let part = createHash('sha256');
  let inPart = 0;
  const handle = await open(path, 'r');
  const buffers = [Buffer.allocUnsafeSlow(READ_CHUNK), Buffer.allocUnsafeSlow(READ_CHUNK)];
  const readAt = (position: number, into: Buffer) =>
    handle.read(into, 0, Math.min(READ_CHUNK, size - position), position);
  let next: ReturnType<typeof readAt> | undefined = readAt(0, buffers[0]!);
  try {
    let position = 0;
    for (let turn = 0; position < size; turn++) {
      const { bytesRead, buffer } = await next!;
      next = undefined;
      if (bytesRead === 0) return 'changed';
      position += bytesRead;
      signal?.throwIfAborted();
      if (position < size) next = readAt(position, buffers[(turn + 1) % 2]!);
      let chunk = buffer.subarray(0, bytesRead);
      whole.update(chunk);
      while (!onePart && chunk.length) {
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
  } finally {
    // A read still in flight (abort) must land before its handle closes.
    await next?.catch(() => undefined);
    await handle.close();
  }
  const sha256 = whole.digest('hex');
  if (onePart) return { sha256, parts: [sha256] };
  if (inPart) parts.push(part.digest('hex'));
  return { sha256, parts };
}

/**
 * A file range as a request body: its bytes as they are on disk now, and a failed request if
 * the file has fewer (it shrank, or a read failed): `onShort` is called and must abort the
 * request, since a body that just ends early would leave it waiting for bytes.
 *
 * The bytes are not hashed again here. The request is signed with the SHA-256 that
 * {@link hashFileParts} computed (x-amz-content-sha256), and S3 refuses a body that differs
 * from it (XAmzContentSHA256Mismatch, kind `bad-digest`): bytes changed on disk since the
 * hashing pass never become the object or a part of it. The uploader then tells a changed file
 * from bytes damaged in transit by hashing the range again (only on that error).
 */
export function fileRangeStream(
  path: string,
  range: { start: number; end: number },
  onShort: (readError?: Error) => void,
): Readable {
  const source = createReadStream(path, { ...range, highWaterMark: READ_CHUNK });
  // Registered before the HTTP layer pipes the stream: a short body is aborted before it is ended.
  source.once('end', () => {
    if (source.bytesRead !== range.end - range.start + 1) onShort();
  });
  source.once('error', (error) => onShort(error));
  return source;
}
