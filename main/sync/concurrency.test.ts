import { describe, expect, it, vi } from 'vitest';

import { StoreError } from '../aws/ports/object-store';
import { createLimiter } from './limiter';
import { SyncProgressTracker } from './progress';
import { isRetryable, withRetry } from './retry';

describe('limiter', () => {
  it('never runs more than its concurrency, and runs everything', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 1));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot when a task throws', async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await limit(async () => 'next')).toBe('next');
  });
});

describe('retry', () => {
  const fast = { attempts: 4, baseMs: 1, capMs: 2 };

  it('retries throttling and 5xx, then succeeds', async () => {
    const op = vi
      .fn()
      .mockRejectedValueOnce(new StoreError('transient', 'SlowDown'))
      .mockRejectedValueOnce(new StoreError('bad-digest', 'BadDigest'))
      .mockResolvedValue('ok');
    expect(await withRetry(op, fast)).toBe('ok');
    expect(op).toHaveBeenCalledTimes(3);
  });

  it('gives up after its attempts with the last error', async () => {
    const op = vi.fn().mockRejectedValue(new StoreError('transient', 'SlowDown'));
    await expect(withRetry(op, fast)).rejects.toThrow('SlowDown');
    expect(op).toHaveBeenCalledTimes(4);
  });

  it('does not retry what another try cannot fix', async () => {
    for (const kind of ['access-denied', 'wrong-key', 'not-found', 'no-bucket'] as const) {
      expect(isRetryable(new StoreError(kind, kind))).toBe(false);
    }
    const op = vi.fn().mockRejectedValue(new StoreError('access-denied', 'denied'));
    await expect(withRetry(op, fast)).rejects.toThrow('denied');
    expect(op).toHaveBeenCalledOnce();
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const op = vi.fn().mockRejectedValue(new StoreError('transient', 'SlowDown'));
    const pending = withRetry(op, { attempts: 10, baseMs: 10_000, capMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('progress', () => {
  it('counts files and bytes per folder, with rate and ETA from the clock', () => {
    let now = 0;
    const actions = [
      { type: 'upload', folder: 'models', relPath: 'a', key: 'k/a', bytes: 1000, reason: '' },
      { type: 'download', folder: 'logs', relPath: 'b', key: 'k/b', bytes: 3000, reason: '' },
      { type: 'skip', folder: 'logs', relPath: 'c', key: 'k/c', bytes: 0, reason: '' },
    ] as const;
    const tracker = new SyncProgressTracker([...actions], () => now);
    now = 1000;
    tracker.addBytes('models', 1000);
    tracker.fileDone({ folder: 'models', type: 'upload' });
    const p = tracker.snapshot();
    expect(p).toMatchObject({
      filesDone: 1,
      filesTotal: 2,
      bytesDone: 1000,
      bytesTotal: 4000,
      bytesPerSecond: 1000,
      etaSeconds: 3,
    });
    expect(p.folders).toEqual({
      models: { filesDone: 1, filesTotal: 1, bytesDone: 1000, bytesTotal: 1000, bytesPerSecond: 1000 },
      logs: { filesDone: 0, filesTotal: 1, bytesDone: 0, bytesTotal: 3000, bytesPerSecond: 0 },
    });
  });

  it('gives each folder its own rate over the recent window, sampled as its bytes move', () => {
    let now = 0;
    const actions = [
      { type: 'download', folder: 'models', relPath: 'a', key: 'k/a', bytes: 100_000, reason: '' },
      { type: 'download', folder: 'logs', relPath: 'b', key: 'k/b', bytes: 100_000, reason: '' },
    ] as const;
    const tracker = new SyncProgressTracker([...actions], () => now);
    // models: 1,000 B/s for 10 s, then 4,000 B/s for 4 s; logs starts late, at 2,000 B/s.
    for (let t = 1; t <= 10; t++) {
      now = t * 1000;
      tracker.addBytes('models', 1000);
    }
    for (let t = 11; t <= 14; t++) {
      now = t * 1000;
      tracker.addBytes('models', 4000);
      tracker.addBytes('logs', 2000);
    }
    const p = tracker.snapshot();
    // The window (5 s, from the sample at 9 s): (26,000 - 9,000) / 5 s, not the 1,857 B/s average.
    expect(p.folders.models!.bytesPerSecond).toBe(3400);
    // logs started late: its window soon starts at its own first bytes, not at the sync's start.
    expect(p.folders.logs!.bytesPerSecond).toBe(2000);
    expect(p.bytesPerSecond).toBe(Math.round((34_000 - 9_000) / 5));
  });
});

describe('progress: deletions are not files', () => {
  it('a push of 3 files that deletes 2 remote objects says 3 files and 2 deletions, not 5 files', () => {
    const file = (n: number) =>
      ({ type: 'upload', folder: 'models', relPath: `f${n}`, key: `k/f${n}`, bytes: 10, reason: '' }) as const;
    const gone = (n: number) =>
      ({ type: 'delete-remote', folder: 'models', relPath: `d${n}`, key: `k/d${n}`, bytes: 0, reason: '' }) as const;
    const actions = [file(1), file(2), file(3), gone(1), gone(2)];
    const tracker = new SyncProgressTracker([...actions], () => 0);
    for (const action of actions) tracker.fileDone(action);
    const p = tracker.snapshot();
    expect(p).toMatchObject({ filesDone: 3, filesTotal: 3, deletesDone: 2, deletesTotal: 2 });
    expect(p.folders.models).toMatchObject({ filesDone: 3, filesTotal: 3, deletesDone: 2, deletesTotal: 2 });
  });
});
