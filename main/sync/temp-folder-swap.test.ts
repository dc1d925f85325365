import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { META_SHA256, type ObjectStore } from '../aws/ports/object-store';
import { downloadFile, type DownloadFolder } from './download';
import { sha256Buffer } from './hash-file';
import { tempDirFor } from './inside-root';
import { createLimiter } from './limiter';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Invariant: nothing is written outside the sync folder, also when another program replaces the
// temp folder `.traindeck/tmp` (or `.traindeck`) by a link AFTER the sync checked it at its start
// (tempDirFor). Break-it review of the download path (b5f6134, d794144): the temp file was created
// by the path checked once per sync, so every download after such a swap created and wrote its temp
// file where the link pointed (the rename then moved it in, or an EXDEV left it to the clean-up; a
// crash in between left the object's bytes there).
const KEY = 'sha256:ours';
// Three sizes, three paths: in memory (landWholeFile), one GET streamed to disk, ranged GETs into slabs.
const SIZES = { small: 1000, single: 3000, ranged: 9000 };
const spec = (root: string) => memorySpec(root, { multipartThreshold: 8192, partSize: 1024 });

let dir: string;
let root: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-tempswap-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  await mkdir(join(root, 'data'), { recursive: true });
  await mkdir(outside);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Every entry below `at`, never through a link. */
async function below(at: string): Promise<string[]> {
  return ((await readdir(at, { recursive: true })) as string[]).sort();
}

/** A store whose bodies stop half-way once, for `during` (a swap while a temp file is being written). */
function pausing(store: ObjectStore, during: () => Promise<void>): ObjectStore {
  let paused = false;
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'getWhole' || name === 'getRange') return undefined; // the streamed paths: a body to pause
      if (name !== 'get') return Reflect.get(target, name, receiver) as unknown;
      return async (...args: Parameters<ObjectStore['get']>) => {
        const got = await target.get(...args);
        const bytes = Buffer.concat(await got.body.toArray());
        const body = Readable.from(
          (async function* () {
            yield bytes.subarray(0, bytes.length >> 1);
            if (!paused) {
              paused = true;
              await during();
            }
            yield bytes.subarray(bytes.length >> 1);
          })(),
        );
        return { ...got, body };
      };
    },
  });
}

async function download(store: ObjectStore, folder: DownloadFolder, size: number) {
  const [listed] = await store.list('p/data/');
  return downloadFile(
    folder,
    'sub/file.bin',
    { ...listed!, relPath: 'sub/file.bin' },
    { store, spec: spec(root), requests: createLimiter(4), onBytes: () => undefined },
  ).then(
    () => ({ ok: true as const, size }),
    (error: Error) => ({ ok: false as const, message: error.message }),
  );
}

function bucketWith(bytes: Buffer): MemoryBucket {
  const bucket = new MemoryBucket('b');
  bucket.putDirect('p/data/sub/file.bin', bytes, { sseKey: KEY, metadata: { [META_SHA256]: sha256Buffer(bytes) } });
  return bucket;
}

describe.runIf(process.platform === 'linux')('the temp folder swapped for a link while the sync runs (Linux)', () => {
  for (const swapped of ['.traindeck', '.traindeck/tmp'] as const) {
    for (const [path, size] of Object.entries(SIZES)) {
      it(`${swapped} swapped after the sync checked it: a ${path} download is refused with a sentence, nothing is written where the link points`, async () => {
        const bytes = Buffer.alloc(size, 7);
        const folder = { realRoot: join(root, 'data'), tempDir: await tempDirFor(root, join(root, 'data')) };
        // Where temp files would go through the link: outside/tmp through a `.traindeck` link, outside through a `tmp` one.
        const pointed = swapped === '.traindeck' ? join(outside, 'tmp') : outside;
        await mkdir(pointed, { recursive: true });
        const at = join(root, swapped);
        await rename(at, `${at}-moved`);
        await symlink(outside, at);
        const seen: string[][] = [];
        // The bucket's GET looks where the link points while the download runs (a crash there leaves what it sees).
        const store = pausing(bucketWith(bytes).store(KEY), async () => void seen.push(await below(pointed)));
        const outcome = await download(path === 'small' ? bucketWith(bytes).store(KEY) : store, folder, size);
        // Before: the temp file, half-written, was where the link pointed.
        expect(seen.flat()).toEqual([]);
        // Before: each download went through, its temp file created and written where the link pointed.
        expect(outcome).toEqual({
          ok: false,
          message: expect.stringMatching(
            /tmp was replaced by a symbolic link or moved while the sync ran: TrainDeck keeps its temp files there and never writes through one, so nothing was written\. Remove it/,
          ),
        });
        expect(await below(pointed)).toEqual([]);
        await expect(lstat(join(root, 'data', 'sub', 'file.bin'))).rejects.toThrow(/ENOENT/);
      });
    }
  }

  for (const path of ['single', 'ranged'] as const) {
    it(`.traindeck/tmp swapped while a ${path} download writes its temp file: the file lands whole, nothing goes where the link points, no temp file stays`, async () => {
      const bytes = Buffer.from(Array.from({ length: SIZES[path] }, (_, i) => (i * 31) % 251));
      const folder = { realRoot: join(root, 'data'), tempDir: await tempDirFor(root, join(root, 'data')) };
      const tmp = join(root, '.traindeck', 'tmp');
      const store = pausing(bucketWith(bytes).store(KEY), async () => {
        await rename(tmp, `${tmp}-moved`);
        await symlink(outside, tmp);
      });
      const outcome = await download(store, folder, bytes.length);
      // Before: the temp file's mtime, rename and removal went through the link (ENOENT), the half-written
      // temp file stayed behind in the real folder.
      expect(outcome).toEqual({ ok: true, size: bytes.length });
      expect((await readFile(join(root, 'data', 'sub', 'file.bin'))).equals(bytes)).toBe(true);
      expect(await below(outside)).toEqual([]);
      expect(await below(`${tmp}-moved`)).toEqual([]);
    });
  }
});
