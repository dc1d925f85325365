import { describe, expect, it, vi } from 'vitest';

import { StoreError } from '../aws/ports/object-store';
import { type RetryClock, type RetryNotice, syncRetry, withRetry, withSyncRetryScope } from './retry';

/** A clock that only moves when slept on: a 60-s budget runs in microseconds, and the waits are visible. */
function fakeClock(): RetryClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const throttled = () => new StoreError('transient', 'SlowDown', { status: 503, code: 'SlowDown', key: 'runs/x/m.bin' });

describe('sync retries', () => {
  it('keep trying for the whole budget (60 s by default) with bounded, jittered waits, then say how long', async () => {
    const clock = fakeClock();
    const op = vi.fn().mockRejectedValue(throttled());
    const error = (await withRetry(op, { ...syncRetry(undefined), clock }).catch((e: unknown) => e)) as StoreError;
    const waited = clock.slept.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(60_000);
    expect(Math.max(...clock.slept)).toBeLessThanOrEqual(10_000);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.details).toMatchObject({ attempts: op.mock.calls.length, retriedMs: waited, key: 'runs/x/m.bin' });
    expect(op.mock.calls.length).toBeGreaterThan(6); // the old fixed 6 attempts gave up after ~8 s
  });

  it('outlast an outage shorter than the budget', async () => {
    const clock = fakeClock();
    const op = vi.fn(async () => {
      if (clock.now() < 20_000) throw throttled();
      return 'sent';
    });
    expect(await withRetry(op, { ...syncRetry(undefined), clock })).toBe('sent');
  });

  it('report each retry to the run that owns the request, and nowhere else', async () => {
    const clock = fakeClock();
    const mine: RetryNotice[] = [];
    const op = vi.fn().mockRejectedValueOnce(throttled()).mockRejectedValueOnce(throttled()).mockResolvedValue(1);
    await withSyncRetryScope({ onRetry: (n) => mine.push(n), overrides: { clock } }, () =>
      withRetry(op, syncRetry(undefined)),
    );
    expect(mine.map((n) => n.attempt)).toEqual([1, 2]);
    // Outside the scope, nothing reports to it.
    await withRetry(vi.fn().mockRejectedValueOnce(throttled()).mockResolvedValue(1), {
      ...syncRetry(undefined),
      clock,
    });
    expect(mine).toHaveLength(2);
  });

  it('never retry what another try cannot fix, and stop at once when cancelled', async () => {
    const clock = fakeClock();
    const denied = vi.fn().mockRejectedValue(new StoreError('access-denied', 'denied'));
    await expect(withRetry(denied, { ...syncRetry(undefined), clock })).rejects.toThrow('denied');
    expect(denied).toHaveBeenCalledOnce();
    const controller = new AbortController();
    const op = vi.fn(async () => {
      controller.abort();
      throw throttled();
    });
    await expect(withRetry(op, { ...syncRetry(controller.signal), clock })).rejects.toThrow('SlowDown');
    expect(op).toHaveBeenCalledOnce();
  });
});
