import type { EarlierAttemptsCost } from '../monitor/cost';
import { formatUsd } from './format';

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
  /** Dollars: its instance, root volume and public IPv4 for its own duration; undefined when it cannot be priced ("unknown", never $0). */
  costUsd?: number;
  /** `costUsd` is at most this (a spot attempt priced on-demand, or at the dearest zone): see `costNote`. */
  costUpperBound?: boolean;
  /** How it was priced, or why it cannot be (shared/pricing/attempt-cost.ts). */
  costNote?: string;
}

/** An attempt's price: the cost fields of {@link RunAttempt}. */
export type AttemptCost = Pick<RunAttempt, 'costUsd' | 'costUpperBound' | 'costNote'>;

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

/** What attempts cost together (see {@link attemptsTotalCost}). */
export interface AttemptsTotal {
  /** Dollars; null ("unknown", never $0) when an attempt has no price. */
  usd: number | null;
  /** `usd` is at most this: an attempt's is an upper bound. */
  upperBound: boolean;
  /** The attempts (numbers) without a price: the reason `usd` is null. */
  unpriced: number[];
}

/** True when an attempt has a usable price (a finite, non-negative number). */
export function attemptPriced<T extends Pick<RunAttempt, 'costUsd'>>(attempt: T): attempt is T & { costUsd: number } {
  return attempt.costUsd !== undefined && Number.isFinite(attempt.costUsd) && attempt.costUsd >= 0;
}

/**
 * The cost of all attempts together: the sum, an upper bound when one of them is; null (unknown,
 * never a silent partial sum, never $0) when any attempt cannot be priced, including one still
 * running, with which ones; 0 only for no attempts at all.
 */
export function attemptsTotalCost(
  attempts: ReadonlyArray<Pick<RunAttempt, 'attempt' | 'costUsd' | 'costUpperBound'>>,
): AttemptsTotal {
  const unpriced = attempts.filter((a) => !attemptPriced(a)).map((a) => a.attempt);
  const usd = unpriced.length ? null : attempts.reduce((sum, a) => sum + (a.costUsd ?? 0), 0);
  return { usd, upperBound: attempts.some((a) => a.costUpperBound === true), unpriced };
}

/** The total's amount in words: "$2.06", "at most $2.06", or "unknown". */
export function attemptsTotalWords(total: Pick<AttemptsTotal, 'usd' | 'upperBound'>): string {
  if (total.usd === null) return 'unknown';
  return `${total.upperBound ? 'at most ' : ''}${formatUsd(total.usd)}`;
}

/** An attempt's cost in a cell: "$0.391", "≤ $1.03" (an upper bound), or "unknown". */
export function attemptCostWords(attempt: Pick<RunAttempt, 'costUsd' | 'costUpperBound'>): string {
  if (!attemptPriced(attempt)) return 'unknown';
  return `${attempt.costUpperBound ? '≤ ' : ''}${formatUsd(attempt.costUsd)}`;
}

/**
 * What the attempts before the running one cost, for the monitor's cost so far and the budget of
 * a relaunched run; undefined before a first attempt ended.
 */
export function earlierAttemptsCost(
  attempts: ReadonlyArray<
    Pick<RunAttempt, 'attempt' | 'costUsd' | 'costUpperBound' | 'end'> &
      Partial<Pick<RunAttempt, 'instanceType' | 'costNote'>>
  >,
): EarlierAttemptsCost | undefined {
  const ended = attempts.filter((a) => a.end !== undefined);
  if (!ended.length) return undefined;
  const total = attemptsTotalCost(ended);
  // Which ones have no price, and why: the monitor's alert names them (never "this instance" for an earlier one).
  const unpriced = ended
    .filter((a) => total.unpriced.includes(a.attempt))
    .map((a) => ({
      attempt: a.attempt,
      instanceType: a.instanceType ?? 'its instance',
      ...(a.costNote ? { why: a.costNote } : {}),
    }));
  return {
    usd: total.usd,
    attempts: ended.length,
    upperBound: total.upperBound,
    ...(unpriced.length ? { unpriced } : {}),
  };
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
