import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { SyncEvent } from '../../shared/sync/events';
import { META_MTIME, META_SHA256 } from '../aws/ports/object-store';
import { runSync, type SyncRun } from './engine';
import { sha256Buffer } from './hash-file';
import { keyMarkerKey, writeKeyMarker } from './key-identity';
import { SYNC_DEFAULTS } from './sync-spec';
import { loadSyncState } from './sync-state';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Issue 16, small downloads: a fresh pull (no local file) is one request per object. The GET's
// own answer carries what a HEAD would have told (recorded SHA-256 and mtime, size, whether the
// object is stored with SSE-C), so the download decides there; a HEAD stays only where the
// decision needs the remote's metadata before any byte moves (a local file exists).
const KEY = 'sha256:ours';
const MTIME = Date.UTC(2026, 10, 1, 12, 0, 0);
let root: string;
let bucket: MemoryBucket;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-fresh-pull-'));
  bucket = new MemoryBucket('b');
  // The prefix's key marker, as the first push leaves it: the key check is then one HEAD of it, not of the objects.
  await writeKeyMarker(bucket.store(KEY), 'p');
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** An object as TrainDeck writes it: SSE-C with our key, SHA-256 and mtime metadata. */
function seed(key: string, text: string, recordedSha256 = sha256Buffer(Buffer.from(text))) {
  return bucket.putDirect(key, Buffer.from(text), {
    sseKey: KEY,
    metadata: { [META_SHA256]: recordedSha256, [META_MTIME]: String(MTIME) },
  });
}

async function pull(options: Partial<SyncRun> = {}) {
  const events: SyncEvent[] = [];
  const calls: Array<{ method: string; key: string }> = [];
  const store = bucket.store(KEY);
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(name), key: typeof args[0] === 'string' ? args[0] : '' });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  const outcome = await runSync('pull', {
    spec: memorySpec(root, { multipartThreshold: SYNC_DEFAULTS.multipartThreshold }),
    store: counted,
    region: 'eu-west-1',
    onEvent: (e) => events.push(e),
    ...options,
  });
  /** The calls that name one object, by key. */
  const perObject = (key: string) => calls.filter((c) => c.key === key).map((c) => c.method);
  return { ...outcome, events, calls, perObject };
}

const warnings = (events: SyncEvent[]) => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

describe('a fresh pull of small objects', () => {
  it('makes one request per object (its GET), no HEAD', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `p/logs/run/${String(i).padStart(2, '0')}.log`);
    for (const [i, key] of keys.entries()) seed(key, `line ${i}\n`.repeat(i + 1));
    const out = await pull();
    expect(out.summary).toMatchObject({ downloaded: 40, failures: [] });
    for (const key of keys) expect(out.perObject(key)).toEqual(['get']);
    // The one HEAD left is the key check's, of the prefix's marker.
    expect(out.calls.filter((c) => c.method === 'head').map((c) => c.key)).toEqual([keyMarkerKey('p')]);
  });

  it("does not ask whether the bucket blocks SSE-C uploads (a push's question); a push does", async () => {
    seed('p/logs/a.log', 'a');
    const asked: unknown[] = [];
    const store = bucket.store(KEY);
    const checked = Object.assign(Object.create(store) as typeof store, {
      checkBucket: (signal?: AbortSignal, check?: unknown) => (asked.push(check), store.checkBucket()),
    });
    const spec = memorySpec(root);
    await runSync('pull', { spec, store: checked, region: 'eu-west-1' });
    await runSync('push', { spec, store: checked, region: 'eu-west-1' });
    expect(asked).toEqual([{ sseCUploads: false }, { sseCUploads: true }]);
  });

  it('still restores the recorded mtime and records SHA-256 and mtime in the baseline, from the GET alone', async () => {
    seed('p/checkpoints/step-1.pt', 'weights');
    const out = await pull();
    expect(out.perObject('p/checkpoints/step-1.pt')).toEqual(['get']);
    const local = join(root, 'checkpoints', 'step-1.pt');
    expect(await readFile(local, 'utf8')).toBe('weights');
    expect((await stat(local)).mtimeMs).toBe(MTIME);
    const state = await loadSyncState(root);
    expect(state.folders.checkpoints!.baseline['step-1.pt']).toMatchObject({
      sha256: sha256Buffer(Buffer.from('weights')),
      mtimeMs: MTIME,
      size: 7,
    });
    // The next pull knows it from the baseline: no request for it at all.
    const again = await pull();
    expect(again.perObject('p/checkpoints/step-1.pt')).toEqual([]);
  });

  it('checks the recorded SHA-256 from the GET: a corrupt object fails by name and nothing is left under its name or in the temp folder', async () => {
    seed('p/logs/good.log', 'good');
    seed('p/logs/bad.log', 'tampered', sha256Buffer(Buffer.from('original')));
    const out = await pull();
    expect(out.summary?.downloaded).toBe(1);
    expect(out.summary?.failures).toEqual([
      expect.objectContaining({ relPath: 'bad.log', message: expect.stringContaining('is corrupt') }),
    ]);
    expect(out.perObject('p/logs/bad.log').filter((m) => m !== 'head')).toEqual(['get']); // a HEAD may explain the failure
    expect(await readdir(join(root, 'logs'))).toEqual(['good.log']);
    const temp = await readdir(root, { recursive: true });
    expect(temp.filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('an object stored without SSE-C is still said (warning and summary) and baselined as such, learned from its GET', async () => {
    seed('p/logs/ours.log', 'ours');
    bucket.putDirect('p/logs/plain.log', Buffer.from('plain'));
    const out = await pull();
    expect(out.perObject('p/logs/plain.log')).toEqual(['get']);
    expect(out.summary).toMatchObject({ downloaded: 2, failures: [], unencrypted: ['p/logs/plain.log'] });
    expect(warnings(out.events)).toEqual([
      expect.stringContaining(
        '1 object(s) in logs are stored without SSE-C (not encrypted with your key): p/logs/plain.log',
      ),
    ]);
    const state = await loadSyncState(root);
    expect(state.folders.logs!.baseline['plain.log']).toMatchObject({ encrypted: false });
    expect(state.folders.logs!.baseline['ours.log']).not.toHaveProperty('encrypted');
    // The next pull knows it from the baseline (no request) and says it again before anything moves.
    const again = await pull();
    expect(again.perObject('p/logs/plain.log')).toEqual([]);
    expect(again.summary?.unencrypted).toEqual(['p/logs/plain.log']);
    expect(warnings(again.events)).toHaveLength(1);
  });

  it('an object stored without SSE-C whose download fails (bad SHA-256) is said as unencrypted too, from its GET', async () => {
    bucket.putDirect('p/logs/plain-bad.log', Buffer.from('tampered'), {
      metadata: { [META_SHA256]: sha256Buffer(Buffer.from('original')), [META_MTIME]: String(MTIME) },
    });
    const out = await pull();
    expect(out.perObject('p/logs/plain-bad.log').filter((m) => m !== 'head')).toEqual(['get']);
    expect(out.summary?.failures).toEqual([
      expect.objectContaining({ relPath: 'plain-bad.log', message: expect.stringContaining('is corrupt') }),
    ]);
    expect(out.summary?.unencrypted).toEqual(['p/logs/plain-bad.log']);
    expect(warnings(out.events)).toEqual([
      expect.stringContaining(
        '1 object(s) in logs are stored without SSE-C (not encrypted with your key): p/logs/plain-bad.log',
      ),
    ]);
  });

  it('a dry run has no GET to learn from: it HEADs what it would download, and names unencrypted objects', async () => {
    bucket.putDirect('p/logs/plain.log', Buffer.from('plain'));
    const out = await pull({ dryRun: true });
    expect(out.perObject('p/logs/plain.log')).toEqual(['head']);
    expect(out.plan.folders.find((f) => f.folder === 'logs')?.unencrypted).toEqual(['p/logs/plain.log']);
    expect(warnings(out.events)).toEqual([expect.stringContaining('stored without SSE-C')]);
  });
});

describe('where a HEAD stays: a local file exists and the decision needs the remote metadata', () => {
  it('newest-wins HEADs an object no sync has seen once (its recorded mtime decides), not twice', async () => {
    seed('p/checkpoints/ckpt.pt', 'remote!'); // same size as the local copy, recorded mtime MTIME
    const local = join(root, 'checkpoints', 'ckpt.pt');
    await mkdir(join(root, 'checkpoints'));
    await writeFile(local, 'local!!');
    const older = new Date(MTIME - 60_000);
    await utimes(local, older, older);
    const out = await pull();
    expect(out.perObject('p/checkpoints/ckpt.pt')).toEqual(['head', 'get']);
    expect(await readFile(local, 'utf8')).toBe('remote!'); // S3's copy is newer
  });

  it('pull-only HEADs an object beside a local file of the same size once (the SHA-256s decide)', async () => {
    seed('p/cached-datasets/a.csv', 'a,b\n');
    await mkdir(join(root, 'cached_datasets'));
    await writeFile(join(root, 'cached_datasets', 'a.csv'), 'a,b\n');
    const out = await pull();
    expect(out.perObject('p/cached-datasets/a.csv')).toEqual(['head']);
    expect(out.summary).toMatchObject({ downloaded: 0, skipped: 1 });
  });
});

describe('property: a fresh pull of any mix of objects', () => {
  type Kind = 'ours' | 'awscli' | 'plain' | 'corrupt' | 'plain-corrupt';
  const objects = fc.uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z0-9]{1,8}$/),
      kind: fc.constantFrom<Kind>('ours', 'awscli', 'plain', 'corrupt', 'plain-corrupt'),
      bytes: fc.uint8Array({ maxLength: 300 }),
    }),
    { selector: (o) => o.name, minLength: 1, maxLength: 12 },
  );

  it('one GET per object; each file is its object or absent (corrupt); unencrypted ones said (failed or not); baseline SHA-256 = the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(objects, async (mix) => {
        await rm(root, { recursive: true, force: true });
        await mkdir(root);
        bucket = new MemoryBucket('b');
        await writeKeyMarker(bucket.store(KEY), 'p');
        for (const { name, kind, bytes } of mix) {
          const body = Buffer.from(bytes);
          const key = `p/logs/${name}.bin`;
          if (kind === 'ours' || kind === 'corrupt') {
            bucket.putDirect(key, body, {
              sseKey: KEY,
              metadata: {
                [META_SHA256]: sha256Buffer(kind === 'corrupt' ? Buffer.concat([body, Buffer.from('x')]) : body),
                [META_MTIME]: String(MTIME),
              },
            });
          }
          if (kind === 'awscli') bucket.putDirect(key, body, { sseKey: KEY });
          if (kind === 'plain') bucket.putDirect(key, body);
          if (kind === 'plain-corrupt') {
            const recorded = sha256Buffer(Buffer.concat([body, Buffer.from('x')]));
            bucket.putDirect(key, body, { metadata: { [META_SHA256]: recorded, [META_MTIME]: String(MTIME) } });
          }
        }
        const out = await pull();
        const state = await loadSyncState(root);
        for (const { name, kind, bytes } of mix) {
          const key = `p/logs/${name}.bin`;
          expect(out.perObject(key).filter((m) => m !== 'head' && m !== 'tags')).toEqual(
            kind === 'awscli' ? ['get', 'copyWithMetadata'] : ['get'],
          );
          // A HEAD of a corrupt object may only come after its GET failed (to explain it).
          const corrupt = kind === 'corrupt' || kind === 'plain-corrupt';
          if (!corrupt) expect(out.perObject(key)).not.toContain('head');
          const file = join(root, 'logs', `${name}.bin`);
          if (corrupt) {
            await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
            expect(state.folders.logs?.baseline[`${name}.bin`]).toBeUndefined();
          } else {
            expect(await readFile(file)).toEqual(Buffer.from(bytes));
            expect(state.folders.logs!.baseline[`${name}.bin`]).toMatchObject({
              sha256: sha256Buffer(Buffer.from(bytes)),
            });
          }
        }
        // Stored without SSE-C is said whether or not the download then failed.
        const plain = mix
          .filter((o) => o.kind === 'plain' || o.kind === 'plain-corrupt')
          .map((o) => `p/logs/${o.name}.bin`);
        expect(out.summary?.unencrypted ?? []).toEqual(plain.sort());
        expect(out.summary?.failures.map((f) => f.relPath).sort()).toEqual(
          mix
            .filter((o) => o.kind === 'corrupt' || o.kind === 'plain-corrupt')
            .map((o) => `${o.name}.bin`)
            .sort(),
        );
      }),
      { seed: 42, numRuns: 25 },
    );
  });
});
