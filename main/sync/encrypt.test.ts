import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { META_SHA256, type ObjectStore, StoreError } from '../aws/ports/object-store';
import { encryptPlainObjects } from './encrypt';
import { sha256Buffer } from './hash-file';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Class 8 of issue 11: objects stored without SSE-C are re-encrypted on request, never lost.
const KEY = 'sha256:ours';
let root: string;
let bucket: MemoryBucket;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-encrypt-'));
  bucket = new MemoryBucket('b');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const spec = () => memorySpec(root);
/** A store whose `method` fails at once (S3 refusing it), after the first `okCalls` calls. */
function failing(store: ObjectStore, method: keyof ObjectStore, okCalls = 0): ObjectStore {
  let calls = 0;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name !== method || typeof value !== 'function') {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: unknown[]) =>
        (calls += 1) > okCalls
          ? Promise.reject(new StoreError('access-denied', 'AccessDenied', { status: 403, code: 'AccessDenied' }))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
}

describe('traindeck sync encrypt', () => {
  it('finds objects stored without SSE-C in every folder (datasets too); a dry run changes nothing', async () => {
    bucket.putDirect('p/cached-datasets/train.csv', Buffer.from('a,b\n'));
    bucket.putDirect('p/logs/old.log', Buffer.from('x'.repeat(100)));
    bucket.putDirect('p/models/ours.bin', Buffer.from('ours'), { sseKey: KEY });
    const dry = await encryptPlainObjects({ store: bucket.store(KEY), spec: spec(), dryRun: true });
    expect(dry).toEqual({ found: ['p/cached-datasets/train.csv', 'p/logs/old.log'], encrypted: [], failures: [] });
    expect(bucket.objects.get('p/logs/old.log')!.sseKey).toBeUndefined();
  });

  it('rewrites each with the key, Intelligent-Tiering and the SHA-256 (in parts when large), same bytes; checked by a keyed HEAD', async () => {
    bucket.putDirect('p/cached-datasets/train.csv', Buffer.from('a,b\n'));
    bucket.putDirect('p/logs/old.log', Buffer.from('x'.repeat(100)));
    const events: string[] = [];
    const out = await encryptPlainObjects({
      store: bucket.store(KEY),
      spec: spec(),
      onObject: (e) => events.push(`${e.outcome} ${e.key}`),
    });
    expect(out).toEqual({
      found: out.encrypted,
      encrypted: ['p/cached-datasets/train.csv', 'p/logs/old.log'],
      failures: [],
    });
    expect(events.sort()).toEqual(['encrypted p/cached-datasets/train.csv', 'encrypted p/logs/old.log']);
    for (const [key, text] of [
      ['p/cached-datasets/train.csv', 'a,b\n'],
      ['p/logs/old.log', 'x'.repeat(100)],
    ] as const) {
      const object = bucket.objects.get(key)!;
      expect(object.sseKey).toBe(KEY);
      expect(object.bytes.toString()).toBe(text);
      expect(object.metadata[META_SHA256]).toBe(sha256Buffer(Buffer.from(text)));
    }
    expect(bucket.objects.get('p/logs/old.log')!.etag).toMatch(/-\d+"$/); // went up in parts
    expect(bucket.incompleteUploads()).toEqual([]);
    expect(await readdir(join(root, '.traindeck', 'tmp'))).toEqual([]);
    // Nothing left to do.
    expect((await encryptPlainObjects({ store: bucket.store(KEY), spec: spec() })).found).toEqual([]);
  });

  it('a refused write leaves the plain object as it was, readable, and is reported by name', async () => {
    bucket.putDirect('p/logs/small.log', Buffer.from('small'));
    bucket.putDirect('p/logs/big.log', Buffer.from('y'.repeat(100)));
    const before = new Map([...bucket.objects].map(([k, o]) => [k, o.version]));
    const store = failing(failing(bucket.store(KEY), 'put'), 'completeMultipart');
    const out = await encryptPlainObjects({ store, spec: spec() });
    expect(out.encrypted).toEqual([]);
    expect(out.failures.map((f) => f.key).sort()).toEqual(['p/logs/big.log', 'p/logs/small.log']);
    expect(out.failures[0]!.message).toMatch(/Access denied/);
    for (const [key, version] of before) {
      expect(bucket.objects.get(key)!.version).toBe(version);
      expect(bucket.objects.get(key)!.sseKey).toBeUndefined();
    }
  });

  it('an object changed in S3 between the read and the write is left alone', async () => {
    bucket.putDirect('p/logs/moving.log', Buffer.from('v1'));
    const store = bucket.store(KEY);
    const racing = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver) as (...a: unknown[]) => Promise<unknown>;
        if (name !== 'get') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          const answer = await value.apply(target, args);
          bucket.putDirect('p/logs/moving.log', Buffer.from('v2 by another tool'));
          return answer;
        };
      },
    });
    const out = await encryptPlainObjects({ store: racing, spec: spec() });
    expect(out.failures).toEqual([{ key: 'p/logs/moving.log', message: expect.stringContaining('changed in S3') }]);
    expect(bucket.objects.get('p/logs/moving.log')!.bytes.toString()).toBe('v2 by another tool');
  });

  it('refuses a prefix written with another key before reading anything', async () => {
    bucket.putDirect('p/logs/theirs.log', Buffer.from('t'), {
      sseKey: 'sha256:theirs',
      tags: { 'traindeck-key': 'sha256:theirs' },
    });
    bucket.putDirect('p/logs/plain.log', Buffer.from('p'));
    await expect(encryptPlainObjects({ store: bucket.store(KEY), spec: spec() })).rejects.toThrow(
      /another SSE-C key|sha256:theirs/,
    );
    expect(bucket.objects.get('p/logs/plain.log')!.sseKey).toBeUndefined();
  });
});
