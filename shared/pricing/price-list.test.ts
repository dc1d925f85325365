import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parsePriceListItem, type PriceListProduct, regionPricesFromProducts } from './price-list';
import { PRICE_TABLE } from './price-table';

const LINUX = { operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' };
const instance = (instanceType: string, usd: number, extra: Record<string, string> = {}): PriceListProduct => ({
  family: 'Compute Instance',
  attributes: { ...LINUX, instanceType, regionCode: 'eu-west-1', ...extra },
  onDemand: [{ unit: 'Hrs', usd, beginRange: 0 }],
});

const priceText = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }).map((n) => n.toFixed(10)),
  fc.constantFrom('', ' ', 'NaN', '-1', 'Infinity', '1e400', 'free', '0.0000000000'),
);
const itemText = fc
  .record({
    family: fc.constantFrom('Compute Instance', 'Storage', 'System Operation', 'Storage Snapshot', 'x'),
    unit: fc.constantFrom('Hrs', 'GB-Mo', 'IOPS-Mo', 'GiBps-mo', 'Quantity'),
    usd: priceText,
    beginRange: fc.constantFrom('0', '32000', 'x', undefined),
  })
  .map(({ family, unit, usd, beginRange }) =>
    JSON.stringify({
      product: { productFamily: family, attributes: { ...LINUX, instanceType: 'g5.xlarge', regionCode: 'eu-west-1' } },
      terms: { OnDemand: { a: { priceDimensions: { b: { unit, beginRange, pricePerUnit: { USD: usd } } } } } },
    }),
  );

describe('parsePriceListItem', () => {
  it('never throws and never yields a price that is not a finite, non-negative number', () => {
    fc.assert(
      fc.property(fc.oneof(itemText, fc.string(), fc.json()), (text) => {
        const product = parsePriceListItem(text);
        for (const dimension of product?.onDemand ?? []) {
          expect(Number.isFinite(dimension.usd) && dimension.usd >= 0).toBe(true);
          expect(Number.isFinite(dimension.beginRange)).toBe(true);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('reads an empty USD string as no price, not $0', () => {
    const text = JSON.stringify({
      product: { productFamily: 'Compute Instance', attributes: {} },
      terms: { OnDemand: { a: { priceDimensions: { b: { unit: 'Hrs', pricePerUnit: { USD: '' } } } } } },
    });
    expect(parsePriceListItem(text)?.onDemand).toEqual([]);
  });
});

describe('regionPricesFromProducts', () => {
  it('prices only what the answer prices: every instance price is positive and finite, other regions and OSes stay out', () => {
    const product = fc.record({
      type: fc.constantFrom('g5.xlarge', 't3.micro', 'p5.48xlarge', 'z9.huge'),
      usd: fc.oneof(fc.double({ min: 0, max: 99, noNaN: true }), fc.constant(0)),
      region: fc.constantFrom('eu-west-1', 'us-east-1'),
      os: fc.constantFrom('Linux', 'Windows', 'RHEL'),
      tenancy: fc.constantFrom('Shared', 'Dedicated'),
    });
    fc.assert(
      fc.property(fc.array(product, { maxLength: 12 }), (rows) => {
        const products = rows.map((r) =>
          instance(r.type, r.usd, { regionCode: r.region, operatingSystem: r.os, tenancy: r.tenancy }),
        );
        const { table } = regionPricesFromProducts(products, 'eu-west-1', '2026-12-05');
        for (const [type, usd] of Object.entries(table.instanceHourly)) {
          expect(Number.isFinite(usd) && usd > 0).toBe(true);
          const sources = rows.filter(
            (r) => r.type === type && r.region === 'eu-west-1' && r.os === 'Linux' && r.tenancy === 'Shared',
          );
          expect(usd).toBe(Math.max(...sources.map((r) => r.usd)));
        }
        expect(table.baseRegion).toBe('eu-west-1');
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('says which lines it did not find and keeps the bundled figures for them, never an instance price', () => {
    const { table, missing } = regionPricesFromProducts([], 'ap-south-1', '2026-12-05');
    expect(missing).toEqual(['EBS snapshots', 'public IPv4', 'gp3 throughput', 'gp3 storage', 'instances']);
    expect(table.instanceHourly).toEqual({});
    expect(table.publicIpv4Hourly).toBe(PRICE_TABLE.publicIpv4Hourly);
  });

  it('drops SQL Server, BYOL and reserved-capacity rows of a type', () => {
    const { table } = regionPricesFromProducts(
      [
        instance('m5.large', 0.107),
        instance('m5.large', 0.5, { preInstalledSw: 'SQL Std' }),
        instance('m5.large', 0.6, { licenseModel: 'Bring your own license' }),
        instance('m5.large', 0.7, { capacitystatus: 'UnusedCapacityReservation' }),
      ],
      'eu-west-1',
      '2026-12-05',
    );
    expect(table.instanceHourly).toEqual({ 'm5.large': 0.107 });
  });
});
