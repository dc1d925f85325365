import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from './object-store';

/** How hard to retry one request. */
export interface RetryOptions {
  attempts: number;
  baseMs: number;
  capMs: number;
  signal?: AbortSignal;
  /** Called before each new attempt (progress lines, tests). */
  onRetry?: (attempt: number, error: unknown, delayMs: number) => void;
}

/** Retry settings of the sync engine: 6 attempts, 250 ms doubling to at most 8 s, full jitter. */
export const SYNC_RETRY: Omit<RetryOptions, 'signal' | 'onRetry'> = { attempts: 6, baseMs: 250, capMs: 8_000 };

/** {@link SYNC_RETRY} bound to a signal (every sync request retries the same way). */
export function syncRetry(signal: AbortSignal | undefined): RetryOptions {
  return { ...SYNC_RETRY, ...(signal ? { signal } : {}) };
}

/** Throttling, 5xx, connection resets and bad digests (the body is re-read) are worth another try. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof StoreError) return error.kind === 'transient' || error.kind === 'bad-digest';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT';
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, runs out of attempts,
 * or the signal aborts. Backoff is capped exponential with full jitter, so many parallel
 * transfers that hit SlowDown together do not retry in lockstep.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      return await operation();
    } catch (error) {
      if (attempt >= options.attempts || !isRetryable(error) || options.signal?.aborted) throw error;
      const delayMs = Math.random() * Math.min(options.capMs, options.baseMs * 2 ** (attempt - 1));
      options.onRetry?.(attempt, error, delayMs);
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}
