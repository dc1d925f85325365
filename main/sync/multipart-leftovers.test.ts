import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type Body, type ObjectStore, StoreError } from '../aws/ports/object-store';
import { runSync } from './engine';
import { STATE_DIR } from './state-dir';
import { instrumentStore } from './testing/instrumented-store';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Issue 11, class 4 (what was left): a kill between CreateMultipartUpload and the journal write,
// and the parts still in flight when one part fails.
const KEY = 'sha256:ours';
/** A PID no process has (above Linux's pid_max): the lock of a killed sync. */
const DEAD_PID = 4_194_305;
let root: string;
let bucket: MemoryBucket;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-multipart-'));
  bucket = new MemoryBucket('b'); // S3's clock is real time: a fresh foreign upload is kept 24 h
});
afterEach(() => rm(root, { recursive: true, force: true }));

const spec = (concurrency = 1) => memorySpec(root, { concurrency });
const push = (store: ObjectStore, concurrency = 1) =>
  runSync('push', {
    spec: spec(concurrency),
    store,
    region: 'eu-west-1',
    retry: { budgetMs: 200, baseMs: 1, capMs: 5 },
  });

describe('multipart leftovers', () => {
  it('a push killed right after CreateMultipartUpload (its id never recorded): the rerun knows the upload as its own and aborts it', async () => {
    await mkdir(join(root, 'models'), { recursive: true });
    await writeFile(join(root, 'models', 'big.bin'), 'x'.repeat(100));
    // Which call creates the upload, on a dry copy of the same push.
    const probe = instrumentStore(new MemoryBucket('b').store(KEY), { kind: 'none' });
    await push(probe.store);
    const at = probe.calls.find((c) => c.method === 'createMultipart')!.n;
    await rm(join(root, STATE_DIR), { recursive: true, force: true });

    // kill -9 after S3 made the upload, before the answer reached the engine.
    const killed = instrumentStore(bucket.store(KEY), { kind: 'crash', at, mode: 'after' });
    await Promise.race([push(killed.store), killed.crashed]);
    expect(killed.isCrashed()).toBe(true);
    expect(bucket.incompleteUploads()).toHaveLength(1);
    const lock = join(root, STATE_DIR, 'sync.lock');
    await writeFile(lock, (await readFile(lock, 'utf8')).replaceAll(String(process.pid), String(DEAD_PID)));

    const events: string[] = [];
    const rerun = await runSync('push', {
      spec: spec(),
      store: bucket.store(KEY),
      region: 'eu-west-1',
      onEvent: (e) => {
        if (e.type === 'warning') events.push(e.message);
      },
    });
    expect(rerun.summary).toMatchObject({ uploaded: 1, failures: [] });
    expect(bucket.incompleteUploads()).toEqual([]);
    expect(events.join('\n')).toMatch(/Aborted 1 unfinished upload.*stopped before it could record it/);
    expect(bucket.objects.get('p/models/big.bin')!.bytes.toString()).toBe('x'.repeat(100));
  });

  it('one part refused cancels the parts in flight (their requests see the abort) and sends no more', async () => {
    await mkdir(join(root, 'models'), { recursive: true });
    await writeFile(join(root, 'models', 'big.bin'), 'y'.repeat(160)); // 10 parts of 16 bytes
    const store = bucket.store(KEY);
    const started: number[] = [];
    const cancelled: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      async uploadPart(key: string, id: string, n: number, body: Body, sha: string, signal?: AbortSignal) {
        started.push(n);
        if (n === 1) {
          // Refused once the others are in flight.
          await new Promise((r) => setTimeout(r, 20));
          release();
          throw new StoreError('other', 'InvalidArgument: refused', { status: 400, key });
        }
        await held;
        // A part in flight waits for its request to end: only the abort ends it.
        await new Promise<void>((resolve, reject) => {
          if (signal?.aborted) reject(signal.reason);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
          setTimeout(resolve, 10_000).unref();
        }).catch((error: unknown) => {
          cancelled.push(n);
          throw error;
        });
        return store.uploadPart(key, id, n, body, sha);
      },
    });
    const out = await push(slow, 3);
    expect(out.summary!.failures).toEqual([expect.objectContaining({ relPath: 'big.bin' })]);
    expect(cancelled.sort()).toEqual(started.filter((n) => n !== 1).sort());
    expect(started.length).toBeLessThan(10); // the queued parts were never sent
    expect(bucket.incompleteUploads()).toEqual([]);
  });
});
