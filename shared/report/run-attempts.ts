/**
 * The attempts of a run: each launch of its instance. A spot run that was interrupted and
 * relaunched has several, in launch order; every other run has one (or none before launch).
 * Read by the monitor's timeline, the run report and the notifications; filled by the relaunch engine.
 */

/** Why an attempt ended. */
export const ATTEMPT_ENDS = ['interrupted', 'finished', 'failed', 'stopped', 'launch-failed'] as const;
/** One of {@link ATTEMPT_ENDS}. */
export type AttemptEnd = (typeof ATTEMPT_ENDS)[number];

/** One launch of a run's instance; a spot run that was relaunched has several. */
export interface RunAttempt {
  /** 1-based, in launch order. */
  attempt: number;
  instanceId: string;
  instanceType: string;
  zone: string;
  market: 'spot' | 'on-demand';
  /** ISO 8601 */
  startedAt: string;
  /** ISO 8601; absent while it runs. */
  endedAt?: string;
  /** Why it ended; absent while it runs. */
  end?: 'interrupted' | 'finished' | 'failed' | 'stopped' | 'launch-failed';
  /** Dollars; undefined when it cannot be priced ("unknown", never $0). */
  costUsd?: number;
}

/** How each end reads, in words (never a colour alone). */
export const ATTEMPT_END_WORDS: Record<AttemptEnd, string> = {
  interrupted: 'spot interruption',
  finished: 'finished',
  failed: 'failed',
  stopped: 'stopped',
  'launch-failed': 'launch failed',
};

/** An attempt's state in words: why it ended, or "running". */
export function attemptEndWords(attempt: Pick<RunAttempt, 'end'>): string {
  return attempt.end ? ATTEMPT_END_WORDS[attempt.end] : 'running';
}

/**
 * Seconds an attempt lasted: start → end, or start → `now` (ms since epoch) while it runs.
 * Undefined when a time is missing or unreadable, or when it runs and no `now` is given.
 */
export function attemptDurationSeconds(
  attempt: Pick<RunAttempt, 'startedAt' | 'endedAt'>,
  now?: number,
): number | undefined {
  const from = Date.parse(attempt.startedAt);
  const to = attempt.endedAt !== undefined ? Date.parse(attempt.endedAt) : now;
  if (to === undefined || !Number.isFinite(from) || !Number.isFinite(to)) return undefined;
  return Math.max(0, to - from) / 1000;
}

/**
 * The cost of all attempts together: null ("unknown", never $0) when any attempt cannot be
 * priced, including one still running; 0 only for no attempts at all.
 */
export function attemptsTotalCostUsd(attempts: ReadonlyArray<Pick<RunAttempt, 'costUsd'>>): number | null {
  let total = 0;
  for (const attempt of attempts) {
    if (attempt.costUsd === undefined || !Number.isFinite(attempt.costUsd)) return null;
    total += attempt.costUsd;
  }
  return total;
}

/**
 * True when the attempts are worth a list of their own: more than one launch, or one that ended
 * other than "finished" (a run with a single attempt that finished says nothing new by it, nor
 * does one still running).
 */
export function attemptsWorthListing(attempts: ReadonlyArray<Pick<RunAttempt, 'end'>> | undefined): boolean {
  if (!attempts?.length) return false;
  return attempts.length > 1 || attempts.some((a) => a.end !== undefined && a.end !== 'finished');
}

/** Attempts in launch order (by `attempt`), whatever order they were recorded in. */
export function attemptsInOrder<T extends Pick<RunAttempt, 'attempt'>>(attempts: readonly T[]): T[] {
  return [...attempts].sort((a, b) => a.attempt - b.attempt);
}
