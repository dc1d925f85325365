import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Digests of a file (or a byte range of it), read once. */
export interface FileDigests {
  sha256: string;
  /** Base64, as Content-MD5 wants it. */
  md5?: string;
}

/** Reading in 1 MiB chunks keeps hashing fast and memory flat, whatever the file size. */
const READ_CHUNK = 1024 * 1024;

/** SHA-256 (hex) and optionally MD5 (base64) of a file or of bytes [start, end]. */
export async function hashFile(path: string, options: { md5?: boolean; start?: number; end?: number; signal?: AbortSignal } = {}): Promise<FileDigests> {
  const sha = createHash('sha256');
  const md5 = options.md5 ? createHash('md5') : undefined;
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK, ...(options.start !== undefined ? { start: options.start } : {}), ...(options.end !== undefined ? { end: options.end } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  for await (const chunk of stream) {
    sha.update(chunk as Buffer);
    md5?.update(chunk as Buffer);
  }
  return { sha256: sha.digest('hex'), ...(md5 ? { md5: md5.digest('base64') } : {}) };
}

/** MD5 (base64) of a byte range; the Content-MD5 of one multipart part. */
export async function md5OfRange(path: string, start: number, end: number, signal?: AbortSignal): Promise<string> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path, { start, end, highWaterMark: READ_CHUNK, ...(signal ? { signal } : {}) })) md5.update(chunk as Buffer);
  return md5.digest('base64');
}

/** Digests of bytes already in memory. */
export function hashBuffer(buffer: Buffer): Required<FileDigests> {
  return { sha256: createHash('sha256').update(buffer).digest('hex'), md5: createHash('md5').update(buffer).digest('base64') };
}
