import { describe, expect, it } from 'vitest';

import { DownloadBuffers } from './download-buffers';

const ahead = () => false;
const atCursor = () => true;
const signal = () => new AbortController().signal;

describe('DownloadBuffers', () => {
  it('lends at most the budget in slabs, then makes callers wait for one to come back', async () => {
    const buffers = new DownloadBuffers(100, 30); // 3 slabs of 30 bytes
    expect(buffers.budgetBytes).toBe(90);
    const taken = await Promise.all([1, 2, 3].map(() => buffers.take(signal(), atCursor)));
    expect(taken.every((slab) => slab.length === 30)).toBe(true);
    expect(buffers.heldBytes).toBe(90);
    let fourth: Buffer | undefined;
    const waiting = buffers.take(signal(), atCursor).then((slab) => (fourth = slab));
    await Promise.resolve();
    expect(fourth).toBeUndefined();
    buffers.give(taken[1]!.subarray(5, 9)); // any view of the slab gives it back
    await waiting;
    expect(fourth!.buffer).toBe(taken[1]!.buffer); // reused, not a new allocation
    expect(buffers.peakHeldBytes).toBe(90);
  });

  it('keeps the last slab for a range at its hash cursor: those ahead wait until two are free', async () => {
    const buffers = new DownloadBuffers(30, 10); // 3 slabs
    const first = await buffers.take(signal(), atCursor);
    const second = await buffers.take(signal(), ahead);
    const order: string[] = [];
    const aheadWaits = buffers.take(signal(), ahead).then(() => order.push('ahead'));
    const cursorWaits = buffers.take(signal(), atCursor).then(() => order.push('at cursor'));
    await cursorWaits; // came later, served at once with the last slab
    expect(order).toEqual(['at cursor']);
    buffers.give(second);
    await Promise.resolve();
    expect(buffers.waiting).toBe(1); // one free: still kept for a range at its cursor
    buffers.give(first);
    await aheadWaits;
    expect(order).toEqual(['at cursor', 'ahead']);
    expect(buffers.heldBytes).toBe(20); // the one at its cursor and the one ahead
  });

  it('drops a cancelled wait, and refuses a slab given back twice', async () => {
    const buffers = new DownloadBuffers(10, 10);
    const slab = await buffers.take(signal(), atCursor);
    const stop = new AbortController();
    const cancelled = buffers.take(stop.signal, atCursor);
    expect(buffers.waiting).toBe(1);
    stop.abort(new Error('stopped'));
    await expect(cancelled).rejects.toThrow('stopped');
    expect(buffers.waiting).toBe(0);
    buffers.give(slab);
    expect(buffers.heldBytes).toBe(0);
    expect(() => buffers.give(slab)).toThrow(/given back twice/);
    await expect(buffers.take(stop.signal, atCursor)).rejects.toThrow('stopped');
  });

  it('refuses a budget smaller than one slab with a sentence saying what to give', () => {
    expect(() => new DownloadBuffers(1000, 4096)).toThrow(
      'the download memory budget (1000 bytes) is smaller than one 4096-byte buffer; give it at least 4096 bytes',
    );
  });
});
