import type { Sleep } from './sleep';
import { realSleep } from './sleep';

/** What a retry is about to do (the sync engine reports it as a `retry` event and one stderr line). */
export interface RetryNotice {
  attempt: number;
  error: unknown;
  delayMs: number;
}

/** How hard to retry one call. The first limit reached (attempts or time) ends it. */
export interface RetryPolicy {
  /** Whether this failure is worth another try (throttling, 5xx, resets…); anything else is thrown at once. */
  retryable(error: unknown): boolean;
  /** At most this many attempts (including the first). */
  attempts?: number | undefined;
  /** No new attempt once this long has passed since the first began. */
  budgetMs?: number | undefined;
  /** The first backoff ceiling; it doubles with each attempt. */
  baseMs: number;
  /** The backoff ceiling never passes this (none when absent). */
  capMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Time as the retries see it; tests pass a fake clock so a 60-s budget runs in milliseconds. */
  now?: (() => number) | undefined;
  sleep?: Sleep | undefined;
  /** Called before each new attempt. */
  onRetry?: ((notice: RetryNotice) => void) | undefined;
  /** What to throw once the limits are reached (e.g. the error with the attempts it took); the error itself when absent. */
  onGiveUp?: ((error: unknown, attempts: number, elapsedMs: number) => unknown) | undefined;
}

/**
 * Runs `operation` until it succeeds, fails with an error `retryable` refuses, runs out of
 * attempts or time, or the signal aborts. Backoff is capped exponential with full jitter, so
 * many parallel calls throttled together do not retry in lockstep. The one retry loop of
 * TrainDeck: the sync engine's 60-s budget and the launch's few quick attempts are policies of it.
 */
export async function retry<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const now = policy.now ?? Date.now;
  const sleep = policy.sleep ?? realSleep;
  const started = now();
  for (let attempt = 1; ; attempt += 1) {
    policy.signal?.throwIfAborted();
    try {
      return await operation();
    } catch (error) {
      if (!policy.retryable(error) || policy.signal?.aborted) throw error;
      const elapsed = now() - started;
      const outOfAttempts = policy.attempts !== undefined && attempt >= policy.attempts;
      const outOfTime = policy.budgetMs !== undefined && elapsed >= policy.budgetMs;
      if (outOfAttempts || outOfTime) throw policy.onGiveUp ? policy.onGiveUp(error, attempt, elapsed) : error;
      const ceiling = Math.min(policy.capMs ?? Infinity, policy.baseMs * 2 ** (attempt - 1));
      const left = policy.budgetMs === undefined ? ceiling : Math.max(0, policy.budgetMs - elapsed);
      const delayMs = Math.min(left, Math.random() * ceiling);
      policy.onRetry?.({ attempt, error, delayMs });
      await sleep(delayMs, policy.signal);
    }
  }
}
