import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { META_MTIME, META_SHA256 } from '../aws/ports/object-store';
import { runSync } from './engine';
import { sha256Buffer } from './hash-file';
import type * as HashThreadModule from './hash-thread';
import { writeKeyMarker } from './key-identity';
import { answersFirst } from './testing/hash-thread-programs';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Every sync's hash thread runs a program that answers its first 3 messages, then nothing more.
vi.mock('./hash-thread', async (original) => {
  const real = await original<typeof HashThreadModule>();
  class StallingHashThread extends real.HashThread {
    constructor() {
      super(answersFirst(3));
    }
  }
  return { ...real, HashThread: StallingHashThread };
});

const KEY = 'sha256:ours';
let root: string;
let bucket: MemoryBucket;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-stalled-hash-'));
  bucket = new MemoryBucket('b');
  await writeKeyMarker(bucket.store(KEY), 'p');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('a pull whose hash thread stops answering', () => {
  // A cancel must end the sync whatever its thread does: the downloads waiting for an answer fail,
  // once the thread is stopped (their slabs are then no longer read), and no file lands.
  it('ends when cancelled, with no file landed', async () => {
    const bytes = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7) & 0xff));
    bucket.putDirect('p/logs/big.log', bytes, {
      sseKey: KEY,
      metadata: { [META_SHA256]: sha256Buffer(bytes), [META_MTIME]: String(Date.UTC(2026, 10, 1)) },
    });
    const stop = new AbortController();
    const pull = runSync('pull', {
      spec: memorySpec(root),
      store: bucket.store(KEY),
      region: 'eu-west-1',
      signal: stop.signal,
    });
    pull.catch(() => undefined);
    setTimeout(() => stop.abort(new Error('sync cancelled')), 300);
    const ended = await Promise.race([
      pull.then(
        () => 'ended',
        () => 'ended',
      ),
      new Promise((r) => setTimeout(r, 5_000, 'still waiting')),
    ]);
    expect(ended).toBe('ended');
    expect((await readdir(root, { recursive: true })).filter((name) => name.endsWith('big.log'))).toEqual([]);
  }, 20_000);
});
