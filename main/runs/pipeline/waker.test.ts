import { describe, expect, it } from 'vitest';

import { Waker } from './waker';

describe('Waker', () => {
  it('a wake between reading the count and the sleep is not lost: the sleep ends at once', async () => {
    const waker = new Waker();
    const seen = waker.count;
    waker.wake();
    // An hour: without the `since` check this would hang the test.
    expect(await waker.sleep(3_600_000, undefined, seen)).toBe('woken');
  });

  it('wake ends every pending sleep; abort ends one with "aborted"; a short sleep elapses', async () => {
    const waker = new Waker();
    const controller = new AbortController();
    const a = waker.sleep(3_600_000);
    const b = waker.sleep(3_600_000, controller.signal);
    controller.abort();
    expect(await b).toBe('aborted');
    waker.wake();
    expect(await a).toBe('woken');
    expect(await waker.sleep(1)).toBe('elapsed');
    expect(await waker.sleep(1, AbortSignal.abort())).toBe('aborted');
  });
});
