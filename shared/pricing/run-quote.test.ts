import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { PRICE_TABLE } from './price-table';
import { quoteRun, s3RequestsNote } from './run-quote';

const input = fc.record({
  instanceType: fc.constantFrom('g5.xlarge', 't3.micro', 'z9.unknown'),
  market: fc.constantFrom('on-demand' as const, 'spot' as const),
  spotHourlyUsd: fc.option(
    fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constant(Number.NaN), fc.double({ min: -5, max: -1e-9 })),
    { nil: undefined },
  ),
  diskGb: fc.integer({ min: 20, max: 16384 }),
  hours: fc.oneof(fc.double({ min: 0, max: 168, noNaN: true }), fc.constant(Number.NaN), fc.constant(-1)),
  region: fc.option(fc.constantFrom('eu-west-1', 'us-east-1'), { nil: undefined }),
  bucketRegion: fc.option(fc.constantFrom('eu-west-1', 'us-east-1'), { nil: undefined }),
});

const INSTANCE_TYPES = ['g5.xlarge', 'g5.2xlarge', 't3.micro', 'p4d.24xlarge', 'z9.unknown'];

describe('quoteRun', () => {
  it('"at most" is never below any instance the launch may end on, and unknown when one of them is unpriced', () => {
    const mayLaunch = fc.record({
      alternatives: fc.uniqueArray(fc.constantFrom(...INSTANCE_TYPES), { maxLength: 4 }),
      fallbackOnDemand: fc.boolean(),
    });
    fc.assert(
      fc.property(input, mayLaunch, (q, may) => {
        const alternatives = may.alternatives.filter((t) => t !== q.instanceType);
        const planned = quoteRun(q);
        const atMost = quoteRun({ ...q, mayLaunch: { alternatives, fallbackOnDemand: may.fallbackOnDemand } });
        const candidates = [
          ...alternatives,
          // Spot bills up to on-demand (no maximum price is set), fallback or not.
          ...(q.market === 'spot' ? [q.instanceType] : []),
        ].map((t) => PRICE_TABLE.instanceHourly[t]);
        const instance = atMost.lines[0]!.hourlyUsd;
        if (candidates.some((price) => price === undefined) || planned.lines[0]!.hourlyUsd === null) {
          expect(instance).toBeNull();
          expect(atMost.totalUsd).toBeNull();
          return;
        }
        for (const price of [planned.lines[0]!.hourlyUsd, ...candidates]) {
          expect(instance!).toBeGreaterThanOrEqual(price!);
        }
        // Nothing else is dearer: the same quote as planned.
        if (candidates.every((price) => price! <= planned.lines[0]!.hourlyUsd!)) expect(atMost).toEqual(planned);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('a spot run with the on-demand fallback is at most on-demand for its TTL (named)', () => {
    const q = { instanceType: 'g5.xlarge', market: 'spot' as const, spotHourlyUsd: 0.4, diskGb: 100, hours: 10 };
    const quote = quoteRun({ ...q, mayLaunch: { fallbackOnDemand: true } });
    expect(quote.lines[0]).toEqual({
      label: 'g5.xlarge (spot), at most g5.xlarge on-demand (the on-demand fallback)',
      hourlyUsd: PRICE_TABLE.instanceHourly['g5.xlarge'],
      totalUsd: PRICE_TABLE.instanceHourly['g5.xlarge']! * 10,
    });
  });

  // Breaks 3b81af5: without the fallback, "at most" was today's dearest spot price for the whole TTL; the
  // spot price may rise up to on-demand meanwhile (TrainDeck sets no maximum price), so that is the bound.
  it('a spot run without the fallback is still at most on-demand for its TTL (named)', () => {
    const q = { instanceType: 'g5.xlarge', market: 'spot' as const, spotHourlyUsd: 0.4, diskGb: 100, hours: 10 };
    const quote = quoteRun({ ...q, mayLaunch: { fallbackOnDemand: false } });
    expect(quote.lines[0]).toEqual({
      label: 'g5.xlarge (spot), at most g5.xlarge on-demand (spot prices may rise to it)',
      hourlyUsd: PRICE_TABLE.instanceHourly['g5.xlarge'],
      totalUsd: PRICE_TABLE.instanceHourly['g5.xlarge']! * 10,
    });
    // The planned quote (no mayLaunch) stays at the spot price.
    expect(quoteRun(q).lines[0]!.hourlyUsd).toBe(0.4);
  });

  it('never yields NaN; unknown lines make the totals unknown, never $0; the totals are the sums of the lines', () => {
    fc.assert(
      fc.property(input, (q) => {
        const quote = quoteRun(q);
        for (const line of quote.lines) {
          for (const value of [line.hourlyUsd, line.totalUsd]) {
            expect(value === null || (Number.isFinite(value) && value >= 0)).toBe(true);
          }
          // A line is unknown as a whole: never a known rate with an unknown total, or the reverse.
          expect(line.hourlyUsd === null).toBe(line.totalUsd === null);
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

  it('a negative or NaN spot price is unknown, never a discount (shrunk from the property)', () => {
    const base = { instanceType: 'g5.xlarge', market: 'spot' as const, diskGb: 20, hours: 1 };
    expect(quoteRun({ ...base, spotHourlyUsd: -1e-9 }).totalUsd).toBeNull();
    expect(quoteRun({ ...base, spotHourlyUsd: Number.NaN }).lines[0]!.hourlyUsd).toBeNull();
  });

  it('EC2 ↔ S3 transfer is $0 in one region and unknown across regions (per GB), which makes the total unknown', () => {
    const base = { instanceType: 'g5.xlarge', market: 'on-demand' as const, diskGb: 100, hours: 3 };
    const same = quoteRun({ ...base, region: 'eu-west-1', bucketRegion: 'eu-west-1' });
    expect(same.lines.at(-1)).toEqual({
      label: 'Data transfer EC2 ↔ S3 (both in eu-west-1)',
      hourlyUsd: 0,
      totalUsd: 0,
    });
    expect(same.totalUsd).toBeCloseTo(quoteRun(base).totalUsd!, 12);
    const across = quoteRun({ ...base, region: 'eu-west-1', bucketRegion: 'us-east-1' });
    expect(across.lines.at(-1)?.label).toBe(
      'Data transfer EC2 ↔ S3 (bucket in us-east-1, instance in eu-west-1: per GB)',
    );
    expect(across.totalUsd).toBeNull();
    expect(across.hourlyUsd).toBeNull();
  });

  it('says what it leaves out: S3 requests at their prices and the bucket storage', () => {
    expect(s3RequestsNote()).toBe(
      "Not in the total: S3 requests, $0.005 per 1,000 PUT and $0.0004 per 1,000 GET (10,000 files pushed: $0.05; pulled: $0.004), counted by the run report once the files are moved, and the bucket's storage, billed by the month whether a run goes or not.",
    );
    const { s3RequestsPer1000: _, ...withoutS3 } = PRICE_TABLE;
    expect(s3RequestsNote(withoutS3)).toContain('S3 requests (billed per file moved; their price is unknown here)');
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
