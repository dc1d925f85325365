import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { PRICE_TABLE } from './price-table';
import { quoteRun } from './run-quote';

const input = fc.record({
  instanceType: fc.constantFrom('g5.xlarge', 't3.micro', 'z9.unknown'),
  market: fc.constantFrom('on-demand' as const, 'spot' as const),
  spotHourlyUsd: fc.option(fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constant(Number.NaN)), {
    nil: undefined,
  }),
  diskGb: fc.integer({ min: 20, max: 16384 }),
  hours: fc.oneof(fc.double({ min: 0, max: 168, noNaN: true }), fc.constant(Number.NaN), fc.constant(-1)),
});

describe('quoteRun', () => {
  it('never yields NaN; unknown lines make the totals unknown, never $0; the totals are the sums of the lines', () => {
    fc.assert(
      fc.property(input, (q) => {
        const quote = quoteRun(q);
        for (const line of quote.lines) {
          for (const value of [line.hourlyUsd, line.totalUsd]) {
            expect(value === null || Number.isFinite(value)).toBe(true);
          }
        }
        const unknown = quote.lines.some((l) => l.hourlyUsd === null);
        expect(quote.hourlyUsd === null).toBe(unknown);
        expect(quote.totalUsd === null).toBe(unknown);
        if (!unknown) {
          const lines = quote.lines.reduce((sum, l) => sum + l.totalUsd!, 0);
          expect(quote.totalUsd!).toBeCloseTo(lines, 9);
          expect(quote.totalUsd!).toBeCloseTo(quote.hourlyUsd! * quote.hours, 6);
          expect(quote.hourlyUsd!).toBeGreaterThan(0);
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('quotes spot only at a spot price it was given', () => {
    const base = { instanceType: 'g5.xlarge', diskGb: 100, hours: 2 };
    expect(quoteRun({ ...base, market: 'spot' }).totalUsd).toBeNull();
    expect(quoteRun({ ...base, market: 'spot', spotHourlyUsd: 0.4 }).lines[0]).toEqual({
      label: 'g5.xlarge (spot)',
      hourlyUsd: 0.4,
      totalUsd: 0.8,
    });
    const onDemand = quoteRun({ ...base, market: 'on-demand' });
    expect(onDemand.hourlyUsd).toBeCloseTo(1.006 + (0.08 * 100) / 730 + PRICE_TABLE.publicIpv4Hourly, 12);
  });
});
