import type { Sleep } from '../../core/sleep';

/** A sleep that waits until aborted: each watch runs exactly one tick, then waits to be stopped. */
export const parked: Sleep = (_ms, signal) =>
  new Promise((_resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
  });

/** Waits (bounded) until the first tick's real I/O has landed; a loaded machine may take a while. */
export async function until(done: () => boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
