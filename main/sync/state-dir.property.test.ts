import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { cleanStaleTemp, tempDirFor } from './inside-root';
import { STATE_DIR } from './state-dir';
import { acquireSyncLock } from './sync-lock';
import { loadSyncState, saveSyncState, type SyncState } from './sync-state';
import { type JournalEntry, openUploadJournal } from './upload-journal';

// Invariant: nothing the sync writes, truncates, locks or deletes is outside the sync folder, whatever
// another program planted at the paths of its `.traindeck` (the folder itself, the lock, the state,
// the upload journal, the temp folder): a link to a file or a folder outside, a dangling link, a FIFO,
// a folder or a file where the other is expected. Each operation may refuse (with a sentence); none
// may change, create or remove anything outside the root, nor wait for ever on a FIFO.

const PLANTS = [
  'none',
  'link to a file',
  'link to a folder',
  'dangling link',
  'fifo',
  'folder',
  'garbage file',
] as const;
type Plant = (typeof PLANTS)[number];
const STATE_PLANTS = ['real', 'link to a folder', 'dangling link', 'fifo', 'garbage file'] as const;
type StatePlant = (typeof STATE_PLANTS)[number];
const NAMES = ['sync.lock', 'sync-state.json', 'uploads.json', 'tmp'] as const;
const OPS = ['lock', 'save state', 'load state', 'journal', 'temp'] as const;
type Op = (typeof OPS)[number];

const state: SyncState = {
  version: 1,
  folders: { logs: { identity: 'x', baseline: {} } },
  hashes: { '/a': { 'f.txt': { size: 1, mtimeMs: 2, sha256: 'ab' } } },
};
const upload: JournalEntry = {
  bucket: 'b',
  key: 'k',
  uploadId: 'u',
  size: 1,
  mtimeMs: 1,
  sha256: 'ab',
  partSize: 5,
  startedMs: 1,
  parts: {},
};

let base: string;
beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'state-dir-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** A fresh world: `root` (the sync folder) and `outside` beside it, full of files a planted link points at. */
function world(n: number): { root: string; outside: string } {
  const root = join(base, `root-${n}`);
  const outside = join(base, `outside-${n}`);
  mkdirSync(root);
  mkdirSync(join(outside, 'folder'), { recursive: true });
  for (const name of NAMES) {
    writeFileSync(join(outside, name), `precious ${name}\n`);
    writeFileSync(join(outside, `target-${name}`), `precious target of ${name}\n`);
    writeFileSync(join(outside, 'folder', name), `precious ${name} in a folder\n`);
  }
  return { root, outside };
}

function plantAt(path: string, plant: Plant | StatePlant, outside: string, name: string): void {
  if (plant === 'none' || plant === 'real') return;
  if (plant === 'link to a file') symlinkSync(join(outside, `target-${name}`), path);
  if (plant === 'link to a folder') symlinkSync(name === STATE_DIR ? outside : join(outside, 'folder'), path);
  if (plant === 'dangling link') symlinkSync(join(outside, `missing-${name}`), path);
  if (plant === 'fifo') execFileSync('mkfifo', [path]);
  if (plant === 'folder') mkdirSync(path);
  if (plant === 'garbage file') writeFileSync(path, '{"garbage');
}

/** Every entry under `dir`: its kind and, for files, a hash of its bytes (what a write or truncation changes). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string, rel: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const info = lstatSync(path);
      const key = rel ? `${rel}/${name}` : name;
      if (info.isDirectory()) {
        out[key] = 'folder';
        walk(path, key);
      } else if (info.isFile()) {
        out[key] = createHash('sha256').update(readFileSync(path)).digest('hex');
      } else out[key] = info.isSymbolicLink() ? 'link' : 'other';
    }
  };
  walk(dir, '');
  return out;
}

// Each operation as the engine runs it; a refusal is an answer, a hang is a failure (bounded).
async function run(op: Op, root: string): Promise<void> {
  if (op === 'lock') {
    const release = await acquireSyncLock(root);
    await release();
  } else if (op === 'save state') await saveSyncState(root, state);
  else if (op === 'load state') await loadSyncState(root);
  else if (op === 'journal') {
    const journal = await openUploadJournal(root);
    await journal.put(upload);
    await journal.addPart('b', 'k', 'u', 1, { sha256: 'ab', etag: 'e' });
    await journal.remove('b', 'k', 'u');
  } else {
    await tempDirFor(root, root);
    await cleanStaleTemp(root, []);
  }
}

function settles(op: Op, promise: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${op} did not settle within 5 s (waiting on a FIFO?)`)), 5_000);
  });
  return Promise.race([promise.catch(() => undefined), stalled]).finally(() => clearTimeout(timer));
}

describe('.traindeck: nothing outside the sync folder changes, whatever is planted there', () => {
  it('holds for random plants at every .traindeck path and random lock/state/journal/temp operations', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STATE_PLANTS),
        fc.tuple(...NAMES.map(() => fc.constantFrom(...PLANTS))),
        fc.array(fc.constantFrom(...OPS), { minLength: 1, maxLength: 6 }),
        async (statePlant, inner, ops) => {
          const { root, outside } = world(n++);
          plantAt(join(root, STATE_DIR), statePlant, outside, STATE_DIR);
          if (statePlant === 'real') {
            mkdirSync(join(root, STATE_DIR));
            NAMES.forEach((name, i) => plantAt(join(root, STATE_DIR, name), inner[i]!, outside, name));
          }
          const before = snapshot(outside);
          for (const op of ops) await settles(op, run(op, root));
          expect(snapshot(outside)).toEqual(before);
        },
      ),
      { seed: 42, numRuns: 80 },
    );
    // Real files and folders, up to six operations each: about 0.1 s a run here, bounded well under this.
  }, 90_000);

  it('a .traindeck swapped for a link to another folder: lock, state and journal refuse, and write nothing there', async () => {
    const { root, outside } = world(0);
    symlinkSync(outside, join(root, STATE_DIR));
    const before = snapshot(outside);
    const refusal = /\.traindeck is a symbolic link: TrainDeck keeps its sync lock, state and temp files there/;
    await expect(acquireSyncLock(root)).rejects.toThrow(refusal);
    await expect(saveSyncState(root, state)).rejects.toThrow(refusal);
    const journal = await openUploadJournal(root);
    await expect(journal.put(upload)).rejects.toThrow(refusal);
    // Read as nothing (an empty state deletes nothing), never read through the link.
    writeFileSync(join(outside, 'sync-state.json'), JSON.stringify(state));
    await expect(loadSyncState(root)).resolves.toEqual({ version: 1, folders: {}, hashes: {} });
    expect(snapshot(outside)).toEqual({ ...before, 'sync-state.json': expect.any(String) });
  });

  it('a FIFO at the lock, the state or the journal is refused or ignored at once, never waited on', async () => {
    const { root } = world(0);
    mkdirSync(join(root, STATE_DIR));
    for (const name of ['sync.lock', 'sync-state.json', 'uploads.json']) {
      execFileSync('mkfifo', [join(root, STATE_DIR, name)]);
    }
    await expect(acquireSyncLock(root)).rejects.toThrow(/sync\.lock is a FIFO \(named pipe\), not a regular file/);
    await expect(loadSyncState(root)).resolves.toEqual({ version: 1, folders: {}, hashes: {} });
    expect((await openUploadJournal(root)).entries()).toEqual([]);
  });

  it('with nothing planted, the operations do their work (the invariant is not kept by refusing everything)', async () => {
    const { root } = world(0);
    const release = await acquireSyncLock(root);
    await saveSyncState(root, state);
    await expect(loadSyncState(root)).resolves.toEqual(state);
    const journal = await openUploadJournal(root);
    await journal.put(upload);
    expect((await openUploadJournal(root)).entries()).toEqual([upload]);
    await release();
    expect(readdirSync(join(root, STATE_DIR)).sort()).toEqual(['sync-state.json', 'uploads.json']);
  });
});
