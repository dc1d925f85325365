import { TypedError } from '../../shared/ipc/result';
import type { Clock } from '../core/clock';
import type { Sleep } from '../core/sleep';

/** Limits of one wait: there is no unbounded wait anywhere. */
export interface WaitOptions {
  /** What is awaited, for the timeout message ("instance i-… to be running"). */
  what: string;
  maxMs: number;
  intervalMs: number;
  clock: Clock;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Called after each probe that found nothing yet, with the time waited so far (progress lines). */
  onPoll?(elapsedMs: number): void;
}

/**
 * Polls `probe` until it returns a value, at most `maxMs` (then TIMEOUT), stopping at once
 * when `signal` aborts. A probe that throws ends the wait with that error.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const started = options.clock.now();
  const deadline = started + options.maxMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const value = await probe();
    if (value !== undefined) return value;
    const left = deadline - options.clock.now();
    if (left <= 0) {
      throw new TypedError(
        'TIMEOUT',
        `Gave up waiting for ${options.what} after ${Math.round(options.maxMs / 1000)} s.`,
      );
    }
    options.onPoll?.(options.clock.now() - started);
    await options.sleep(Math.min(options.intervalMs, left), options.signal);
  }
}
