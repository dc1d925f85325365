import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { SyncEvent } from '../../shared/sync/events';
import { META_MTIME, META_SHA256 } from '../aws/ports/object-store';
import { runSync, type SyncRun } from './engine';
import { sha256Buffer } from './hash-file';
import { SYNC_DEFAULTS } from './sync-spec';
import { loadSyncState } from './sync-state';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Class 8 of issue 11: the hash learned on the first download of an object another tool wrote
// is written back onto it (server-side copy) where the policy allows, else kept locally.
const KEY = 'sha256:ours';
let root: string;
let bucket: MemoryBucket;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-write-back-'));
  bucket = new MemoryBucket('b');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const spec = () => memorySpec(root, { multipartThreshold: SYNC_DEFAULTS.multipartThreshold });
/** What awscli leaves: the object under our SSE-C key, no TrainDeck metadata. */
const awscli = (key: string, text: string) => bucket.putDirect(key, Buffer.from(text), { sseKey: KEY });
async function pull(options: Partial<SyncRun> = {}) {
  const events: SyncEvent[] = [];
  const store = bucket.store(KEY);
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(name)} ${typeof args[0] === 'string' ? args[0] : ''}`.trim());
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const outcome = await runSync('pull', {
    spec: spec(),
    store: counted,
    region: 'eu-west-1',
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { ...outcome, events, calls };
}

describe('metadata write-back', () => {
  it('writes the learned SHA-256 and mtime onto an object awscli wrote in a two-way folder; the baseline holds the new ETag', async () => {
    awscli('p/logs/train.log', 'line 1\n');
    const first = await pull();
    expect(first.summary).toMatchObject({ downloaded: 1, failures: [] });
    const object = bucket.objects.get('p/logs/train.log')!;
    expect(object.metadata[META_SHA256]).toBe(sha256Buffer(Buffer.from('line 1\n')));
    expect(Number(object.metadata[META_MTIME])).toBeGreaterThan(0);
    expect(object.bytes.toString()).toBe('line 1\n');
    expect(first.calls.filter((c) => c.startsWith('copyWithMetadata'))).toEqual(['copyWithMetadata p/logs/train.log']);
    const state = await loadSyncState(root);
    expect(state.folders.logs!.baseline['train.log']).toMatchObject({ etag: object.etag, size: 7 });

    // The next pull knows it: no HEAD, no GET, no copy.
    const second = await pull();
    expect(second.summary).toMatchObject({ downloaded: 0, failures: [] });
    expect(second.calls.filter((c) => /^(head|get|copy)/.test(c) && c.includes('train.log'))).toEqual([]);
  });

  it('leaves objects of a pull-only folder (datasets) as they are unless asked, and writes them back when asked', async () => {
    awscli('p/cached-datasets/a.csv', 'a,b\n');
    await pull();
    expect(bucket.objects.get('p/cached-datasets/a.csv')!.metadata).toEqual({});
    expect(await readFile(join(root, 'cached_datasets', 'a.csv'), 'utf8')).toBe('a,b\n');

    awscli('p/cached-datasets/b.csv', 'c,d\n');
    await pull({ writeMetadataToDatasets: true });
    expect(bucket.objects.get('p/cached-datasets/b.csv')!.metadata[META_SHA256]).toBe(
      sha256Buffer(Buffer.from('c,d\n')),
    );
  });

  it('never copies an object stored without SSE-C (that is `sync encrypt`), nor one TrainDeck wrote', async () => {
    bucket.putDirect('p/logs/plain.log', Buffer.from('plain'));
    const out = await pull();
    expect(out.summary).toMatchObject({ downloaded: 1, unencrypted: ['p/logs/plain.log'] });
    expect(out.calls.filter((c) => c.startsWith('copy'))).toEqual([]);
  });

  it('a server without same-key SSE-C copies (501, Ceph RGW) is said once, not per object; hashes stay in the local record', async () => {
    bucket.copyNotImplemented = true;
    for (const name of ['a', 'b', 'c']) awscli(`p/logs/${name}.log`, `log ${name}`);
    const first = await pull();
    expect(first.summary).toMatchObject({ downloaded: 3, failures: [] });
    const warnings = first.events.filter((e) => e.type === 'warning');
    expect(warnings).toEqual([expect.objectContaining({ message: expect.stringContaining('501 NotImplemented') })]);
    expect(first.calls.filter((c) => c.startsWith('copy'))).toHaveLength(1); // not asked again in this sync
    const state = await loadSyncState(root);
    expect(state.folders.logs!.baseline['b.log']!.sha256).toBe(sha256Buffer(Buffer.from('log b')));
    // Recorded locally: the next pull downloads nothing and copies nothing (a HEAD may still check the key).
    const second = await pull();
    expect(second.summary).toMatchObject({ downloaded: 0 });
    expect(second.calls.filter((c) => /^(get|copy)/.test(c) && c.includes('/logs/'))).toEqual([]);
  });
});
