import { createHash } from 'node:crypto';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { OrderedHash } from './ordered-hash';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Cuts `[0, size)` at the given points into consecutive ranges. */
function ranges(size: number, cuts: number[]): Array<{ start: number; end: number }> {
  const points = [...new Set([0, ...cuts.map((c) => c % size), size])].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => ({ start: points[i]!, end }));
}

describe('OrderedHash', () => {
  it('hashes ranges delivered in any order as the whole, holding only what is ahead of the cursor', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 4096 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (data, cuts, order) => {
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
          expect(hash.digest()).toBe(sha(bytes));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('refuses bytes that overlap what it already has, and a digest with a gap', () => {
    const hash = new OrderedHash(10);
    hash.add(0, Buffer.alloc(4));
    expect(() => hash.add(2, Buffer.alloc(2))).toThrow(/overlap/);
    hash.add(6, Buffer.alloc(4));
    expect(() => hash.add(6, Buffer.alloc(1))).toThrow(/overlap/);
    expect(() => hash.add(8, Buffer.alloc(4))).toThrow(/overlap/);
    expect(() => hash.digest()).toThrow(/only 4 of 10 bytes/);
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
});
