import type { PriceListProduct } from '../../../shared/pricing/price-list';
import { PRICE_TABLE } from '../../../shared/pricing/price-table';
import type { PriceListPort } from '../ports/price-list-port';
import { hex } from './fake-ec2-region';

/**
 * The Price List of the fake account: the bundled us-east-1 prices, scaled per region by a stable
 * factor (1.00 in us-east-1, 1.05–1.25 elsewhere, as AWS's regional spread), as the products GetProducts
 * answers once parsed. So the demo shows region prices that differ from the bundled table.
 */
export function fakePriceList(knownRegions: () => string[]): PriceListPort {
  return {
    regionProducts: async (region) => (knownRegions().includes(region) ? fakeRegionProducts(region) : []),
  };
}

/** The factor of a region's prices over us-east-1's in the fake. */
export function fakeRegionFactor(region: string): number {
  if (region === 'us-east-1') return 1;
  return 1.05 + Math.round((parseInt(hex(`price:${region}`, 4), 16) / 0xffff) * 20) / 100;
}

function fakeRegionProducts(region: string): PriceListProduct[] {
  const factor = fakeRegionFactor(region);
  const price = (usd: number) => Math.round(usd * factor * 1e6) / 1e6;
  const product = (family: string, attributes: Record<string, string>, unit: string, usd: number) => ({
    family,
    attributes: { regionCode: region, ...attributes },
    onDemand: [{ unit, usd: price(usd), beginRange: 0 }],
  });
  const linux = { operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' };
  return [
    ...Object.entries(PRICE_TABLE.instanceHourly).map(([instanceType, usd]) =>
      product('Compute Instance', { ...linux, instanceType }, 'Hrs', usd),
    ),
    ...Object.entries(PRICE_TABLE.ebsGbMonth).map(([volumeApiName, usd]) =>
      product('Storage', { volumeApiName }, 'GB-Mo', usd),
    ),
    ...Object.entries(PRICE_TABLE.ebsIopsMonth ?? {}).map(([volumeApiName, usd]) =>
      product('System Operation', { group: 'EBS IOPS', volumeApiName }, 'IOPS-Mo', usd),
    ),
    product(
      'Provisioned Throughput',
      { group: 'EBS Throughput', volumeApiName: 'gp3' },
      'GiBps-mo',
      (PRICE_TABLE.gp3ThroughputMibpsMonth ?? 0.04) * 1024,
    ),
    product('Storage Snapshot', { usagetype: 'EBS:SnapshotUsage' }, 'GB-Mo', PRICE_TABLE.snapshotGbMonth),
    product('IP Address', { usagetype: 'PublicIPv4:InUseAddress' }, 'Hrs', PRICE_TABLE.publicIpv4Hourly),
  ];
}
