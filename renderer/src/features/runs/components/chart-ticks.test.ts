import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { tickLabel, timeTicks, valueTicks } from './chart-ticks';

const GiB = 1024 ** 3;

describe('value ticks', () => {
  it('round in the unit they are read in (the screenshot had 0, 4.9, 9.8, 15, 20 GiB and 0, 0.65, 1.3, 1.9, 2.6)', () => {
    expect(valueTicks(19.6 * GiB, 'B').ticks.map((t) => tickLabel(t, 'B'))).toEqual([
      '0 B',
      '5 GiB',
      '10 GiB',
      '15 GiB',
      '20 GiB',
    ]);
    expect(valueTicks(18_420, 'MiB').ticks.map((t) => tickLabel(t, 'MiB'))).toEqual([
      '0 B',
      '5 GiB',
      '10 GiB',
      '15 GiB',
      '20 GiB',
    ]);
    expect(valueTicks(2.6, '').ticks).toEqual([0, 1, 2, 3]);
    expect(valueTicks(0.41, '').ticks).toEqual([0, 0.2, 0.4, 0.6]);
    expect(valueTicks(29 * 1024 * 1024, 'B/s').ticks.map((t) => tickLabel(t, 'B/s'))).toEqual([
      '0 B/s',
      '10 MiB/s',
      '20 MiB/s',
      '30 MiB/s',
    ]);
    expect(valueTicks(46, '%', 4, 100).ticks).toEqual([0, 25, 50, 75, 100]);
    expect(valueTicks(0, '').ticks).toEqual([0, 1]);
  });

  it('property: from 0, evenly spaced at 1, 2, 2.5 or 5 × 10^n of the unit, covering the maximum, at most 6', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e15, noNaN: true }),
        fc.constantFrom('', '%', 'B', 'B/s'),
        (max, unit) => {
          const { ticks, top } = valueTicks(max, unit);
          expect(ticks[0]).toBe(0);
          expect(top).toBeGreaterThanOrEqual(max * (1 - 1e-9));
          expect(ticks.length).toBeLessThanOrEqual(6);
          const step = ticks[1]! - ticks[0]!;
          // Bytes are round in the unit the maximum reads in (0.25 KiB for 1.1 KiB).
          const scale = unit.startsWith('B')
            ? 1024 ** Math.min(4, Math.floor(Math.log(Math.max(max, 1)) / Math.log(1024)))
            : 1;
          const mantissa = step / scale / 10 ** Math.floor(Math.log10(step / scale) + 1e-9);
          expect(
            [1, 2, 2.5, 5, 10].some((m) => Math.abs(m - mantissa) < 1e-6),
            `step ${step}`,
          ).toBe(true);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('time ticks', () => {
  it('at round clock times: every 5 min over 20 min, every 30 min over 3 h', () => {
    const from = Date.parse('2026-12-05T10:03:17Z');
    const minutes = (ticks: number[]) => ticks.map((t) => new Date(t).getUTCMinutes() % 5);
    const short = timeTicks(from, from + 20 * 60_000);
    expect(short.length).toBeGreaterThan(2);
    expect(minutes(short).every((m) => m === 0)).toBe(true);
    const long = timeTicks(from, from + 3 * 3_600_000);
    expect(long[1]! - long[0]!).toBe(60 * 60_000);
    expect(long.every((t) => t >= from && t <= from + 3 * 3_600_000)).toBe(true);
  });
});
