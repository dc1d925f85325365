import { describe, expect, it } from 'vitest';

import { FakeClock } from '../aws/testing/fake-clock';
import { retry } from './retry';

describe('retry (the one retry loop)', () => {
  it('retries only retryable errors, at most `attempts` times', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('busy'));
    };
    await expect(
      retry(failing, { attempts: 4, baseMs: 100, retryable: () => true, sleep: clock.sleep }),
    ).rejects.toThrow('busy');
    expect(calls).toBe(4);
    calls = 0;
    await expect(
      retry(failing, { attempts: 4, baseMs: 100, retryable: () => false, sleep: clock.sleep }),
    ).rejects.toThrow('busy');
    expect(calls).toBe(1);
  });

  it('stops at the time budget, never sleeping past it, and lets the policy shape the final error', async () => {
    let now = 0;
    const sleeps: { at: number; ms: number }[] = [];
    const sleep = async (ms: number) => {
      sleeps.push({ at: now, ms });
      now += ms + 1_000; // each failed call also takes a second
    };
    const outcome = retry(() => Promise.reject(new Error('down')), {
      retryable: () => true,
      budgetMs: 10_000,
      baseMs: 4_000,
      capMs: 5_000,
      now: () => now,
      sleep,
      onGiveUp: (error, attempts, elapsedMs) =>
        new Error(`${(error as Error).message} after ${attempts}, ${elapsedMs} ms`),
    });
    const error = await outcome.catch((e: unknown) => e as Error);
    const [, attempts, elapsed] = /^down after (\d+), ([\d.]+) ms$/.exec(error.message) ?? [];
    expect(Number(attempts)).toBe(sleeps.length + 1);
    expect(Number(elapsed)).toBeGreaterThanOrEqual(10_000);
    for (const { at, ms } of sleeps) {
      expect(ms).toBeLessThanOrEqual(5_000);
      expect(at + ms).toBeLessThanOrEqual(10_000);
    }
  });

  it('never calls the operation once the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          return Promise.resolve(1);
        },
        { retryable: () => true, baseMs: 1, signal: controller.signal },
      ),
    ).rejects.toThrow('cancelled');
    expect(calls).toBe(0);
  });
});
