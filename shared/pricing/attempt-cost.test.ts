import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { applyRunEvent } from '../domain/run';
import type { RunAttempt } from '../report/run-attempts';
import { computeRunCost } from '../report/run-cost';
import { finishedRun } from '../report/testing/finished-run';
import { priceAttempt } from './attempt-cost';
import type { SpotPricing } from './spot-history';

const START = Date.parse('2026-12-05T10:00:00Z');
const iso = (minutes: number) => new Date(START + minutes * 60_000).toISOString();
const attempt = (over: Partial<RunAttempt> = {}): RunAttempt => ({
  attempt: 1,
  instanceId: 'i-0a1',
  instanceType: 'g5.xlarge',
  zone: 'eu-west-1a',
  market: 'spot',
  startedAt: iso(0),
  endedAt: iso(120),
  end: 'interrupted',
  ...over,
});
// g5.xlarge on-demand $1.006/h; a 100 GB gp3 root volume $8/month; a public IPv4 $0.005/h.
const DISK_AND_IP = (100 * 0.08) / 730 + 0.005;
// The attempt still running (no end yet).
const running = (over: Partial<RunAttempt> = {}): RunAttempt => {
  const { endedAt: _endedAt, end: _end, ...rest } = attempt(over);
  return rest;
};
const history = (usd: number, hours: number, zonesCompared?: number): SpotPricing => ({
  source: 'history',
  charge: {
    usd,
    hours,
    avgHourlyUsd: usd / hours,
    points: 2,
    zone: 'eu-west-1a',
    ...(zonesCompared ? { zonesCompared } : {}),
  },
});

describe('priceAttempt: each attempt for its own duration at its own market and zone', () => {
  it('spot from its zone’s price history, with its own root volume and public IPv4: exact', () => {
    const cost = priceAttempt(attempt(), { diskGb: 100, spot: history(0.62, 2) });
    expect(cost.costUsd).toBeCloseTo(0.62 + 2 * DISK_AND_IP, 9);
    expect(cost.costUpperBound).toBeUndefined();
    expect(cost.costNote).toBe(
      "2.00 h of spot in eu-west-1a at avg $0.31/h (EC2's price history), with its 100 GB gp3 root volume and public IPv4 ($0.01596/h).",
    );
  });

  it('spot without a history (refused, or never read): the on-demand price, an upper bound that says why', () => {
    const refused = priceAttempt(attempt(), {
      diskGb: 100,
      spot: { source: 'unavailable', reason: 'the spot price history could not be read (access denied)' },
    });
    expect(refused.costUsd).toBeCloseTo(2 * (1.006 + DISK_AND_IP), 9);
    expect(refused).toMatchObject({ costUpperBound: true });
    expect(refused.costNote).toMatch(
      /^At most: 2\.00 h priced on-demand at \$1\.006\/h, as the spot price history could not be read \(access denied\), with its/,
    );
    expect(priceAttempt(attempt(), { diskGb: 100 }).costNote).toContain(
      'as the spot price history was not read for it',
    );
    // The zone was not recorded: the dearest zone's history, at most.
    expect(priceAttempt(attempt(), { diskGb: 100, spot: history(0.9, 2, 3) })).toMatchObject({ costUpperBound: true });
  });

  it('on-demand at the table’s price; a failed launch $0 (nothing was created), said so', () => {
    const onDemand = priceAttempt(attempt({ market: 'on-demand', end: 'finished' }), { diskGb: 100 });
    expect(onDemand.costUsd).toBeCloseTo(2 * (1.006 + DISK_AND_IP), 9);
    expect(onDemand.costUpperBound).toBeUndefined();
    expect(priceAttempt(attempt({ instanceId: '', end: 'launch-failed' }), { diskGb: 100 })).toEqual({
      costUsd: 0,
      costNote: 'No instance was launched: nothing billed.',
    });
  });

  it('a launch that failed (or was stopped) after its instance was created is billed: AWS’s 60 s minimum at least', () => {
    // Stopped 20 s after RunInstances answered; the launch cleanup terminated the instance.
    const stopped = attempt({ market: 'on-demand', end: 'stopped', endedAt: new Date(START + 20_000).toISOString() });
    const cost = priceAttempt(stopped, { diskGb: 100 });
    expect(cost.costUsd).toBeCloseTo((60 / 3600) * (1.006 + DISK_AND_IP), 9);
    expect(cost.costNote).toMatch(/^0\.02 h on-demand at \$1\.006\/h, .*, AWS's 60 s minimum\.$/);
    const failed = attempt({ end: 'launch-failed', endedAt: new Date(START + 5_000).toISOString() });
    expect(priceAttempt(failed, { diskGb: 100 })).toMatchObject({ costUsd: expect.any(Number), costUpperBound: true });
    expect(priceAttempt(failed, { diskGb: 100 }).costUsd).toBeGreaterThan(0);
    // Spot from its history: the minimum at the price then in effect.
    const spot = priceAttempt(failed, { diskGb: 100, spot: history(0.0005, 5 / 3600) });
    expect(spot.costUsd).toBeCloseTo((60 / 3600) * (0.0005 / (5 / 3600) + DISK_AND_IP), 9);
  });

  it('unknown, never $0: a type the table has no price for, unreadable times; a running attempt waits for its end', () => {
    const unknown = priceAttempt(attempt({ instanceType: 'zz9.mega', market: 'on-demand' }), { diskGb: 100 });
    expect(unknown).toEqual({ costNote: 'zz9.mega has no price in the price table, so attempt 1 cannot be priced.' });
    expect(priceAttempt(attempt({ endedAt: 'yesterday' }), { diskGb: 100 }).costUsd).toBeUndefined();
    expect(priceAttempt(running(), { diskGb: 100 })).toEqual({});
    // Priced to `now` when asked (the run's cost of one still running).
    expect(
      priceAttempt(running({ market: 'on-demand' }), {
        diskGb: 100,
        now: START + 3_600_000,
      }).costUsd,
    ).toBeCloseTo(1.006 + DISK_AND_IP, 9);
  });
});

describe('a relaunched run’s cost is the sum of its attempts (computeRunCost)', () => {
  // The fixture's finished run (eu-west-1, same-region bucket) with `attempts` as the relaunch engine records them.
  const runWith = (attempts: RunAttempt[]) =>
    applyRunEvent(finishedRun({ runId: 'r-1', name: 'llama', backend: 'aws-ec2', start: START }), {
      runId: 'r-1',
      seq: 999,
      at: iso(200),
      type: 'attempts',
      attempts,
    });
  const setup = {
    backend: 'aws-ec2' as const,
    compute: { instanceType: 'g5.xlarge', diskGb: 100, market: 'spot' as const },
    instanceRegion: 'eu-west-1',
    bucketRegion: 'eu-west-1',
  };

  it('one line per attempt (its instance, disk and IPv4), the total their sum plus S3, an upper bound if one is', () => {
    const attempts = [
      attempt({ ...priceAttempt(attempt(), { diskGb: 100, spot: history(0.62, 2) }) }),
      attempt({
        attempt: 2,
        instanceId: 'i-0b2',
        zone: 'eu-west-1b',
        startedAt: iso(125),
        endedAt: iso(185),
        end: 'finished',
        market: 'on-demand',
      }),
    ];
    attempts[1] = { ...attempts[1]!, ...priceAttempt(attempts[1]!, { diskGb: 100 }) };
    const cost = computeRunCost(runWith(attempts), setup, START + 86_400_000);
    const lines = cost.items.filter((i) => i.kind === 'instance');
    expect(lines.map((l) => [l.label, l.quantity, l.usd])).toEqual([
      ['Attempt 1: instance g5.xlarge (spot, eu-west-1a), disk and IPv4', '2.00 h', attempts[0]!.costUsd],
      ['Attempt 2: instance g5.xlarge (on-demand, eu-west-1b), disk and IPv4', '1.00 h', attempts[1]!.costUsd],
    ]);
    // Disk and IPv4 are in each attempt's line, not billed again for the run's whole window.
    expect(cost.items.map((i) => i.kind)).not.toContain('ebs');
    const others = cost.items.filter((i) => i.kind !== 'instance').reduce((sum, i) => sum + i.usd!, 0);
    expect(cost.totalUsd).toBeCloseTo(attempts[0]!.costUsd! + attempts[1]!.costUsd! + others, 9);
    expect(cost.upperBound).toBe(false);
    const bounded = [{ ...attempts[0]!, costUpperBound: true }, attempts[1]!];
    expect(computeRunCost(runWith(bounded), setup, START).upperBound).toBe(true);
  });

  it('a relaunch stopped after its instance was created has its line (it billed), a launch with none has not', () => {
    const first = attempt({ ...priceAttempt(attempt(), { diskGb: 100, spot: history(0.62, 2) }) });
    const stopped = attempt({
      attempt: 2,
      instanceId: 'i-0b2',
      startedAt: iso(125),
      endedAt: iso(127),
      end: 'stopped',
    });
    const none = attempt({ attempt: 3, instanceId: '', startedAt: iso(130), endedAt: iso(131), end: 'launch-failed' });
    const attempts = [first, stopped, none].map((a) => ({ ...a, ...priceAttempt(a, { diskGb: 100 }) }));
    attempts[0] = first;
    const lines = computeRunCost(runWith(attempts), setup, START).items.filter((i) => i.kind === 'instance');
    expect(lines.map((l) => l.label)).toEqual([
      'Attempt 1: instance g5.xlarge (spot, eu-west-1a), disk and IPv4',
      'Attempt 2: instance g5.xlarge (spot, eu-west-1a), disk and IPv4',
    ]);
    expect(lines[1]!.usd).toBeGreaterThan(0);
  });

  it('property (seed 42): never negative, the total at least each attempt, an unknown attempt makes it unknown or a stated bound', () => {
    const anAttempt = fc.record({
      minutes: fc.integer({ min: 0, max: 24 * 60 }),
      gap: fc.integer({ min: 0, max: 30 }),
      market: fc.constantFrom('spot' as const, 'on-demand' as const),
      type: fc.constantFrom('g5.xlarge', 'p3.2xlarge', 't3.micro', 'zz9.mega'),
      spot: fc.option(
        fc.oneof(
          fc.record({
            usdPerHour: fc.double({ min: 0, max: 5, noNaN: true }),
            zonesCompared: fc.option(fc.integer({ min: 2, max: 6 }), { nil: undefined }),
          }),
          fc.constant('refused' as const),
        ),
        { nil: undefined },
      ),
      launchFailed: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(anAttempt, { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1, max: 500 }),
        (drawn, diskGb) => {
          let at = 0;
          const attempts = drawn.map((drawnOne, i): RunAttempt => {
            // A relaunched run: attempt 1 is recorded once its instance exists, and a relaunch launched after it.
            const d = i < 2 ? { ...drawnOne, launchFailed: false } : drawnOne;
            const base = attempt({
              attempt: i + 1,
              instanceId: d.launchFailed ? '' : `i-${i}`,
              instanceType: d.type,
              market: d.market,
              startedAt: iso(at),
              endedAt: iso(at + d.minutes),
              end: d.launchFailed ? 'launch-failed' : i === drawn.length - 1 ? 'finished' : 'interrupted',
            });
            at += d.minutes + d.gap;
            const hours = d.minutes / 60;
            const spot: SpotPricing | undefined =
              d.spot === undefined
                ? undefined
                : d.spot === 'refused'
                  ? { source: 'unavailable', reason: 'access denied' }
                  : history(d.spot.usdPerHour * hours, hours || 1, d.spot.zonesCompared);
            return { ...base, ...priceAttempt(base, { diskGb, spot }) };
          });
          const cost = computeRunCost(runWith(attempts), { ...setup, compute: { ...setup.compute, diskGb } }, START);
          const lines = cost.items.filter((i) => i.kind === 'instance');
          for (const a of attempts) {
            // Priced attempts are never negative; an unpriced one says why.
            if (a.costUsd !== undefined) expect(a.costUsd).toBeGreaterThanOrEqual(0);
            else expect(a.costNote).toMatch(/cannot be priced\.$/);
            if (cost.totalUsd !== null && a.costUsd !== undefined) {
              expect(cost.totalUsd).toBeGreaterThanOrEqual(a.costUsd - 1e-9);
            }
          }
          const unknown = attempts.some((a) => a.instanceId && a.costUsd === undefined);
          // One unknown attempt: the total is unknown, never a silent partial sum.
          expect(cost.totalUsd === null).toBe(unknown);
          if (cost.totalUsd !== null) expect(cost.totalUsd).toBeGreaterThanOrEqual(0);
          // A bound in any attempt makes the total a stated bound.
          expect(cost.upperBound).toBe(attempts.some((a) => a.instanceId && a.costUpperBound === true));
          // Every launched attempt has its own line; failed launches bill nothing and have none.
          expect(lines).toHaveLength(attempts.filter((a) => a.instanceId).length);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
