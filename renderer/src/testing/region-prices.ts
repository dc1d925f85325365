import { PRICE_TABLE, type PriceTable } from '../../../shared/pricing/price-table';

/**
 * eu-west-1's prices as `aws.prices` answers them (live): every figure 1.5 × the bundled us-east-1
 * one, so a figure at the bundled prices can never pass for eu-west-1's.
 */
export const EU_WEST_1_PRICES: PriceTable = {
  ...PRICE_TABLE,
  baseRegion: 'eu-west-1',
  instanceHourly: Object.fromEntries(Object.entries(PRICE_TABLE.instanceHourly).map(([t, usd]) => [t, usd * 1.5])),
  ebsGbMonth: Object.fromEntries(Object.entries(PRICE_TABLE.ebsGbMonth).map(([t, usd]) => [t, usd * 1.5])),
  publicIpv4Hourly: PRICE_TABLE.publicIpv4Hourly * 1.5,
  origin: { source: 'live', region: 'eu-west-1', asOf: '2026-12-06T08:00:00.000Z' },
};
