import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { META_MTIME, META_SHA256, type ObjectStore } from '../aws/ports/object-store';
import { downloadFile } from './download';
import { sha256Buffer } from './hash-file';
import { createLimiter } from './limiter';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// The small-file write path (in memory, checked, then landWholeFile: temp file, mtime, rename).
// Invariant: whatever breaks — the body cut short or failing at any byte, the object's recorded
// SHA-256 wrong, the sync aborted at any point — the file under its name is either absent or the
// whole object with its recorded mtime, and no temp file is left behind (nothing outside the folder).
const KEY = 'sha256:ours';
const MTIME = Date.UTC(2026, 10, 1, 12, 0, 0);
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'traindeck-land-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

type Fault =
  { kind: 'none' } | { kind: 'cut' | 'fail'; at: number } | { kind: 'corrupt' } | { kind: 'abort'; ticks: number };

/** The store's GET, with its body ending early or failing after `at` bytes. */
function faulty(store: ObjectStore, fault: Fault): ObjectStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'get') return Reflect.get(target, name, receiver) as unknown;
      return async (...args: Parameters<ObjectStore['get']>) => {
        const got = await target.get(...args);
        if (fault.kind !== 'cut' && fault.kind !== 'fail') return got;
        const bytes = Buffer.concat(await got.body.toArray());
        const kept = bytes.subarray(0, Math.min(fault.at, bytes.length));
        const body = Readable.from(
          (async function* () {
            if (kept.length) yield kept;
            if (fault.kind === 'fail') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          })(),
        );
        return { ...got, body };
      };
    },
  });
}

const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constantFrom('cut' as const, 'fail' as const), at: fc.nat({ max: 70_000 }) }),
  fc.constant({ kind: 'corrupt' as const }),
  fc.record({ kind: fc.constant('abort' as const), ticks: fc.nat({ max: 12 }) }),
);

describe('small downloads land whole or not at all', () => {
  it('property: under a cut or failing body, a wrong SHA-256 or an abort at any point, the name holds the whole object or nothing, and no temp file stays', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 70_000 }), fault, async (size, f) => {
        run += 1;
        const dir = join(root, String(run));
        const folder = { realRoot: join(dir, 'data'), tempDir: join(dir, '.traindeck', 'tmp') };
        await mkdir(folder.realRoot, { recursive: true });
        await mkdir(folder.tempDir, { recursive: true });
        const bytes = Buffer.alloc(size, run % 251);
        const bucket = new MemoryBucket('b');
        const recorded =
          f.kind === 'corrupt' ? sha256Buffer(Buffer.concat([bytes, Buffer.from('x')])) : sha256Buffer(bytes);
        bucket.putDirect('p/data/sub/file.bin', bytes, {
          sseKey: KEY,
          metadata: { [META_SHA256]: recorded, [META_MTIME]: String(MTIME) },
        });
        const store = faulty(bucket.store(KEY), f);
        const [listed] = await store.list('p/');
        const controller = new AbortController();
        const done = downloadFile(
          folder,
          'sub/file.bin',
          { ...listed!, relPath: 'sub/file.bin' },
          {
            store,
            spec: memorySpec(dir, { multipartThreshold: 16 * 1024 * 1024 }),
            requests: createLimiter(2),
            onBytes: () => undefined,
            signal: controller.signal,
          },
        ).then(
          () => 'ok' as const,
          () => 'failed' as const,
        );
        if (f.kind === 'abort') {
          for (let i = 0; i < f.ticks; i += 1) await tick();
          controller.abort();
        }
        // A broken body is retried (60 s budget): a failing or short one never heals, so the sync is stopped.
        if (f.kind === 'fail' || (f.kind === 'cut' && f.at < size)) {
          await tick();
          controller.abort();
        }
        const outcome = await done;
        const target = join(folder.realRoot, 'sub', 'file.bin');
        const landed = await readFile(target).catch(() => undefined);
        if (landed) {
          expect(landed.equals(bytes)).toBe(true);
          expect((await stat(target)).mtimeMs).toBe(MTIME);
          expect(outcome).toBe('ok');
        } else {
          expect(outcome).toBe('failed');
        }
        if (f.kind === 'corrupt') expect(landed).toBeUndefined();
        if (f.kind === 'none') expect(outcome).toBe('ok');
        expect(await readdir(folder.tempDir)).toEqual([]);
        // Nothing else anywhere below the sync's root: no temp file, nothing beside the target.
        const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => !e.isDirectory());
        expect(files.map((e) => join(e.parentPath, e.name))).toEqual(landed ? [target] : []);
      }),
      { seed: 42, numRuns: 60 },
    );
  });
});
