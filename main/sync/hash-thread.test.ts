import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import { HashThread } from './hash-thread';
import { bundleTestScript } from './testing/bundle-script';
import { answersFirst, exitsAfter } from './testing/hash-thread-programs';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Bytes in a SharedArrayBuffer at an offset inside it, as a download slab lends them. */
function sharedBytes(size: number, seed: number, offset = 16): Buffer {
  const bytes = Buffer.from(new SharedArrayBuffer(size + offset + 8), offset, size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 13 + seed) & 0xff;
  return bytes;
}

const threads: HashThread[] = [];
const thread = (source?: string) => {
  const made = new HashThread(source);
  threads.push(made);
  return made;
};
afterEach(async () => {
  await Promise.all(threads.splice(0).map((t) => t.close()));
});

describe('HashThread', () => {
  it('hashes shared bytes in place and other bytes by copy, each job in its own order, interleaved', async () => {
    const hashes = thread();
    const a = hashes.job();
    const b = hashes.job();
    const pieces = [sharedBytes(100_000, 1), sharedBytes(3, 2, 0), Buffer.from('plain, not shared')];
    const reversed = [...pieces].reverse();
    const updates: Array<Promise<void> | void> = [];
    for (let i = 0; i < pieces.length; i += 1) updates.push(a.update(pieces[i]!), b.update(reversed[i]!));
    await Promise.all(updates);
    expect(await a.digest()).toBe(sha(Buffer.concat(pieces)));
    expect(await b.digest()).toBe(sha(Buffer.concat(reversed)));
    expect(await hashes.job().digest()).toBe(sha(Buffer.alloc(0)));
  });

  // The download reuses a slab as soon as its update settles: by then the thread must be done with it.
  it('has read the bytes when an update settles: memory overwritten then changes no hash', async () => {
    const hashes = thread();
    const job = hashes.job();
    const slab = sharedBytes(1 << 20, 0, 0);
    const whole: Buffer[] = [];
    for (let round = 0; round < 20; round += 1) {
      slab.fill(round * 11);
      whole.push(Buffer.from(slab));
      await job.update(slab);
    }
    expect(await job.digest()).toBe(sha(Buffer.concat(whole)));
  });

  it('a thread that dies fails every pending and later call with a sentence, and never hangs', async () => {
    const hashes = thread(exitsAfter(2));
    const job = hashes.job();
    await job.update(sharedBytes(10, 1));
    await job.update(sharedBytes(10, 2));
    const pending = job.update(sharedBytes(10, 3));
    await expect(pending).rejects.toThrow(/the SHA-256 thread stopped \(it exited with code 7\).*Run the sync again/);
    await expect(job.digest()).rejects.toThrow(/SHA-256 thread stopped/);
    await expect(hashes.job().update(sharedBytes(4, 4))).rejects.toThrow(/SHA-256 thread stopped/);
  });

  it('a thread whose program throws fails the calls with its message in the sentence', async () => {
    const hashes = thread("throw new Error('the hash library failed to load')");
    await expect(hashes.job().update(sharedBytes(10, 1))).rejects.toThrow(
      /^the SHA-256 thread stopped \(the hash library failed to load\), so the download could not be checked/,
    );
    await expect(hashes.job().digest()).rejects.toThrow(/SHA-256 thread stopped/);
  });

  it('close ends the thread: what was pending fails, nothing keeps the process alive', async () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length;
    // A thread that answers its first update only: the second is surely pending when close comes (a real
    // thread could finish its MiB first on an idle machine, and the update would then rightly resolve).
    const hashes = thread(answersFirst(1));
    const job = hashes.job();
    await job.update(sharedBytes(10, 1));
    const pending = expect(job.update(sharedBytes(1 << 20, 2))).rejects.toThrow(/ended before the hash was complete/);
    await hashes.close();
    await pending;
    await expect(job.digest()).rejects.toThrow(/ended before the hash was complete/);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length).toBeLessThanOrEqual(before);
  });

  // The download gives a slab back to the budget when its update settles, rejected or not; a sync
  // that ends with a hash pending (close) must not lend memory the thread still reads.
  it('close fails a pending update only once the thread has stopped reading its bytes', async () => {
    // Reads the update's bytes for ever, counting its passes in the 4 bytes before them.
    const readsForEver = `
      require('node:worker_threads').parentPort.on('message', (m) => {
        const passes = new Int32Array(m.memory, 0, 1);
        for (;;) Atomics.add(passes, 0, new Uint8Array(m.memory, m.offset, m.length)[0] | 1);
      });`;
    const hashes = thread(readsForEver);
    const slab = sharedBytes(64, 1);
    const passes = new Int32Array(slab.buffer, 0, 1);
    const pending = hashes.job().update(slab);
    while (Atomics.load(passes, 0) === 0) await new Promise((r) => setTimeout(r, 5));
    const closed = hashes.close();
    const atFailure = await Promise.resolve(pending).then(
      () => 'settled without an answer',
      () => Atomics.load(passes, 0),
    );
    await closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(Atomics.load(passes, 0)).toBe(atFailure);
  });

  it('a job dropped unread leaves the thread serving the others', async () => {
    const hashes = thread();
    const dropped = hashes.job();
    await dropped.update(sharedBytes(10, 1));
    dropped.drop?.();
    const kept = hashes.job();
    const bytes = sharedBytes(1000, 5);
    await kept.update(bytes);
    expect(await kept.digest()).toBe(sha(bytes));
  });

  // With the thread unref'd throughout, a process whose only pending work was an awaited hash
  // exited before the answer came (Node's exit code 13: an unsettled top-level await).
  it.each(['close', 'leave'])(
    'a process waiting only for the thread gets its answer, then exits by itself (%s)',
    async (ending) => {
      const script = await bundleTestScript('hash-thread-alone');
      const { stdout } = await promisify(execFile)(process.execPath, [script, ending], { timeout: 30_000 });
      expect(stdout.trim()).toBe(sha(Buffer.alloc(64 << 20, 7)));
    },
    60_000,
  );
});
