import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Reading in 1 MiB chunks keeps hashing fast and memory flat, whatever the file size. */
const READ_CHUNK = 1024 * 1024;

/** Hex SHA-256 of a file, or of its bytes [start, end] (one multipart part). */
export async function sha256File(
  path: string,
  options: { start?: number; end?: number; signal?: AbortSignal } = {},
): Promise<string> {
  const sha = createHash('sha256');
  const range = {
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.end !== undefined ? { end: options.end } : {}),
  };
  for await (const chunk of createReadStream(path, {
    highWaterMark: READ_CHUNK,
    ...range,
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    sha.update(chunk as Buffer);
  }
  return sha.digest('hex');
}

/** Hex SHA-256 of bytes in memory. */
export function sha256Buffer(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}
