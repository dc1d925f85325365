import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { META_SHA256, type ObjectStore } from '../aws/ports/object-store';
import { runSync } from './engine';
import { sha256Buffer } from './hash-file';
import { cleanStaleTemp, tempDirFor, writeInside } from './inside-root';
import { writeKeyMarker } from './key-identity';
import { MemoryBucket } from './testing/memory-object-store';
import { memorySpec } from './testing/memory-spec';

// Invariant: nothing is ever written outside the sync folder, even when another local process
// swaps one of its folders for a symbolic link (or moves it away) while the sync runs, at any
// point between the check of that folder and the write below it.
const KEY = 'sha256:ours';
let dir: string;
let root: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'traindeck-inside-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  await mkdir(root);
  await mkdir(outside);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Replaces `folder` by a link to `target` (outside the root); the real folder moves to `movedTo`. */
async function swapForLink(folder: string, movedTo: string, target: string): Promise<void> {
  await rename(folder, movedTo);
  await symlink(target, folder);
}

/** Every file below `at`, never through a link (what is really on disk there). */
async function filesBelow(at: string): Promise<string[]> {
  const names = (await readdir(at, { recursive: true })) as string[];
  const files: string[] = [];
  for (const name of names) if ((await lstat(join(at, name))).isFile()) files.push(name);
  return files.sort();
}

describe.runIf(process.platform === 'linux')('writes below a sync folder whose folders are swapped (Linux)', () => {
  it('regression: a folder swapped for a link after an earlier file of the same sync landed in it is checked again (no pull writes outside)', async () => {
    const bucket = new MemoryBucket('b');
    await writeKeyMarker(bucket.store(KEY), 'p');
    for (const name of ['one', 'two']) {
      const bytes = Buffer.from(name);
      bucket.putDirect(`p/logs/a/${name}.log`, bytes, {
        sseKey: KEY,
        metadata: { [META_SHA256]: sha256Buffer(bytes) },
      });
    }
    const logs = join(root, 'logs');
    const store: ObjectStore = bucket.store(KEY);
    let swapped = false;
    const swapping = Object.assign(Object.create(store) as ObjectStore, {
      get: async (key: string, range?: { start: number; end: number }, signal?: AbortSignal) => {
        if (key.endsWith('two.log')) {
          // Another process acts once one.log has landed in a/ (bounded: 400 looks, the sync's own pace).
          for (let look = 0; look < 400 && !swapped; look++) {
            if (await lstat(join(logs, 'a', 'one.log')).catch(() => undefined)) {
              await swapForLink(join(logs, 'a'), join(logs, 'a-moved'), outside);
              swapped = true;
            } else await sleep(5);
          }
        }
        return store.get(key, range, signal);
      },
    });
    const out = await runSync('pull', { spec: memorySpec(root), store: swapping, region: 'eu-west-1' });
    expect(swapped).toBe(true);
    expect(await filesBelow(outside)).toEqual([]);
    expect(out.summary?.failures).toEqual([
      expect.objectContaining({ relPath: 'a/two.log', message: expect.stringMatching(/"a" is a symbolic link/) }),
    ]);
    expect(await readFile(join(logs, 'a-moved', 'one.log'), 'utf8')).toBe('one');
  });

  it('property: a folder of the path swapped for a link, or moved out of the root, at any step of the gate or inside the write itself, never sends the write outside', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }).chain((depth) =>
          fc.record({
            depth: fc.constant(depth),
            swapped: fc.integer({ min: 0, max: depth - 1 }), // which folder of the path (0: the first below the root)
            at: fc.integer({ min: 0, max: depth + 1 }), // after which step (depth + 1: inside the write)
            how: fc.constantFrom('link' as const, 'move-out' as const),
            existing: fc.boolean(), // the folders exist before the write (else the gate creates them)
          }),
        ),
        async ({ depth, swapped, at, how, existing }) => {
          run += 1;
          const base = join(root, String(run));
          const away = join(outside, String(run));
          await mkdir(base);
          const folders = Array.from({ length: depth }, (_, i) => `d${i}`);
          if (existing) await mkdir(join(base, ...folders), { recursive: true });
          const relPath = [...folders, 'file.txt'].join('/');
          const victim = join(base, ...folders.slice(0, swapped + 1));
          let done = false;
          const swap = async () => {
            if (done || !(await lstat(victim).catch(() => undefined))) return;
            done = true;
            if (how === 'link') {
              await mkdir(away);
              await swapForLink(victim, join(base, `moved-${run}`), away);
            } else await rename(victim, away);
          };
          const wrote = await writeInside(
            base,
            relPath,
            async (target) => {
              if (at === depth + 1) await swap();
              await writeFile(target, 'data', { flag: 'wx' });
              return true;
            },
            { afterStep: async (step) => (step === at ? swap() : undefined) },
          ).catch((error: Error) => error);
          const escaped = (await lstat(away).catch(() => undefined)) ? await filesBelow(away) : [];
          if (how === 'link') {
            // A link is never followed: the write went into the real (moved) folder, or was refused with a sentence.
            expect(escaped).toEqual([]);
            if (wrote instanceof Error) {
              expect(wrote.message).toMatch(/symbolic link.*Move it away, then pull again\.$/);
            } else expect((await filesBelow(base)).some((name) => name.endsWith('file.txt'))).toBe(true);
          } else if (at <= depth) {
            // Moved out before the last check: refused, or created anew inside. Moved out during the write (a
            // rename, not a link: it needs write access to where it goes) the file follows the user's folder.
            expect(escaped).toEqual([]);
          }
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });

  it('refuses a path whose folder is a file, with a sentence that says what to do', async () => {
    await writeFile(join(root, 'a'), 'x');
    await expect(writeInside(root, 'a/b.txt', (target) => writeFile(target, 'y'))).rejects.toThrow(
      '"a/b.txt" was not written: "a" is not a folder, and TrainDeck never writes through one. Move it away, then pull again.',
    );
  });
});

// Break-it review of 96ff3c9: the temp folder `.traindeck/tmp` is a folder of the root too.
describe('the temp folder of a sync folder swapped for a link', () => {
  it('the clean of stale temp files never removes anything where a `.traindeck` or `tmp` link points', async () => {
    await mkdir(join(outside, 'tmp'), { recursive: true });
    await writeFile(join(outside, 'tmp', 'precious.txt'), 'not ours');
    await symlink(outside, join(root, '.traindeck'));
    const other = join(dir, 'other');
    await mkdir(join(other, '.traindeck'), { recursive: true });
    await symlink(join(outside, 'tmp'), join(other, '.traindeck', 'tmp'));
    // Before: both links were followed, and what they point at was emptied.
    await cleanStaleTemp(root, [other]);
    expect(await readdir(join(outside, 'tmp'))).toEqual(['precious.txt']);
  });

  it("the clean still removes an interrupted download's temp files (a temp folder that is a link inside is removed, not followed)", async () => {
    await mkdir(join(root, '.traindeck', 'tmp', 'part-dir'), { recursive: true });
    await writeFile(join(root, '.traindeck', 'tmp', 'stale.tmp'), 'half');
    await writeFile(join(outside, 'kept'), 'not ours');
    await symlink(outside, join(root, '.traindeck', 'tmp', 'link'));
    await cleanStaleTemp(root, []);
    expect(await readdir(join(root, '.traindeck', 'tmp'))).toEqual([]);
    expect(await readdir(outside)).toEqual(['kept']);
  });

  it('temp files are never written through a `.traindeck` link: refused with a sentence that says what to do', async () => {
    await symlink(outside, join(root, '.traindeck'));
    // Before: the temp folder was made where the link points, and downloads wrote there.
    await expect(tempDirFor(root, root)).rejects.toThrow(
      /\.traindeck is a symbolic link: TrainDeck keeps its sync lock, state and temp files there and never writes through one\. Remove it/,
    );
    expect(await readdir(outside)).toEqual([]);
  });
});
