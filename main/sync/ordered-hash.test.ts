import { createHash } from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { OrderedHash, type Sha256Sink } from './ordered-hash';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Cuts `[0, size)` at the given points into consecutive ranges. */
function ranges(size: number, cuts: number[]): Array<{ start: number; end: number }> {
  const points = [...new Set([0, ...cuts.map((c) => c % size), size])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => ({ start: points[i]!, end }));
}

describe('OrderedHash', () => {
  it('hashes ranges delivered in any order as the whole, holding only what is ahead of the cursor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 4096 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        async (data, cuts, order) => {
          const bytes = Buffer.from(data);
          const pieces = ranges(bytes.length, cuts);
          // A permutation of the pieces driven by `order` (Fisher-Yates with the given numbers).
          for (let i = pieces.length - 1; i > 0; i -= 1) {
            const j = (order[i % Math.max(order.length, 1)] ?? 0) % (i + 1);
            [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
          }
          const hash = new OrderedHash(bytes.length);
          let delivered = 0;
          for (const piece of pieces) {
            hash.add(piece.start, bytes.subarray(piece.start, piece.end));
            delivered += piece.end - piece.start;
            expect(hash.hashed + hash.heldBytes).toBe(delivered);
          }
          expect(hash.heldBytes).toBe(0);
          expect(await hash.digest()).toBe(sha(bytes));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('refuses bytes that overlap what it already has, and a digest with a gap', async () => {
    const hash = new OrderedHash(10);
    hash.add(0, Buffer.alloc(4));
    expect(() => hash.add(2, Buffer.alloc(2))).toThrow(/overlap/);
    hash.add(6, Buffer.alloc(4));
    expect(() => hash.add(6, Buffer.alloc(1))).toThrow(/overlap/);
    expect(() => hash.add(8, Buffer.alloc(4))).toThrow(/overlap/);
    await expect(hash.digest()).rejects.toThrow(/only 4 of 10 bytes/);
  });

  it('wakes a waiter once the bytes before its offset are hashed, and rejects it on abort', async () => {
    const hash = new OrderedHash(8);
    const controller = new AbortController();
    let woke = false;
    const waiting = hash.reached(6, controller.signal).then(() => (woke = true));
    hash.add(4, Buffer.alloc(4));
    await Promise.resolve();
    expect(woke).toBe(false);
    hash.add(0, Buffer.alloc(4));
    await waiting;
    expect(woke).toBe(true);

    const stop = new AbortController();
    const never = hash.reached(9, stop.signal);
    stop.abort(new Error('stopped'));
    await expect(never).rejects.toThrow('stopped');
  });

  // A hash on another thread reads the bytes after `add` returns: the caller may reuse them only
  // once the hash says so (a promise from `add`, or `release` for held bytes).
  it('with a sink that reads later, no bytes are released before they are hashed, in any order of arrival', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
        async (data, cuts, order, turns) => {
          const bytes = Buffer.from(data);
          const pieces = ranges(bytes.length, cuts);
          for (let i = pieces.length - 1; i > 0; i -= 1) {
            const j = (order[i % Math.max(order.length, 1)] ?? 0) % (i + 1);
            [pieces[i], pieces[j]] = [pieces[j]!, pieces[i]!];
          }
          // Reused memory is overwritten at once, as a slab refilled by the next socket read would be.
          const scribble = (piece: Buffer) => void piece.fill(0xaa);
          const sink = laterSink(turns);
          const hash = new OrderedHash(bytes.length, scribble, sink);
          const reading: Array<Promise<void>> = [];
          for (const piece of pieces) {
            const copy = Buffer.from(bytes.subarray(piece.start, piece.end));
            const atCursor = piece.start === hash.hashed;
            const hashing = hash.add(piece.start, copy);
            if (atCursor) {
              expect(hashing).toBeInstanceOf(Promise);
              reading.push(hashing!.then(() => scribble(copy)));
            } else expect(hashing).toBeUndefined();
            if (turns[0] === 0) await tick();
          }
          await Promise.all(reading);
          expect(await hash.digest()).toBe(sha(bytes));
          expect(sink.updated).toBe(bytes.length);
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it('a sink that fails fails the next add and the digest; discard still gives every held buffer back', async () => {
    const refused = new Error('the SHA-256 thread stopped');
    let updates = 0;
    const sink: Sha256Sink = {
      update: async () => {
        await tick();
        if ((updates += 1) === 2) throw refused;
      },
      digest: () => 'never asked',
    };
    const released: Buffer[] = [];
    const hash = new OrderedHash(12, (held) => released.push(held), sink);
    await hash.add(0, Buffer.alloc(4));
    await hash.add(4, Buffer.alloc(4)); // the sink's second update fails
    expect(() => hash.add(8, Buffer.alloc(2))).toThrow(refused);
    expect(released).toEqual([]);
    await expect(hash.digest()).rejects.toThrow(/only 8 of 12/);
    await hash.discard();
    expect(released).toEqual([]);

    const ahead = new OrderedHash(8, (b) => released.push(b), sink);
    const kept = Buffer.alloc(4);
    ahead.add(4, kept);
    await ahead.discard();
    expect(released).toEqual([kept]);
  });
});

/** An in-order SHA-256 that reads each update after some event-loop turns (as another thread would). */
function laterSink(turns: number[]): Sha256Sink & { updated: number } {
  const hash = createHash('sha256');
  let queue = Promise.resolve();
  let nth = 0;
  const sink = {
    updated: 0,
    update(bytes: Buffer) {
      const wait = turns[nth++ % turns.length]!;
      queue = queue.then(async () => {
        for (let i = 0; i < wait; i += 1) await tick();
        hash.update(bytes);
        sink.updated += bytes.length;
      });
      return queue;
    },
    async digest() {
      await queue;
      return hash.digest('hex');
    },
  };
  return sink;
}
