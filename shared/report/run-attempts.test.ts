import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { applyRunEvent, emptyRunSnapshot } from '../domain/run';
import {
  ATTEMPT_ENDS,
  attemptDurationSeconds,
  attemptEndWords,
  attemptsInOrder,
  attemptsTotalCost,
  attemptsWorthListing,
  type RunAttempt,
} from './run-attempts';

const attempt = (over: Partial<RunAttempt> = {}): RunAttempt => ({
  attempt: 1,
  instanceId: 'i-0a1',
  instanceType: 'g5.xlarge',
  zone: 'us-east-1a',
  market: 'spot',
  startedAt: '2026-12-01T10:00:00.000Z',
  ...over,
});

describe('attemptsTotalCost (unknown is never $0)', () => {
  it('sums priced attempts', () => {
    expect(attemptsTotalCost([attempt({ costUsd: 0.5 }), attempt({ attempt: 2, costUsd: 0.25 })]).usd).toBe(0.75);
  });

  it('is null when any attempt is unpriced, a running one included, wherever it is in the list', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 6 }), fc.nat(6), (costs, at) => {
        const priced = costs.map((costUsd, i) => attempt({ attempt: i + 1, costUsd }));
        const withUnknown = [...priced];
        withUnknown.splice(Math.min(at, priced.length), 0, attempt({ attempt: 99 }));
        expect(attemptsTotalCost(withUnknown)).toMatchObject({ usd: null, unpriced: [99] });
        // Without the unknown one the total is the sum, and never negative.
        const total = attemptsTotalCost(priced).usd;
        expect(total).not.toBeNull();
        expect(total).toBeCloseTo(
          costs.reduce((a, b) => a + b, 0),
          6,
        );
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('a NaN or infinite cost is unknown too, not a figure', () => {
    expect(attemptsTotalCost([attempt({ costUsd: Number.NaN })]).usd).toBeNull();
    expect(attemptsTotalCost([attempt({ costUsd: Number.POSITIVE_INFINITY })]).usd).toBeNull();
    // A negative figure is no price either: a total is never lowered by one.
    expect(attemptsTotalCost([attempt({ costUsd: -1 })]).usd).toBeNull();
  });

  it('no attempts cost nothing', () => {
    expect(attemptsTotalCost([])).toEqual({ usd: 0, upperBound: false, unpriced: [] });
  });
});

describe('attemptDurationSeconds', () => {
  it('start → end, or start → now while running, undefined without a now', () => {
    const ended = attempt({ endedAt: '2026-12-01T10:42:00.000Z', end: 'interrupted' });
    expect(attemptDurationSeconds(ended)).toBe(42 * 60);
    expect(attemptDurationSeconds(attempt(), Date.parse('2026-12-01T10:05:00.000Z'))).toBe(300);
    expect(attemptDurationSeconds(attempt())).toBeUndefined();
  });

  it('an unreadable time gives no duration, and a clock that went back gives 0, never a negative', () => {
    expect(attemptDurationSeconds(attempt({ startedAt: 'soon', endedAt: '2026-12-01T10:42:00.000Z' }))).toBeUndefined();
    expect(attemptDurationSeconds(attempt({ endedAt: '2026-12-01T09:00:00.000Z' }))).toBe(0);
  });
});

describe('attemptsWorthListing', () => {
  it('one finished or running attempt says nothing new; two, or one that ended otherwise, do', () => {
    expect(attemptsWorthListing(undefined)).toBe(false);
    expect(attemptsWorthListing([])).toBe(false);
    expect(attemptsWorthListing([attempt({ end: 'finished' })])).toBe(false);
    expect(attemptsWorthListing([attempt()])).toBe(false);
    for (const end of ATTEMPT_ENDS.filter((e) => e !== 'finished')) {
      expect(attemptsWorthListing([attempt({ end })])).toBe(true);
    }
    expect(attemptsWorthListing([attempt({ end: 'finished' }), attempt({ attempt: 2, end: 'finished' })])).toBe(true);
  });
});

describe('attempt words and order', () => {
  it('each end has its words and a running attempt says so', () => {
    expect(attemptEndWords({})).toBe('running');
    expect(ATTEMPT_ENDS.map((end) => attemptEndWords({ end }))).toEqual([
      'spot interruption',
      'finished',
      'failed',
      'stopped',
      'launch failed',
    ]);
  });

  it('orders by attempt number without changing the input', () => {
    const list = [attempt({ attempt: 3 }), attempt({ attempt: 1 }), attempt({ attempt: 2 })];
    expect(attemptsInOrder(list).map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(list.map((a) => a.attempt)).toEqual([3, 1, 2]);
  });
});

describe('the attempts event', () => {
  it('replaces the snapshot’s attempts with the whole list it carries', () => {
    const empty = emptyRunSnapshot('r1', 'run', 'aws-ec2', '2026-12-01T09:59:00.000Z');
    const base = { runId: 'r1', at: '2026-12-01T10:42:00.000Z' };
    const first = applyRunEvent(empty, { ...base, seq: 1, type: 'attempts', attempts: [attempt()] });
    expect(first.attempts).toEqual([attempt()]);
    const second = applyRunEvent(first, {
      ...base,
      seq: 2,
      type: 'attempts',
      attempts: [
        attempt({ endedAt: base.at, end: 'interrupted', costUsd: 0.3 }),
        attempt({ attempt: 2, zone: 'us-east-1b', startedAt: base.at }),
      ],
    });
    expect(second.attempts?.map((a) => [a.attempt, a.end])).toEqual([
      [1, 'interrupted'],
      [2, undefined],
    ]);
  });
});
