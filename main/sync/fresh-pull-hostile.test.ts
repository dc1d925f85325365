import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { META_MTIME, META_SHA256, type ObjectHead, type ObjectStore } from '../aws/ports/object-store';
import { runSync } from './engine';
import { sha256Buffer } from './hash-file';
import { writeKeyMarker } from './key-identity';
import { SYNC_DEFAULTS } from './sync-spec';
import { loadSyncState } from './sync-state';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// A fresh pull trusts its GET's answer (no HEAD first). Invariant under attack: whatever that
// answer says (metadata unlike the listing, hostile values, a short body), no file lands under
// its name unless it is whole and matches, and the baseline records only what is on disk.
const KEY = 'sha256:ours';
let root: string;
let bucket: MemoryBucket;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-hostile-pull-'));
  bucket = new MemoryBucket('b');
  await writeKeyMarker(bucket.store(KEY), 'p');
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** The store, with each GET's answer rewritten by `answer`. */
function rewriting(
  answer: (got: { body: Readable; head: ObjectHead }, key: string) => { body: Readable; head: ObjectHead },
): ObjectStore {
  const store: ObjectStore = bucket.store(KEY);
  return Object.assign(Object.create(store) as ObjectStore, {
    get: async (key: string, range?: { start: number; end: number }, signal?: AbortSignal) =>
      answer(await store.get(key, range, signal), key),
  });
}

async function pull(store: ObjectStore, direction: 'pull' | 'push' = 'pull') {
  return runSync(direction, {
    spec: memorySpec(root, { multipartThreshold: SYNC_DEFAULTS.multipartThreshold }),
    store,
    region: 'eu-west-1',
  });
}

const partials = async () => (await readdir(root, { recursive: true })).filter((n) => n.endsWith('.partial'));

describe('a fresh pull whose GET answers unlike the listing', () => {
  it('a body that ends cleanly short of its announced size (no recorded SHA-256 to catch it) is retried, not kept, and counted once', async () => {
    bucket.putDirect('p/logs/cut.log', Buffer.from('0123456789'), { sseKey: KEY }); // awscli: no hash
    let gets = 0;
    const out = await pull(
      // The first answer's body ends at byte 5 of 10 without an error; the retry's is whole.
      rewriting((got) => (++gets === 1 ? { head: got.head, body: Readable.from([Buffer.from('01234')]) } : got)),
    );
    expect(gets).toBe(2);
    expect(out.summary).toMatchObject({ downloaded: 1, failures: [], bytes: 10 });
    expect(await readFile(join(root, 'logs', 'cut.log'), 'utf8')).toBe('0123456789');
    expect((await loadSyncState(root)).folders.logs!.baseline['cut.log']).toMatchObject({
      size: 10,
      sha256: sha256Buffer(Buffer.from('0123456789')),
    });
    expect(await partials()).toEqual([]);
  });
});

describe('hostile recorded mtimes', () => {
  it('shrunk counterexample: an mtime past what a Date holds (8640000000000001) no longer fails the download with EINVAL', async () => {
    bucket.putDirect('p/logs/a.log', Buffer.from('abc'), {
      sseKey: KEY,
      metadata: { [META_SHA256]: sha256Buffer(Buffer.from('abc')), [META_MTIME]: '8640000000000001' },
    });
    const out = await pull(bucket.store(KEY));
    expect(out.summary).toMatchObject({ downloaded: 1, failures: [] });
    expect(await readFile(join(root, 'logs', 'a.log'), 'utf8')).toBe('abc');
  });

  const hostile = fc.oneof(
    fc.constantFrom('1e300', '-1', 'NaN', '', 'Infinity', '8640000000000001', '99999999999999999999', '0x10', ' 5 '),
    fc.double().map(String),
    fc.integer({ min: -1e15, max: 1e16 }).map(String),
  );

  it('the file lands whole, nothing fails, and the next push sees nothing changed', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (mtime) => {
        await rm(root, { recursive: true, force: true });
        await mkdir(root);
        bucket = new MemoryBucket('b');
        await writeKeyMarker(bucket.store(KEY), 'p');
        bucket.putDirect('p/logs/a.log', Buffer.from('abc'), {
          sseKey: KEY,
          metadata: { [META_SHA256]: sha256Buffer(Buffer.from('abc')), [META_MTIME]: mtime },
        });
        const out = await pull(bucket.store(KEY));
        const file = join(root, 'logs', 'a.log');
        expect(out.summary?.failures).toEqual([]);
        expect(await readFile(file, 'utf8')).toBe('abc');
        const entry = (await loadSyncState(root)).folders.logs!.baseline['a.log']!;
        expect(Number.isFinite(entry.mtimeMs)).toBe(true);
        // Nothing changed locally: the next push moves nothing.
        const push = await pull(bucket.store(KEY), 'push');
        expect(push.summary).toMatchObject({ uploaded: 0, failures: [] });
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});
