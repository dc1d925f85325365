/**
 * GetProducts PriceList entries in the shape AWS documents (aws_v1: a JSON string per product with
 * `product.productFamily`, `product.attributes`, and `terms.OnDemand.<sku.offer>.priceDimensions.<rate>`
 * with `unit`, `beginRange` and `pricePerUnit.USD` as a decimal string), for the adapter and price source tests.
 */
export function priceListItem(
  family: string,
  attributes: Record<string, string>,
  dimensions: { unit: string; usd: string; beginRange?: string; endRange?: string }[],
  sku = `SKU${family.length}${Object.values(attributes).join('').length}`,
): string {
  const offer = `${sku}.JRTCKXETXF`;
  return JSON.stringify({
    product: { productFamily: family, attributes: { servicecode: 'AmazonEC2', ...attributes }, sku },
    serviceCode: attributes.servicecode ?? 'AmazonEC2',
    terms: {
      OnDemand: {
        [offer]: {
          priceDimensions: Object.fromEntries(
            dimensions.map((d, i) => [
              `${offer}.6YS6EN2CT${i}`,
              {
                unit: d.unit,
                endRange: d.endRange ?? 'Inf',
                description: `$${d.usd} per ${d.unit}`,
                appliesTo: [],
                rateCode: `${offer}.6YS6EN2CT${i}`,
                beginRange: d.beginRange ?? '0',
                pricePerUnit: { USD: d.usd },
              },
            ]),
          ),
          sku,
          effectiveDate: '2025-06-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
      // Reserved terms come with every instance product; TrainDeck ignores them.
      Reserved: {
        [`${sku}.38NPMPTW36`]: {
          priceDimensions: {
            [`${sku}.38NPMPTW36.2TG2D8R56U`]: { unit: 'Quantity', pricePerUnit: { USD: '4000' }, beginRange: '0' },
          },
        },
      },
    },
    version: '20250601000000',
    publicationDate: '2025-06-01T00:00:00Z',
  });
}

const LINUX = {
  operatingSystem: 'Linux',
  tenancy: 'Shared',
  preInstalledSw: 'NA',
  capacitystatus: 'Used',
  licenseModel: 'No License required',
};

/** The products of eu-west-1 a full answer contains, as AWS lists them (usage types carry the region prefix). */
export const EU_WEST_1_ITEMS = {
  g5: priceListItem(
    'Compute Instance',
    { ...LINUX, instanceType: 'g5.xlarge', regionCode: 'eu-west-1', usagetype: 'EU-BoxUsage:g5.xlarge' },
    [{ unit: 'Hrs', usd: '1.1230000000' }],
  ),
  t3: priceListItem(
    'Compute Instance',
    { ...LINUX, instanceType: 't3.micro', regionCode: 'eu-west-1', usagetype: 'EU-BoxUsage:t3.micro' },
    [{ unit: 'Hrs', usd: '0.0114000000' }],
  ),
  gp3: priceListItem(
    'Storage',
    { volumeApiName: 'gp3', regionCode: 'eu-west-1', usagetype: 'EU-EBS:VolumeUsage.gp3' },
    [{ unit: 'GB-Mo', usd: '0.0880000000' }],
  ),
  gp3Iops: priceListItem(
    'System Operation',
    { group: 'EBS IOPS', volumeApiName: 'gp3', regionCode: 'eu-west-1', usagetype: 'EU-EBS:VolumeP-IOPS.gp3' },
    [{ unit: 'IOPS-Mo', usd: '0.0055000000' }],
  ),
  io2Tier1: priceListItem(
    'System Operation',
    { group: 'EBS IOPS', volumeApiName: 'io2', regionCode: 'eu-west-1', usagetype: 'EU-EBS:VolumeP-IOPS.io2' },
    [{ unit: 'IOPS-Mo', usd: '0.0720000000', endRange: '32000' }],
  ),
  io2Tier2: priceListItem(
    'System Operation',
    { group: 'EBS IOPS', volumeApiName: 'io2', regionCode: 'eu-west-1', usagetype: 'EU-EBS:VolumeP-IOPS.io2.tier2' },
    [{ unit: 'IOPS-Mo', usd: '0.0504000000', beginRange: '32000', endRange: '64000' }],
  ),
  gp3Throughput: priceListItem(
    'Provisioned Throughput',
    {
      group: 'EBS Throughput',
      volumeApiName: 'gp3',
      regionCode: 'eu-west-1',
      usagetype: 'EU-EBS:VolumeP-Throughput.gp3',
    },
    [{ unit: 'GiBps-mo', usd: '45.0560000000' }],
  ),
  snapshot: priceListItem('Storage Snapshot', { regionCode: 'eu-west-1', usagetype: 'EU-EBS:SnapshotUsage' }, [
    { unit: 'GB-Mo', usd: '0.0500000000' },
  ]),
  ipv4: priceListItem(
    'VpcPublicIPv4Address',
    { servicecode: 'AmazonVPC', regionCode: 'eu-west-1', usagetype: 'EU-PublicIPv4:InUseAddress' },
    [{ unit: 'Hrs', usd: '0.0050000000' }],
  ),
};
