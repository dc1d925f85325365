import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { failoverOrder, type LaunchMarket } from './capacity-failover';
import { type AttemptEnding, decideRelaunch, MAX_SPOT_RELAUNCHES, relaunchOrder } from './spot-relaunch';

// Invariants: a run is relaunched only after an interruption whose push is verified and that nobody
// stopped; attempts count up by one; spot up to maxRelaunches, then on-demand once if allowed, then
// never again: at most 1 + maxRelaunches + 1 attempts, and none with maxRelaunches 0. A relaunch
// tries only the plan's placements, the interrupted zone after the others of its type.

const base = { ending: 'interrupted' as AttemptEnding, pushVerified: true, cancelled: false, fallbackOnDemand: false };

describe('decideRelaunch', () => {
  it('relaunches on spot up to maxRelaunches, then ends with the fix', () => {
    expect(decideRelaunch({ ...base, markets: ['spot'], maxRelaunches: 2 })).toMatchObject({
      relaunch: true,
      attempt: 2,
      market: 'spot',
      why: 'spot relaunch 1 of 2',
    });
    expect(decideRelaunch({ ...base, markets: ['spot', 'spot'], maxRelaunches: 2 })).toMatchObject({
      relaunch: true,
      attempt: 3,
    });
    const end = decideRelaunch({ ...base, markets: ['spot', 'spot', 'spot'], maxRelaunches: 2 });
    expect(end).toMatchObject({
      relaunch: false,
      why: 'interrupted again after 2 spot relaunch(es), the most compute.spot.maxRelaunches allows',
    });
    expect(end.relaunch === false && end.fix).toMatch(/^Raise compute\.spot\.maxRelaunches/);
  });

  it('falls back on-demand once when relaunches are used up and fallbackOnDemand is set', () => {
    const facts = { ...base, fallbackOnDemand: true, maxRelaunches: 1 };
    expect(decideRelaunch({ ...facts, markets: ['spot', 'spot'] })).toMatchObject({
      relaunch: true,
      attempt: 3,
      market: 'on-demand',
    });
    expect(decideRelaunch({ ...facts, markets: ['spot', 'spot', 'on-demand'] }).relaunch).toBe(false);
  });

  it('a half-launched attempt (a killed TrainDeck left it, terminated after the restart) numbers the next, not counted as a relaunch', () => {
    // Attempt 1 interrupted, attempt 2's launch abandoned by the killed desktop: attempt 3 is still relaunch 1 of 1.
    expect(decideRelaunch({ ...base, markets: ['spot'], launched: 2, maxRelaunches: 1 })).toEqual({
      relaunch: true,
      attempt: 3,
      market: 'spot',
      why: 'spot relaunch 1 of 1',
    });
    // The on-demand fallback never trained: it is still the fallback's turn, under the next number.
    expect(
      decideRelaunch({ ...base, fallbackOnDemand: true, markets: ['spot', 'spot'], launched: 3, maxRelaunches: 1 }),
    ).toMatchObject({ relaunch: true, attempt: 4, market: 'on-demand' });
    // Fewer launches than markets (a caller's slip) never numbers an attempt twice.
    expect(decideRelaunch({ ...base, markets: ['spot', 'spot'], launched: 1, maxRelaunches: 3 })).toMatchObject({
      attempt: 3,
    });
  });

  it('is off with maxRelaunches 0, the on-demand fallback included', () => {
    const decision = decideRelaunch({ ...base, fallbackOnDemand: true, markets: ['spot'], maxRelaunches: 0 });
    expect(decision).toMatchObject({ relaunch: false, why: 'spot relaunch is off (compute.spot.maxRelaunches is 0)' });
  });

  it('never relaunches a stopped run, an unverified push or an attempt that was not interrupted', () => {
    const facts = { ...base, markets: ['spot'] as LaunchMarket[], maxRelaunches: 3 };
    expect(decideRelaunch({ ...facts, cancelled: true }).relaunch).toBe(false);
    expect(decideRelaunch({ ...facts, pushVerified: false })).toMatchObject({
      relaunch: false,
      why: expect.stringContaining('not verified'),
    });
    for (const ending of ['finished', 'failed', 'stopped'] as const) {
      expect(decideRelaunch({ ...facts, ending })).toEqual({ relaunch: false });
    }
  });

  it('property: a run driven by its decisions has at most 1 + maxRelaunches + 1 attempts, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_SPOT_RELAUNCHES }),
        fc.boolean(),
        // What each attempt's end looks like: interrupted mostly, sometimes otherwise.
        fc.array(
          fc.record({
            ending: fc.constantFrom<AttemptEnding>('interrupted', 'interrupted', 'interrupted', 'finished', 'failed'),
            pushVerified: fc.constantFrom(true, true, true, false),
            cancelled: fc.constantFrom(false, false, false, true),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (maxRelaunches, fallbackOnDemand, ends) => {
          const markets: LaunchMarket[] = ['spot'];
          for (const end of ends) {
            // An on-demand attempt is never interrupted.
            const ending = markets.at(-1) === 'on-demand' && end.ending === 'interrupted' ? 'finished' : end.ending;
            const decision = decideRelaunch({ ...end, ending, markets, maxRelaunches, fallbackOnDemand });
            // An attempt that was not interrupted ends the run as it always did: nothing to say.
            if (!decision.relaunch) {
              if (ending !== 'interrupted') expect(decision.why).toBeUndefined();
              break;
            }
            expect(ending).toBe('interrupted');
            expect(end.cancelled).toBe(false);
            expect(end.pushVerified).toBe(true);
            expect(decision.attempt).toBe(markets.length + 1);
            if (decision.market === 'on-demand') {
              expect(fallbackOnDemand).toBe(true);
              expect(markets.length - 1).toBe(maxRelaunches);
            }
            markets.push(decision.market);
          }
          expect(markets.length).toBeLessThanOrEqual(1 + maxRelaunches + (fallbackOnDemand ? 1 : 0));
          if (maxRelaunches === 0) expect(markets).toEqual(['spot']);
          expect(markets.filter((m) => m === 'on-demand').length).toBeLessThanOrEqual(1);
          expect(markets.slice(0, -1).includes('on-demand')).toBe(false);
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('relaunchOrder', () => {
  const types = [
    { instanceType: 'g5.xlarge', zones: ['z-a', 'z-b', 'z-c'] },
    { instanceType: 'g6.xlarge', zones: ['z-b', 'z-c'] },
  ];

  it('tries the other zones first, then the interrupted one, per type, then the plan on-demand', () => {
    const plan = failoverOrder(types, 'spot', true);
    const where = (c: { instanceType: string; zone: string; market: string }) =>
      `${c.market}/${c.instanceType}/${c.zone}`;
    expect(relaunchOrder(plan, 'spot', 'z-b').map(where)).toEqual([
      'spot/g5.xlarge/z-a',
      'spot/g5.xlarge/z-c',
      'spot/g5.xlarge/z-b',
      'spot/g6.xlarge/z-c',
      'spot/g6.xlarge/z-b',
      'on-demand/g5.xlarge/z-a',
      'on-demand/g5.xlarge/z-b',
      'on-demand/g5.xlarge/z-c',
      'on-demand/g6.xlarge/z-b',
      'on-demand/g6.xlarge/z-c',
    ]);
    // On-demand: every placement once, even from a plan that had none on-demand.
    expect(relaunchOrder(failoverOrder(types, 'spot', false), 'on-demand', 'z-b').map(where)).toEqual([
      'on-demand/g5.xlarge/z-a',
      'on-demand/g5.xlarge/z-b',
      'on-demand/g5.xlarge/z-c',
      'on-demand/g6.xlarge/z-b',
      'on-demand/g6.xlarge/z-c',
    ]);
  });

  it('property: only the plan placements, each once; per type the interrupted zone comes last', () => {
    const zone = fc.constantFrom('z-a', 'z-b', 'z-c', 'z-d');
    const failoverTypes = fc.uniqueArray(
      fc.record({
        instanceType: fc.constantFrom('g5.xlarge', 'g6.xlarge', 'p3.2xlarge', 'g4dn.xlarge'),
        zones: fc.uniqueArray(zone, { minLength: 1, maxLength: 4 }),
      }),
      { selector: (t) => t.instanceType, minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(failoverTypes, fc.boolean(), fc.option(zone, { nil: undefined }), (ts, fallback, interrupted) => {
        const plan = failoverOrder(ts, 'spot', fallback);
        const key = (c: { instanceType: string; zone: string; market: string }) =>
          `${c.market}/${c.instanceType}/${c.zone}`;
        const spot = relaunchOrder(plan, 'spot', interrupted);
        expect(spot.map(key).sort()).toEqual(plan.map(key).sort());
        // Spot first, then on-demand.
        const firstOnDemand = spot.findIndex((c) => c.market === 'on-demand');
        if (firstOnDemand >= 0) expect(spot.slice(firstOnDemand).every((c) => c.market === 'on-demand')).toBe(true);
        // Type order kept; within a type on spot, no interrupted zone before another zone.
        for (const t of ts) {
          const zones = spot.filter((c) => c.market === 'spot' && c.instanceType === t.instanceType).map((c) => c.zone);
          const at = zones.indexOf(interrupted ?? '');
          if (at >= 0) expect(at).toBe(zones.length - 1);
        }
        const onDemand = relaunchOrder(plan, 'on-demand', interrupted);
        expect(onDemand.every((c) => c.market === 'on-demand')).toBe(true);
        expect(new Set(onDemand.map(key)).size).toBe(onDemand.length);
        expect(onDemand.map((c) => `${c.instanceType}/${c.zone}`).sort()).toEqual(
          [...new Set(plan.map((c) => `${c.instanceType}/${c.zone}`))].sort(),
        );
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
