import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type * as WriteFileAtomicModule from '../core/write-file-atomic';
import { type JournalEntry, openUploadJournal } from './upload-journal';

const writes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../core/write-file-atomic', async (importOriginal) => {
  const actual = await importOriginal<typeof WriteFileAtomicModule>();
  return {
    ...actual,
    writeFileAtomic: (...args: Parameters<typeof actual.writeFileAtomic>) => {
      writes.count += 1;
      return actual.writeFileAtomic(...args);
    },
  };
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'upload-journal-'));
  writes.count = 0;
});
afterEach(() => rm(root, { recursive: true, force: true }));

const entry: JournalEntry = {
  bucket: 'b',
  key: 'runs/x/model.ckpt',
  uploadId: 'u1',
  size: 100,
  mtimeMs: 1,
  sha256: 'f'.repeat(64),
  partSize: 10,
  startedMs: 0,
  parts: {},
};

async function onDisk(): Promise<JournalEntry[]> {
  return (JSON.parse(await readFile(join(root, '.traindeck', 'uploads.json'), 'utf8')) as { uploads: JournalEntry[] })
    .uploads;
}

describe('upload journal', () => {
  it('a part is on disk once its addPart resolved, also when sixteen arrive at once (their writes coalesce)', async () => {
    const journal = await openUploadJournal(root);
    await journal.put({ ...entry, parts: {} });
    writes.count = 0;
    const seen: number[][] = [];
    const add = (i: number) =>
      journal.addPart('b', entry.key, 'u1', i + 1, { sha256: String(i), etag: `"e${i}"` }).then(async () => {
        const parts = Object.keys((await onDisk())[0]!.parts).map(Number);
        expect(parts).toContain(i + 1);
        seen.push(parts);
      });
    const first = add(0);
    await new Promise((resolve) => setImmediate(resolve)); // part 1's write has started
    await Promise.all([first, ...Array.from({ length: 15 }, (_, i) => add(i + 1))]);
    expect(seen).toHaveLength(16);
    expect(Object.keys((await onDisk())[0]!.parts)).toHaveLength(16);
    // Part 1's write was under way; the other fifteen shared the next one.
    expect(writes.count).toBe(2);
    // A reopened journal reads what was written.
    expect(Object.keys((await openUploadJournal(root)).find('b', entry.key)!.parts)).toHaveLength(16);
  });

  it('a change after a write has started goes out with a later write, not lost', async () => {
    const journal = await openUploadJournal(root);
    const first = journal.put({ ...entry, parts: {} });
    const second = journal.addPart('b', entry.key, 'u1', 1, { sha256: 'a', etag: '"a"' });
    await first;
    const third = journal.remove('b', entry.key, 'u1');
    await Promise.all([second, third]);
    expect(await onDisk()).toEqual([]);
  });
});
