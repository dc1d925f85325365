import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { spotNowPrice } from './spot-now-price';

const zones = [
  { zone: 'eu-west-1b', usdPerHour: 0.3 },
  { zone: 'eu-west-1a', usdPerHour: 0.35 },
  { zone: 'eu-west-1c', usdPerHour: 0.41 },
];
const base = { instanceType: 'g5.xlarge', onDemandHourly: 1.123, ipv4Hourly: 0.005 };

describe('a spot instance priced now (Costs page)', () => {
  it('its own zone’s newest price plus its IPv4: exact, not a bound', () => {
    expect(spotNowPrice({ ...base, zone: 'eu-west-1a', spot: { zones } })).toEqual({
      hourlyUsd: 0.355,
      upperBound: false,
      note: "Spot price now in eu-west-1a (EC2's price history).",
    });
  });

  it('zone unknown: the dearest zone, said as at most', () => {
    expect(spotNowPrice({ ...base, spot: { zones } })).toEqual({
      hourlyUsd: 0.415,
      upperBound: true,
      note: "At most: the dearest zone's spot price now (eu-west-1c); the instance's zone is not known.",
    });
  });

  it('no history: the on-demand price as the bound, with why; an unpriced type stays unknown, never $0', () => {
    const denied = { problem: 'You are not allowed to call ec2:DescribeSpotPriceHistory.' };
    expect(spotNowPrice({ ...base, zone: 'eu-west-1a', spot: denied })).toEqual({
      hourlyUsd: 1.128,
      upperBound: true,
      note: 'At most: priced on-demand, as the spot price history is unavailable (you are not allowed to call ec2:DescribeSpotPriceHistory).',
    });
    expect(spotNowPrice({ ...base, onDemandHourly: null, spot: { zones: [] } }).hourlyUsd).toBeNull();
  });

  it('never above the dearest zone (with history) and never below its own zone’s price', () => {
    const zone = fc.constantFrom('eu-west-1a', 'eu-west-1b', 'eu-west-1c', 'eu-west-1d');
    const history = fc.uniqueArray(fc.record({ zone, usdPerHour: fc.double({ min: 0, max: 40, noNaN: true }) }), {
      selector: (z) => z.zone,
      minLength: 1,
    });
    fc.assert(
      fc.property(history, fc.option(zone, { nil: undefined }), (spot, at) => {
        const price = spotNowPrice({ ...base, zone: at, spot: { zones: spot } });
        const dearest = Math.max(...spot.map((z) => z.usdPerHour));
        expect(price.hourlyUsd! - base.ipv4Hourly).toBeLessThanOrEqual(dearest + 1e-12);
        const own = spot.find((z) => z.zone === at);
        expect(price.upperBound).toBe(own === undefined);
        if (own) expect(price.hourlyUsd).toBeCloseTo(own.usdPerHour + base.ipv4Hourly, 12);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('a hostile or broken price history (break-it)', () => {
  it('shrunk counterexample: a negative price in its own zone is never a negative cost (no discount)', () => {
    const priced = spotNowPrice({
      ...base,
      zone: 'eu-west-1a',
      spot: { zones: [{ zone: 'eu-west-1a', usdPerHour: -1 }] },
    });
    expect(priced.hourlyUsd).toBe(1.128);
    expect(priced.upperBound).toBe(true);
  });

  it('property: any prices (negative, NaN, infinite) give a cost that is unknown or finite and not below the IPv4 (seed 42)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ zone: fc.constantFrom('eu-west-1a', 'eu-west-1b'), usdPerHour: fc.double() }), {
          maxLength: 3,
        }),
        fc.option(fc.constantFrom('eu-west-1a', 'eu-west-1b'), { nil: undefined }),
        (zones, zone) => {
          const { hourlyUsd } = spotNowPrice({ ...base, zone, spot: { zones } });
          if (hourlyUsd !== null) {
            expect(Number.isFinite(hourlyUsd)).toBe(true);
            expect(hourlyUsd).toBeGreaterThanOrEqual(base.ipv4Hourly);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});
