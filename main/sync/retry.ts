import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { StoreError } from '../aws/ports/object-store';
import { retry, type RetryNotice } from '../core/retry';

/** Time as retries see it; tests pass a fake one so a 60-s budget runs in milliseconds. */
export interface RetryClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type { RetryNotice } from '../core/retry';

/** How hard to retry one request. The first limit reached (attempts or time) ends it. */
export interface RetryOptions {
  /** At most this many attempts (including the first). */
  attempts?: number;
  /** No new attempt once this long has passed since the first began. */
  budgetMs?: number;
  baseMs: number;
  capMs: number;
  signal?: AbortSignal;
  clock?: RetryClock;
  /** Called before each new attempt (the `retry` event, tests). */
  onRetry?: (notice: RetryNotice) => void;
}

/**
 * Retry settings of the sync engine: every request keeps trying for 60 s (a gateway restart,
 * a short network outage, a throttling burst), 250 ms doubling to at most 10 s, full jitter.
 * The attempt cap only bounds a pathological run of near-zero jitters.
 */
const SYNC_RETRY: Omit<RetryOptions, 'signal' | 'onRetry'> = {
  budgetMs: 60_000,
  attempts: 60,
  baseMs: 250,
  capMs: 10_000,
};

/** What one sync run sets for all its requests (see {@link withSyncRetryScope}). */
export interface SyncRetryScope {
  onRetry?: (notice: RetryNotice) => void;
  /** Overrides of {@link SYNC_RETRY}: a shorter budget or a fake clock in tests. */
  overrides?: Partial<Omit<RetryOptions, 'signal' | 'onRetry'>>;
}

// The scope rides on the async context rather than on every call's arguments: planning, uploads,
// downloads and deletes all retry through `syncRetry(signal)`, and each reports to its own run.
const scope = new AsyncLocalStorage<SyncRetryScope>();

/** Runs `operation` with every {@link syncRetry} inside it reporting to `retryScope`. */
export function withSyncRetryScope<T>(retryScope: SyncRetryScope, operation: () => Promise<T>): Promise<T> {
  return scope.run(retryScope, operation);
}

/** {@link SYNC_RETRY} bound to a signal and the current run's scope (every sync request retries the same way). */
export function syncRetry(signal: AbortSignal | undefined): RetryOptions {
  const current = scope.getStore();
  return {
    ...SYNC_RETRY,
    ...current?.overrides,
    ...(signal ? { signal } : {}),
    ...(current?.onRetry ? { onRetry: current.onRetry } : {}),
  };
}

/** Throttling, 5xx, connection resets and timeouts are worth another try. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof StoreError) return error.kind === 'transient' || error.kind === 'bad-digest';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT';
}

const realClock: RetryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : {}),
};

/**
 * The kernel's {@link retry} with the sync engine's view of failures: store errors that are
 * transient (or a bad digest) are retried, and one that ran out of retries says so
 * (`details.attempts`, `details.retriedMs`) for the message.
 */
export function withRetry<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? realClock;
  return retry(operation, {
    ...options,
    retryable: isRetryable,
    now: () => clock.now(),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    onGiveUp: gaveUp,
  });
}

function gaveUp(error: unknown, attempts: number, retriedMs: number): unknown {
  if (!(error instanceof StoreError) || attempts === 1) return error;
  return new StoreError(error.kind, error.message, { ...error.details, attempts, retriedMs });
}
