import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ObjectHead, ObjectStore } from '../aws/ports/object-store';
import { runSync } from './engine';
import { writeKeyMarker } from './key-identity';
import { withSyncRetryScope } from './retry';
import { SYNC_DEFAULTS } from './sync-spec';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Invariant: a download never takes more bytes from an answer than the listing's size. A GET of a
// medium object (past the in-memory size, under the multipart threshold) whose answer announces
// another size (a Content-Length that lies, or none: chunked) or whose body runs past what it
// announced fails before that body fills the disk: the server, not the disk, is the limit otherwise.

const KEY = 'sha256:ours';
const MiB = 1024 * 1024;
const SIZE = 2 * MiB;
let root: string;
let bucket: MemoryBucket;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-announced-size-'));
  bucket = new MemoryBucket('b');
  await writeKeyMarker(bucket.store(KEY), 'p');
  bucket.putDirect('p/models/medium.bin', Buffer.alloc(SIZE, 7), { sseKey: KEY });
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** An endless body (1 MiB chunks) that counts what was taken from it. */
function endless(taken: { bytes: number }): Readable {
  const chunk = Buffer.alloc(MiB, 7);
  return new Readable({
    read() {
      taken.bytes += chunk.length;
      // Bounded for the test's sake: far past anything a download of 2 MiB should take.
      this.push(taken.bytes > 256 * MiB ? null : chunk);
    },
  });
}

function answering(head: (real: ObjectHead) => ObjectHead, taken: { bytes: number }): ObjectStore {
  const store: ObjectStore = bucket.store(KEY);
  return Object.assign(Object.create(store) as ObjectStore, {
    get: async (key: string, range?: { start: number; end: number }, signal?: AbortSignal) => {
      const got = await store.get(key, range, signal);
      if (!key.endsWith('medium.bin')) return got;
      got.body.destroy();
      return { head: head(got.head), body: endless(taken) };
    },
  });
}

// A broken answer is retried like a reset: here 8 tries, without the backoff's pauses.
async function pull(store: ObjectStore) {
  return withSyncRetryScope({ overrides: { attempts: 8, baseMs: 1, capMs: 2 } }, () =>
    runSync('pull', {
      spec: memorySpec(root, { multipartThreshold: SYNC_DEFAULTS.multipartThreshold }),
      store,
      region: 'eu-west-1',
    }),
  );
}

describe('a medium download whose answer is bigger than the listing', () => {
  it.each([
    ['announces no size (chunked, Content-Length 0)', (h: ObjectHead) => ({ ...h, size: 0 })],
    ['announces a size past the listing', (h: ObjectHead) => ({ ...h, size: 64 * MiB })],
    ['announces the listing’s size, then sends more', (h: ObjectHead) => h],
  ])(
    '%s: fails by name, nothing lands, the body is not read far past the listing',
    async (_name, head) => {
      const taken = { bytes: 0 };
      const out = await pull(answering(head, taken));
      expect(out.summary?.downloaded).toBe(0);
      expect(out.summary?.failures.map((f) => `${f.folder}/${f.relPath}`)).toEqual(['models/medium.bin']);
      expect(await readdir(join(root, 'models')).catch(() => [])).not.toContain('medium.bin');
      expect((await readdir(root, { recursive: true })).filter((n) => n.endsWith('.partial'))).toEqual([]);
      // Each try may take the listing's size and one chunk more; never the server's endless rest.
      expect(taken.bytes).toBeLessThanOrEqual(8 * (SIZE + MiB));
    },
    60_000,
  );

  it('an honest answer still lands whole', async () => {
    const out = await pull(bucket.store(KEY));
    expect(out.summary).toMatchObject({ downloaded: 1, failures: [] });
    expect((await readFile(join(root, 'models', 'medium.bin'))).equals(Buffer.alloc(SIZE, 7))).toBe(true);
  });
});
