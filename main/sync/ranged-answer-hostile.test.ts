import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createS3Client } from '../aws/s3-client';
import { checkRangeAnswer } from '../aws/s3-content-range';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { downloadFile } from './download';
import { createLimiter } from './limiter';
import { SseKey } from './sse-key';
import { memorySpec } from './testing/memory-spec';

// Invariant: a ranged download writes at each offset the bytes of that offset, or fails; for an
// object without a recorded SHA-256 nothing else checks it, so the store checks that every ranged
// answer is the range asked for (Content-Range), before a byte of it is used.
type Answer = 'honest' | 'shifted' | 'whole' | 'no-content-range' | 'garbled' | 'long-length';

const SIZE = 200; // 4 ranges of 64 bytes at memorySpec's 16-byte parts
const object = randomBytes(SIZE);
let server: Server | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-range-'));
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A loopback S3 holding one object (SSE-C, no TrainDeck SHA-256) whose ranged GETs answer as `answer` says. */
async function serve(answer: Answer): Promise<string> {
  server = createServer((req, res) => {
    const headers = {
      etag: '"e"',
      'last-modified': 'Thu, 01 Jan 2026 00:00:00 GMT',
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    };
    const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!range || answer === 'whole') {
      res.writeHead(200, { ...headers, 'content-length': String(SIZE) });
      return res.end(object);
    }
    const [start, end] = [Number(range[1]), Number(range[2])];
    const length = end - start + 1;
    // Another range of the same length: the next one, or the one before at the object's end.
    const from = answer === 'shifted' ? (start + length + length <= SIZE ? start + length : 0) : start;
    const contentRange =
      answer === 'garbled' ? `bytes ${from}-${from + length - 1}` : `bytes ${from}-${from + length - 1}/${SIZE}`;
    // The range named, but the range and the bytes after it announced and sent.
    const sent = answer === 'long-length' ? Math.min(2 * length, SIZE - from) : length;
    res.writeHead(206, {
      ...headers,
      'content-length': String(sent),
      ...(answer === 'no-content-range' ? {} : { 'content-range': contentRange }),
    });
    res.end(object.subarray(from, from + sent));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function download(answer: Answer) {
  const client = createS3Client({
    region: 'us-east-1',
    endpoints: { S3: await serve(answer) },
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const store = createS3ObjectStore(client, 'b', new SseKey(randomBytes(32)));
  const folder = { realRoot: join(dir, 'data'), tempDir: join(dir, 'tmp') };
  await mkdir(folder.realRoot);
  await mkdir(folder.tempDir);
  const remote = { key: 'p/data/f.bin', relPath: 'f.bin', size: SIZE, etag: '"e"', lastModifiedMs: 0 };
  const outcome = await downloadFile(folder, 'f.bin', remote, {
    store,
    spec: memorySpec(dir),
    requests: createLimiter(4),
    onBytes: () => undefined,
    signal: AbortSignal.timeout(30_000),
  }).catch((error: Error) => error);
  client.destroy();
  const landed = await readFile(join(folder.realRoot, 'f.bin')).catch(() => undefined);
  return { outcome, landed, leftovers: await readdir(folder.tempDir) };
}

describe('ranged downloads from a server that answers another range', () => {
  it('an honest server: the file is the object (the test can pass)', async () => {
    const { outcome, landed } = await download('honest');
    expect(outcome).not.toBeInstanceOf(Error);
    expect(landed?.equals(object)).toBe(true);
  });

  for (const answer of ['shifted', 'whole', 'no-content-range', 'garbled', 'long-length'] as const) {
    it(`refuses a ${answer} answer with a sentence; no file lands and no temp file stays`, async () => {
      const { outcome, landed, leftovers } = await download(answer);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toMatch(
        /^S3 answered a read of bytes \d+-\d+ of p\/data\/f\.bin with .+, so nothing of it was written\. Check .+, then pull again\.$/,
      );
      expect(landed).toBeUndefined();
      expect(leftovers).toEqual([]);
    });
  }
});

describe('checkRangeAnswer', () => {
  const range = { start: 64, end: 127 };
  it('accepts the range asked for, with a known or unknown total', () => {
    expect(() => checkRangeAnswer('k', range, 'bytes 64-127/200', 64)).not.toThrow();
    expect(() => checkRangeAnswer('k', range, 'bytes 64-127/*', 64)).not.toThrow();
  });
  it('accepts a 200 without Content-Range only as the whole object that is the range', () => {
    expect(() => checkRangeAnswer('k', { start: 0, end: 99 }, undefined, 100)).not.toThrow();
    expect(() => checkRangeAnswer('k', { start: 0, end: 99 }, undefined, 200)).toThrow(/whole object/);
    expect(() => checkRangeAnswer('k', range, undefined, 64)).toThrow(/whole object/);
  });
  it('refuses another range, a range past the total, and what is not a Content-Range', () => {
    for (const answered of [
      'bytes 0-63/200',
      'bytes 64-126/200',
      'bytes 64-127/100',
      'bytes=64-127/200',
      '64-127/200',
    ]) {
      expect(() => checkRangeAnswer('k', range, answered, 64), answered).toThrow(/Content-Range/);
    }
  });
  it('refuses the range asked for with a longer Content-Length; a shorter one is a cut body (resumed)', () => {
    expect(() => checkRangeAnswer('k', range, 'bytes 64-127/200', 65)).toThrow(/Content-Length of 65 bytes/);
    expect(() => checkRangeAnswer('k', range, 'bytes 64-127/200', 32)).not.toThrow();
  });
});
