import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { raceAbort } from './abort';

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
