/**
 * Cuts a run's reconnect pause short. The desktop calls {@link Waker.wake} when the computer
 * wakes from sleep or the network comes back (and the user's "retry now"): a follower waiting
 * out its slow retry tries at once, and a follower that believes its connection is fine checks
 * it at once (a link that died during sleep may look open for a while).
 */
export class Waker {
  private readonly sleepers = new Set<() => void>();
  private generation = 0;

  /** Ends every pending {@link Waker.sleep} and marks a wake for {@link Waker.consume}. */
  wake(): void {
    this.generation += 1;
    for (const resolve of [...this.sleepers]) resolve();
  }

  /** The wake count: a caller remembers it and compares later to learn whether a wake came in between. */
  get count(): number {
    return this.generation;
  }

  /**
   * Waits `ms`, or less: resolves `'woken'` on {@link Waker.wake} (at once when a wake came
   * since the caller read {@link Waker.count} as `since`, so a wake between "decided to wait" and
   * the wait is never lost), `'aborted'` when `signal` aborts, `'elapsed'` otherwise. Never
   * rejects; leaves no timer or listener behind.
   */
  sleep(ms: number, signal?: AbortSignal, since = this.generation): Promise<'woken' | 'aborted' | 'elapsed'> {
    if (since !== this.generation) return Promise.resolve('woken');
    if (signal?.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const finish = (why: 'woken' | 'aborted' | 'elapsed') => {
        clearTimeout(timer);
        this.sleepers.delete(onWake);
        signal?.removeEventListener('abort', onAbort);
        resolve(why);
      };
      const onWake = () => finish('woken');
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('elapsed'), ms);
      this.sleepers.add(onWake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
