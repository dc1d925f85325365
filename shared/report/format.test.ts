import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatDurationMs } from '../monitor/notices';
import { formatBytes, formatDuration } from './format';

describe('formatBytes (the sync table and the report print the same figure the same way)', () => {
  it('binary units, one decimal below 100, whole numbers from 100 and for bytes', () => {
    expect([0, 512, 2048, 3.4 * 2 ** 20, 920_000_000, 15_300_000_000, 150 * 2 ** 30].map(formatBytes)).toEqual([
      '0 B',
      '512 B',
      '2.0 KiB',
      '3.4 MiB',
      '877 MiB',
      '14.2 GiB',
      '150 GiB',
    ]);
    // A rate in bytes per second is not a whole number.
    expect(formatBytes(512.7)).toBe('513 B');
  });
});

describe('formatDuration: one duration format everywhere, never floored', () => {
  it('keeps the seconds under an hour (113 s was "1 min"), rounds minutes from an hour on', () => {
    expect(formatDuration(113)).toBe('1 min 53 s');
    expect(formatDuration(45.4)).toBe('45 s');
    expect(formatDuration(60)).toBe('1 min');
    expect(formatDuration(65)).toBe('1 min 05 s');
    expect(formatDuration(3599.6)).toBe('1 h 00 min');
    expect(formatDuration(3 * 3600 + 4 * 60 + 50)).toBe('3 h 05 min');
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDurationMs(113_000)).toBe('1 min 53 s');
  });

  it('property: the text never says less than a minute short of the truth, nor more than 30 s over', () => {
    const parse = (text: string) => {
      const h = /(\d+) h/.exec(text)?.[1] ?? '0';
      const m = /(\d+) min/.exec(text)?.[1] ?? '0';
      const s = /(\d+) s/.exec(text)?.[1] ?? '0';
      return Number(h) * 3600 + Number(m) * 60 + Number(s);
    };
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (seconds) => {
        const said = parse(formatDuration(seconds));
        const limit = seconds < 3600 ? 0.5 : 30;
        expect(Math.abs(said - seconds)).toBeLessThanOrEqual(limit);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});
