import { describe, expect, it } from 'vitest';

import { PRICE_TABLE } from '../../../../../../shared/pricing/price-table';
import { onDemandVsSpot, pricesSourceText } from './price-compare';

describe('the picker’s and Review’s price lines', () => {
  it('on-demand vs spot per zone, cheapest first as main sends them; unknown spot says why, once', () => {
    const zones = [
      { zone: 'eu-west-1b', usdPerHour: 0.3712 },
      { zone: 'eu-west-1a', usdPerHour: 0.4 },
    ];
    expect(onDemandVsSpot(1.125, zones, undefined)).toBe(
      'On-demand $1.13/h · spot now: eu-west-1b $0.371/h, eu-west-1a $0.400/h',
    );
    expect(onDemandVsSpot(null, undefined, 'You are not allowed to read the spot price history.')).toBe(
      'On-demand unknown · spot unknown: you are not allowed to read the spot price history.',
    );
    expect(onDemandVsSpot(0.5, [], undefined)).toBe('On-demand $0.500/h · spot unknown.');
  });

  it('names the source and its date; offline, the bundled table and why; never silent while loading', () => {
    const live = {
      ...PRICE_TABLE,
      origin: { source: 'live' as const, region: 'eu-west-1', asOf: '2026-12-05T10:00:00Z' },
    };
    expect(pricesSourceText('eu-west-1', { table: live })).toBe('AWS prices of eu-west-1 fetched 2026-12-05.');
    expect(pricesSourceText('eu-west-1', undefined, 'the network is unreachable.')).toBe(
      'Bundled us-east-1 prices of 2025-06-15; live prices unavailable: the network is unreachable.',
    );
    expect(pricesSourceText('eu-west-1', undefined)).toBe(
      'Reading the prices of eu-west-1… (bundled us-east-1 prices of 2025-06-15 meanwhile)',
    );
  });
});
