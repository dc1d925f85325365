import { getEventListeners } from 'node:events';

import { describe, expect, it } from 'vitest';

import { raceAbort, sleep, whenAborted } from './abort';

describe('raceAbort', () => {
  it('settles with the promise and leaves no abort listener behind', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('no')), controller.signal)).rejects.toThrow('no');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the reason when the signal aborts first, even if the work never settles', async () => {
    const controller = new AbortController();
    const raced = raceAbort(new Promise<never>(() => {}), controller.signal);
    controller.abort(new Error('limit'));
    await expect(raced).rejects.toThrow('limit');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an already aborted signal rejects at once, and the work failing later is not an unhandled rejection', async () => {
    const signal = AbortSignal.abort(new Error('spent'));
    let fail: (error: Error) => void = () => {};
    await expect(raceAbort(new Promise((_resolve, reject) => (fail = reject)), signal)).rejects.toThrow('spent');
    fail(new Error('late'));
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});

describe('sleep', () => {
  it('many sleeps on one long-lived signal leave no abort listener behind (no MaxListenersExceededWarning)', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the reason on abort, and at once when already aborted', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('cancelled by the user'));
    await expect(waiting).rejects.toThrow('cancelled by the user');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(sleep(60_000, AbortSignal.abort(new Error('spent')))).rejects.toThrow('spent');
  });
});

describe('whenAborted', () => {
  it('calls back once on abort; the disposer removes the listener', () => {
    const controller = new AbortController();
    const seen: unknown[] = [];
    const dispose = whenAborted(controller.signal, (reason) => seen.push(reason));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    dispose();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    whenAborted(controller.signal, (reason) => seen.push(reason));
    controller.abort('stop');
    controller.abort('again');
    expect(seen).toEqual(['stop']);
    whenAborted(controller.signal, (reason) => seen.push(`late ${String(reason)}`));
    expect(seen).toEqual(['stop', 'late stop']);
  });
});
