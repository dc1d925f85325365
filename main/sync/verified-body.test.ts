import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fileRangeStream, hashFileParts } from './verified-body';

const KiB = 1024;
const MiB = 1024 * KiB;
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verified-body-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('hashFileParts', () => {
  // Sizes around the 1 MiB read chunk and parts that end inside, on and across chunk boundaries.
  const sizes = fc.oneof(
    fc.integer({ min: 1, max: 64 * KiB }),
    fc.integer({ min: MiB - 3, max: MiB + 3 }),
    fc.integer({ min: 2 * MiB - 1, max: 3 * MiB + 17 }),
  );
  // At least 16 KiB: a part of a few bytes would make millions of digests, not a new case.
  const partSizes = fc.oneof(
    fc.integer({ min: 16 * KiB, max: 96 * KiB }),
    fc.constantFrom(MiB, MiB + 1, 2 * MiB, 4 * MiB),
  );

  it('hashes the whole file and every part of it from one read: the parts cover the file exactly, in order', async () => {
    const file = join(dir, 'property.bin');
    const source = randomBytes(3 * MiB + 17);
    await fc.assert(
      fc.asyncProperty(sizes, partSizes, async (size, partSize) => {
        const bytes = source.subarray(0, size);
        await writeFile(file, bytes);
        const hashes = await hashFileParts(file, size, partSize);
        expect(hashes).not.toBe('changed');
        if (hashes === 'changed') return;
        expect(hashes.sha256).toBe(sha(bytes));
        const expected: string[] = [];
        for (let start = 0; start < size; start += partSize) {
          expected.push(sha(bytes.subarray(start, start + partSize)));
        }
        expect(hashes.parts).toEqual(expected);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it('reads only the planned size of a file that grew, and answers changed for one that shrank', async () => {
    const file = join(dir, 'grown.bin');
    const bytes = randomBytes(2 * MiB + 5);
    await writeFile(file, bytes);
    expect(await hashFileParts(file, MiB, MiB / 2)).toEqual({
      sha256: sha(bytes.subarray(0, MiB)),
      parts: [sha(bytes.subarray(0, MiB / 2)), sha(bytes.subarray(MiB / 2, MiB))],
    });
    await truncate(file, MiB + 1);
    expect(await hashFileParts(file, 2 * MiB + 5, MiB)).toBe('changed');
  });

  it('an empty file has the empty hash and no parts; a file shorter than its part is one part, its whole', async () => {
    const file = join(dir, 'small.bin');
    await writeFile(file, '');
    expect(await hashFileParts(file, 0, MiB)).toEqual({ sha256: sha(Buffer.alloc(0)), parts: [] });
    await writeFile(file, 'abc');
    expect(await hashFileParts(file, 3, MiB)).toEqual({
      sha256: sha(Buffer.from('abc')),
      parts: [sha(Buffer.from('abc'))],
    });
  });

  it('stops when its signal aborts, with the signal’s reason', async () => {
    const file = join(dir, 'abort.bin');
    await writeFile(file, randomBytes(3 * MiB));
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    controller.abort(reason);
    await expect(hashFileParts(file, 3 * MiB, MiB, controller.signal)).rejects.toBe(reason);
  });
});

describe('fileRangeStream', () => {
  it('delivers exactly the bytes of its range, without calling onShort', async () => {
    const file = join(dir, 'range.bin');
    const bytes = randomBytes(2 * MiB + 100);
    await writeFile(file, bytes);
    let short = false;
    const range = { start: MiB - 7, end: 2 * MiB + 50 };
    const body = await readAll(fileRangeStream(file, range, () => (short = true)));
    expect(body.equals(bytes.subarray(range.start, range.end + 1))).toBe(true);
    expect(short).toBe(false);
  });

  it('calls onShort when the file ends before the range does (it shrank since it was hashed)', async () => {
    const file = join(dir, 'shrunk.bin');
    await writeFile(file, randomBytes(MiB));
    const calls: Array<Error | undefined> = [];
    const body = await readAll(fileRangeStream(file, { start: 0, end: 2 * MiB - 1 }, (error) => calls.push(error)));
    expect(body.length).toBe(MiB);
    expect(calls).toEqual([undefined]);
  });

  it('calls onShort with the read error when the file cannot be read', async () => {
    const calls: Array<Error | undefined> = [];
    const stream = fileRangeStream(join(dir, 'missing.bin'), { start: 0, end: 9 }, (error) => calls.push(error));
    await expect(readAll(stream)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(calls).toEqual([expect.objectContaining({ code: 'ENOENT' })]);
  });
});
