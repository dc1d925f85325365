import { isPrice, PRICE_TABLE, type PriceTable } from './price-table';

/**
 * AWS Price List products (GetProducts answers one JSON document per product, as a string)
 * and the region price table built from them. Pure: the adapter of main/aws fetches, this reads.
 */

/** One product of a Price List answer: its family, attributes and on-demand price dimensions. */
export interface PriceListProduct {
  family: string;
  attributes: Record<string, string>;
  /** USD price dimensions of the product's OnDemand terms (tiers keep their own beginRange). */
  onDemand: { unit: string; usd: number; beginRange: number }[];
}

/**
 * Reads one PriceList entry (a JSON string, `product` + `terms.OnDemand.*.priceDimensions.*`).
 * undefined for text that is not such a product; dimensions without a finite non-negative
 * USD price are dropped, never read as $0.
 */
export function parsePriceListItem(text: string): PriceListProduct | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(json) || !isRecord(json.product)) return undefined;
  const attributes: Record<string, string> = {};
  if (isRecord(json.product.attributes)) {
    for (const [key, value] of Object.entries(json.product.attributes)) {
      if (typeof value === 'string') attributes[key] = value;
    }
  }
  const onDemand: PriceListProduct['onDemand'] = [];
  const terms = isRecord(json.terms) && isRecord(json.terms.OnDemand) ? json.terms.OnDemand : {};
  for (const term of Object.values(terms)) {
    if (!isRecord(term) || !isRecord(term.priceDimensions)) continue;
    for (const dimension of Object.values(term.priceDimensions)) {
      if (!isRecord(dimension) || !isRecord(dimension.pricePerUnit)) continue;
      const raw = dimension.pricePerUnit.USD;
      const usd = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      if (!isPrice(usd)) continue;
      const begin = Number(dimension.beginRange ?? 0);
      onDemand.push({
        unit: typeof dimension.unit === 'string' ? dimension.unit : '',
        usd,
        beginRange: Number.isFinite(begin) ? begin : 0,
      });
    }
  }
  return {
    family: typeof json.product.productFamily === 'string' ? json.product.productFamily : '',
    attributes,
    onDemand,
  };
}

/** A region's prices read from Price List products, and the lines AWS did not answer (kept from the bundled table). */
export interface ParsedRegionPrices {
  table: PriceTable;
  /** Price lines not found in the answer, e.g. "public IPv4"; their bundled values stand in. */
  missing: string[];
}

/**
 * The region's price table from its Price List products: on-demand Linux, shared tenancy, no
 * pre-installed software, per instance type; EBS GB-month, provisioned IOPS and gp3 throughput
 * per volume type; snapshot GB-month; public IPv4 per hour. A type the answer does not price stays
 * out (it is then "unknown", not the bundled us-east-1 figure); lines a region always has (EBS,
 * snapshots, IPv4, NAT, load balancers) fall back to the bundled values and are listed in `missing`.
 * Where two products price one thing, the dearer is kept (an estimate errs high).
 */
export function regionPricesFromProducts(
  products: PriceListProduct[],
  region: string,
  fetchedAt: string,
): ParsedRegionPrices {
  const instanceHourly: Record<string, number> = {};
  const ebsGbMonth: Record<string, number> = {};
  const ebsIopsMonth: Record<string, number> = {};
  let throughput: number | undefined;
  let snapshot: number | undefined;
  let ipv4: number | undefined;
  const keepMax = (into: Record<string, number>, key: string, usd: number | undefined) => {
    if (usd !== undefined && usd > 0) into[key] = Math.max(into[key] ?? 0, usd);
  };
  for (const product of products) {
    const a = product.attributes;
    if (a.regionCode !== undefined && a.regionCode !== region) continue;
    const usage = a.usagetype ?? '';
    if (product.family.startsWith('Compute Instance') && isPlainLinux(a) && a.instanceType) {
      keepMax(instanceHourly, a.instanceType, firstTier(product, /^hrs$/i));
    } else if (product.family === 'Storage' && a.volumeApiName) {
      keepMax(ebsGbMonth, a.volumeApiName, firstTier(product, /^gb-mo$/i));
    } else if (product.family === 'System Operation' && a.group === 'EBS IOPS' && a.volumeApiName) {
      keepMax(ebsIopsMonth, a.volumeApiName, firstTier(product, /^iops-mo$/i));
    } else if (product.family === 'Provisioned Throughput' || a.group === 'EBS Throughput') {
      const perGib = firstTier(product, /^gibps-mo$/i);
      const perMib = perGib === undefined ? firstTier(product, /^mi?bps-mo$/i) : perGib / 1024;
      if (perMib !== undefined && perMib > 0) throughput = Math.max(throughput ?? 0, perMib);
    } else if (product.family === 'Storage Snapshot' && /EBS:SnapshotUsage$/.test(usage)) {
      const usd = firstTier(product, /^gb-mo$/i);
      if (usd !== undefined && usd > 0) snapshot = Math.max(snapshot ?? 0, usd);
    } else if (/PublicIPv4:InUseAddress$/.test(usage)) {
      const usd = firstTier(product, /^hrs$/i);
      if (usd !== undefined && usd > 0) ipv4 = Math.max(ipv4 ?? 0, usd);
    }
  }
  const missing: string[] = [];
  const bundled = PRICE_TABLE;
  const need = <T>(value: T | undefined, fallback: T, line: string): T => {
    if (value === undefined) missing.push(line);
    return value ?? fallback;
  };
  const table: PriceTable = {
    asOf: fetchedAt,
    baseRegion: region,
    instanceHourly,
    ebsGbMonth: { ...bundled.ebsGbMonth, ...ebsGbMonth },
    snapshotGbMonth: need(snapshot, bundled.snapshotGbMonth, 'EBS snapshots'),
    publicIpv4Hourly: need(ipv4, bundled.publicIpv4Hourly, 'public IPv4'),
    natGatewayHourly: bundled.natGatewayHourly,
    loadBalancerHourly: bundled.loadBalancerHourly,
    ebsIopsMonth: { ...bundled.ebsIopsMonth, ...ebsIopsMonth },
    gp3ThroughputMibpsMonth: need(throughput, bundled.gp3ThroughputMibpsMonth ?? 0.04, 'gp3 throughput'),
    ...(bundled.s3RequestsPer1000 ? { s3RequestsPer1000: bundled.s3RequestsPer1000 } : {}),
  };
  if (ebsGbMonth.gp3 === undefined) missing.push('gp3 storage');
  if (Object.keys(instanceHourly).length === 0) missing.push('instances');
  return { table, missing };
}

// What TrainDeck launches: Linux, shared tenancy, no SQL/BYOL, the capacity AWS sells by the hour.
function isPlainLinux(a: Record<string, string>): boolean {
  return (
    a.operatingSystem === 'Linux' &&
    a.tenancy === 'Shared' &&
    (a.preInstalledSw ?? 'NA') === 'NA' &&
    (a.capacitystatus ?? 'Used') === 'Used' &&
    (a.licenseModel ?? 'No License required') === 'No License required'
  );
}

// The price of the first tier (beginRange 0) in `unit`; a tiered product's later tiers are cheaper.
function firstTier(product: PriceListProduct, unit: RegExp): number | undefined {
  const dims = product.onDemand.filter((d) => unit.test(d.unit));
  const first = dims.find((d) => d.beginRange === 0) ?? dims[0];
  return first?.usd;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
