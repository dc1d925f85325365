import { randomBytes } from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { runSync } from './engine';
import { sha256Buffer } from './hash-file';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';
import { HASHING_PASSES } from './upload';

// Issue 16, medium uploads: a file goes up as soon as it is hashed, while the next one hashes.
// Every file in flight used to hash at once, so they all finished together and S3 received nothing
// until the last of them (16 x 50 MiB: seconds of hashing with the server idle).
// The hashing pass opens its file with fs/promises' `open` (the body is a read stream): counting
// those handles, per data file, tells when each pass starts and how many are open at once.
const events: string[] = [];
let openPasses = 0;
let peakPasses = 0;
let dataDir = '';
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof FsPromises>();
  const open: typeof real.open = async (path, ...rest) => {
    const handle = await real.open(path, ...rest);
    const name = String(path);
    if (!dataDir || !name.startsWith(dataDir)) return handle;
    events.push(`hash ${name.slice(dataDir.length + 1)}`);
    openPasses += 1;
    peakPasses = Math.max(peakPasses, openPasses);
    const close = handle.close.bind(handle);
    handle.close = () => {
      openPasses -= 1;
      return close();
    };
    return handle;
  };
  return { ...real, open, default: { ...real, open } };
});

const MiB = 1024 * 1024;
const KEY = 'sha256:ours';
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-hashing-overlap-'));
  dataDir = join(root, 'models');
  await mkdir(dataDir, { recursive: true });
  events.length = 0;
  openPasses = 0;
  peakPasses = 0;
});
afterEach(async () => {
  dataDir = '';
  await rm(root, { recursive: true, force: true });
});

describe('uploads hash and send at the same time', () => {
  it('at most HASHING_PASSES files hash at once, and the first file goes up before the last one is hashed', async () => {
    const files = Array.from({ length: 8 }, (_, i) => ({ name: `w${i}.bin`, bytes: randomBytes(3 * MiB) }));
    for (const file of files) await writeFile(join(dataDir, file.name), file.bytes);
    const bucket = new MemoryBucket('b');
    const store = bucket.store(KEY);
    const counted = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as unknown;
        if (name !== 'put' || typeof value !== 'function') return value;
        return (...args: Parameters<typeof store.put>) => {
          events.push(`put ${args[0].key.split('/').pop()}`);
          return store.put(...args);
        };
      },
    });
    const outcome = await runSync('push', {
      // One streamed PUT per file (above the 1 MiB read whole, below the multipart threshold), 16 in flight.
      spec: memorySpec(root, { multipartThreshold: 64 * MiB, concurrency: 16 }),
      store: counted,
      region: 'eu-west-1',
    });
    expect(outcome.summary).toMatchObject({ uploaded: 8, failures: [] });
    for (const file of files) {
      expect(bucket.objects.get(`p/models/${file.name}`)?.bytes.equals(file.bytes)).toBe(true);
      expect(bucket.objects.get(`p/models/${file.name}`)?.metadata['traindeck-sha256']).toBe(sha256Buffer(file.bytes));
    }
    expect(peakPasses).toBeLessThanOrEqual(HASHING_PASSES);
    const firstPut = events.findIndex((e) => e.startsWith('put '));
    const lastHash = events.findLastIndex((e) => e.startsWith('hash '));
    expect(firstPut).toBeGreaterThanOrEqual(0);
    expect(firstPut).toBeLessThan(lastHash);
  });
});
