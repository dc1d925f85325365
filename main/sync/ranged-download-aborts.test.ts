import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createS3Client } from '../aws/s3-client';
import { createS3ObjectStore } from '../aws/s3-object-store';
import { downloadFile } from './download';
import { DownloadBuffers } from './download-buffers';
import { HashThread } from './hash-thread';
import { createLimiter } from './limiter';
import { withSyncRetryScope } from './retry';
import { SseKey } from './sse-key';
import { type HeadAnswerServer, headAnswerServer } from './testing/head-answer-server';
import { memorySpec } from './testing/memory-spec';

// Break-it review of the ranged GETs read into the slabs (b5f6134) and hashed on a second thread
// (6079e9a): several files share one small budget while the server drips, resets or falls silent
// and the sync is aborted at any request. Invariant: every download settles (no deadlock on the
// budget, a silent socket or the hash thread), every slab is back in the budget and nobody waits for
// one, a file under its name is the whole object or absent, no temp file stays, and no connection
// is left open once idle ones time out.
type Answer = 'honest' | 'drip' | 'reset' | 'silent';
const FILES = 3;
const SIZE = 5000; // at 128-byte parts, ranges of 512 bytes: 10 per file, two in flight
const SLAB = 256;
const objects = Array.from({ length: FILES }, () => randomBytes(SIZE));
let dir: string;
let server: HeadAnswerServer;
let answers: Answer[] = [];
let abortAt = -1;
let requests = 0;
let abort: () => void = () => undefined;

function answer(socket: Socket, head: string): void {
  const n = requests++;
  if (n === abortAt) abort();
  const kind = answers[n % Math.max(1, answers.length)] ?? 'honest';
  const key = /^GET \S*\/f(\d)\.bin/.exec(head);
  const range = /\r\nrange: bytes=(\d+)-(\d+)/i.exec(head);
  if (!key || !range) return void socket.destroy();
  const [start, end] = [Number(range[1]), Number(range[2])];
  const bytes = objects[Number(key[1])]!.subarray(start, end + 1);
  const whole = Buffer.concat([
    Buffer.from(
      `HTTP/1.1 206 Partial Content\r\nETag: "e"\r\nLast-Modified: Thu, 01 Jan 2026 00:00:00 GMT\r\nx-amz-server-side-encryption-customer-algorithm: AES256\r\nContent-Range: bytes ${start}-${end}/${SIZE}\r\nContent-Length: ${bytes.length}\r\n\r\n`,
      'latin1',
    ),
    bytes,
  ]);
  const cut = whole.length - (bytes.length >> 1);
  if (kind === 'honest') return void socket.write(whole);
  if (kind === 'reset') return void socket.write(whole.subarray(0, cut), () => socket.resetAndDestroy());
  if (kind === 'silent') return void socket.write(whole.subarray(0, cut)); // until the sync is aborted
  // Dripped in pieces of 100 bytes, each on its own turn of the server's event loop.
  const drip = (at: number) => {
    if (at >= whole.length || socket.destroyed) return;
    socket.write(whole.subarray(at, at + 100), () => setImmediate(() => drip(at + 100)));
  };
  drip(0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-rangeaborts-'));
  server = await headAnswerServer(answer);
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ranged downloads sharing a small budget, with a hash thread, under drips, resets, silence and aborts', () => {
  it('property (seed 42): every download settles, the budget is whole again, files are whole or absent', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Answer>('honest', 'honest', 'drip', 'reset', 'silent'), { maxLength: 8 }),
        fc.option(fc.nat({ max: 40 }), { nil: undefined }),
        fc.integer({ min: 1, max: 4 }),
        async (drawn, abortAfter, slabs) => {
          run += 1;
          answers = drawn;
          requests = 0;
          const controller = new AbortController();
          abort = () => controller.abort(new Error('stopped by the test'));
          // A silent answer never heals: the sync is then stopped at the next request, or at once.
          abortAt = drawn.includes('silent') ? Math.min(abortAfter ?? 0, 40) : (abortAfter ?? -1);
          if (drawn.includes('silent') && abortAt === 0) abortAt = 1;
          const client = createS3Client({
            region: 'us-east-1',
            endpoints: { S3: server.endpoint },
            credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          });
          const store = createS3ObjectStore(client, 'b', new SseKey(randomBytes(32)));
          const buffers = new DownloadBuffers(slabs * SLAB, SLAB, true);
          const hashThread = new HashThread();
          const base = join(dir, String(run));
          const folder = { realRoot: join(base, 'data'), tempDir: join(base, 'tmp') };
          await mkdir(folder.realRoot, { recursive: true });
          await mkdir(folder.tempDir);
          const ctx = {
            store,
            spec: memorySpec(base, { partSize: 128, multipartThreshold: 1024 }),
            requests: createLimiter(4),
            onBytes: () => undefined,
            signal: controller.signal,
            buffers,
            hashThread,
          };
          // A silent answer with no abort drawn would wait for the 60-s silence limit: stopped by the test instead.
          const stopper = drawn.includes('silent') ? setTimeout(abort, 1000) : undefined;
          const outcomes = await withSyncRetryScope({ overrides: { baseMs: 1, capMs: 5 } }, () =>
            Promise.all(
              objects.map((_, index) =>
                downloadFile(
                  folder,
                  `f${index}.bin`,
                  { key: `p/data/f${index}.bin`, relPath: `f${index}.bin`, size: SIZE, etag: '"e"', lastModifiedMs: 0 },
                  ctx,
                ).then(
                  () => 'ok' as const,
                  () => 'failed' as const,
                ),
              ),
            ),
          );
          clearTimeout(stopper);
          await hashThread.close();
          client.destroy();
          expect(buffers.heldBytes).toBe(0);
          expect(buffers.waiting).toBe(0);
          expect(buffers.peakHeldBytes).toBeLessThanOrEqual(slabs * SLAB);
          for (const [index, outcome] of outcomes.entries()) {
            const landed = await readFile(join(folder.realRoot, `f${index}.bin`)).catch(() => undefined);
            if (outcome === 'ok') expect(landed?.equals(objects[index]!)).toBe(true);
            else expect(landed).toBeUndefined();
          }
          if (abortAt < 0) expect(outcomes).toEqual(objects.map(() => 'ok'));
          expect(await readdir(folder.tempDir)).toEqual([]);
        },
      ),
      { seed: 42, numRuns: 20 },
    );
    for (let i = 0; i < 100 && server.sockets.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.sockets.size).toBe(0);
  }, 120_000);
});
