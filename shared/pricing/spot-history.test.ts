import { describe, expect, it } from 'vitest';

import { integrateSpotPrices, priceSpotInterval, type SpotPricePoint } from './spot-history';

const H = 3_600_000;
const T0 = Date.parse('2025-06-01T12:00:00Z');
const at = (hours: number) => T0 + hours * H;
const point = (hours: number, usdPerHour: number, zone = 'eu-west-1a'): SpotPricePoint => ({
  zone,
  t: at(hours),
  usdPerHour,
});

describe('integrateSpotPrices', () => {
  it('integrates a step function: each price holds until the next point', () => {
    // 0.30 for 1 h, 0.50 for 2 h, 0.40 for 1 h; given newest first, as EC2 answers.
    const steps = [point(3, 0.4), point(1, 0.5), point(0, 0.3)];
    const result = integrateSpotPrices(steps, at(0), at(4))!;
    expect(result.usd).toBeCloseTo(0.3 + 2 * 0.5 + 0.4, 12);
    expect(result).toMatchObject({ hours: 4, points: 3 });
    expect(result.avgHourlyUsd).toBeCloseTo(1.7 / 4, 12);
  });

  it('clips the steps to the interval: the price in effect at the start counts, later points do not', () => {
    // EC2 returns the last change before StartTime; the point after the end is outside the run.
    const steps = [point(-5, 0.2), point(1.5, 0.6), point(10, 9)];
    const result = integrateSpotPrices(steps, at(1), at(2))!;
    expect(result.usd).toBeCloseTo(0.5 * 0.2 + 0.5 * 0.6, 12);
    expect(result).toMatchObject({ hours: 1, points: 2 });
    // A point exactly at the end prices nothing.
    expect(integrateSpotPrices([point(0, 0.2), point(2, 5)], at(0), at(2))).toMatchObject({ usd: 0.4, points: 1 });
  });

  it('prices the whole interval at a single point, wherever that point is', () => {
    for (const hours of [-2, 0, 0.5]) {
      const result = integrateSpotPrices([point(hours, 0.33)], at(0), at(3))!;
      expect(result.usd).toBeCloseTo(0.99, 12);
      expect(result).toMatchObject({ points: 1, avgHourlyUsd: expect.closeTo(0.33, 12) });
    }
  });

  it('has nothing to say without points, and an empty interval costs nothing at the price then', () => {
    expect(integrateSpotPrices([], at(0), at(1))).toBeUndefined();
    expect(integrateSpotPrices([{ zone: 'z', t: Number.NaN, usdPerHour: 1 }], at(0), at(1))).toBeUndefined();
    expect(integrateSpotPrices([point(-1, 0.25), point(1, 0.5)], at(0), at(0))).toEqual({
      usd: 0,
      hours: 0,
      avgHourlyUsd: 0.25,
      points: 1,
    });
  });

  it('takes the higher price when a zone reports two at one instant', () => {
    expect(integrateSpotPrices([point(0, 0.5), point(0, 0.3)], at(0), at(1))?.usd).toBeCloseTo(0.5, 12);
  });
});

describe('priceSpotInterval', () => {
  const history = [
    point(0, 0.3, 'eu-west-1a'),
    point(1, 0.35, 'eu-west-1a'),
    point(0, 0.5, 'eu-west-1b'),
    point(0, 0.2, 'eu-west-1c'),
  ];

  it('prices the instance zone only', () => {
    const charge = priceSpotInterval(history, at(0), at(2), 'eu-west-1a')!;
    expect(charge.usd).toBeCloseTo(0.65, 12);
    expect(charge).toMatchObject({ zone: 'eu-west-1a', points: 2 });
    expect(charge.zonesCompared).toBeUndefined();
    expect(priceSpotInterval(history, at(0), at(2), 'eu-west-1z')).toBeUndefined();
  });

  it('without a zone, keeps the dearest zone of the region and says how many it compared', () => {
    const charge = priceSpotInterval(history, at(0), at(2))!;
    expect(charge).toMatchObject({ zone: 'eu-west-1b', zonesCompared: 3, usd: 1 });
    expect(priceSpotInterval([], at(0), at(2))).toBeUndefined();
  });
});
