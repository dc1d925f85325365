import { continuingSentence } from '../text/sentences';

/**
 * A bundled, dated price table: estimates for the cost panel without a pricing API call.
 * Linux on-demand prices of us-east-1 (USD), rounded as AWS lists them. Other regions are
 * estimated with the same prices (AWS is typically 0–30 % dearer elsewhere): the scanner
 * says so. Refresh by hand from https://aws.amazon.com/ec2/pricing/on-demand/.
 */
export interface PriceTable {
  /** The day these prices were read. */
  asOf: string;
  /** Region the prices are from. */
  baseRegion: string;
  /** $/hour per instance type (on-demand, Linux). */
  instanceHourly: Record<string, number>;
  /** $/GB-month per EBS volume type. */
  ebsGbMonth: Record<string, number>;
  /** $/GB-month of EBS snapshot storage (standard tier). */
  snapshotGbMonth: number;
  /** $/hour per public IPv4 address, attached or not. */
  publicIpv4Hourly: number;
  /** $/hour per NAT gateway (data processing not included). */
  natGatewayHourly: number;
  /** $/hour per load balancer by type (LCU usage not included). */
  loadBalancerHourly: Record<string, number>;
  /** S3 request prices per 1,000 (Standard and Intelligent-Tiering): PUT/COPY/POST/LIST and GET. */
  s3RequestsPer1000?: { put: number; get: number };
  /** $/provisioned IOPS-month per EBS volume type (gp3: above its free 3,000; io1 and io2: every IOPS, io2's first tier). */
  ebsIopsMonth?: Record<string, number>;
  /** $/MiB/s-month of gp3 throughput above its free 125 MiB/s. */
  gp3ThroughputMibpsMonth?: number;
  /** Where these prices come from; absent on the bundled table itself. */
  origin?: PriceOrigin;
}

/**
 * Where a region's prices come from: AWS's Price List (fetched now or read from the disk cache),
 * or the bundled table (us-east-1 figures) with why live prices were not used.
 */
export interface PriceOrigin {
  source: 'live' | 'cache' | 'bundled';
  /** The region asked for (the bundled table's prices are us-east-1's whatever this says). */
  region: string;
  /** ISO time the prices were fetched from AWS; for the bundled table, the day they were read. */
  asOf: string;
  /** Why live prices are not in use (bundled), or why a cached copy older than its TTL is (cache): a sentence. */
  problem?: string;
  /** What the user can do about `problem`: a sentence. */
  fix?: string;
}

/** The sentence the UI shows under any price: which prices, of when, and why not live ones. */
export function describePriceOrigin(origin: PriceOrigin | undefined, table: PriceTable = PRICE_TABLE): string {
  if (!origin || origin.source === 'bundled') {
    return `Bundled ${table.baseRegion} prices of ${table.asOf}${whyNotLive(origin)}`;
  }
  return `AWS prices of ${origin.region} fetched ${origin.asOf.slice(0, 10)}${whyNotLive(origin)}`;
}

/**
 * Which prices a figure is of, as a phrase inside a sentence: "AWS prices of eu-west-1 of 2026-12-06",
 * or "the bundled us-east-1 prices of 2025-06-15 (live prices of eu-west-1 unavailable)".
 */
export function priceOriginPhrase(table: PriceTable): string {
  const origin = table.origin;
  if (!origin || origin.source === 'bundled') {
    const live = origin ? ` (live prices of ${origin.region} unavailable)` : '';
    return `the bundled ${table.baseRegion} prices of ${table.asOf}${live}`;
  }
  return `AWS prices of ${origin.region} of ${origin.asOf.slice(0, 10)}`;
}

/**
 * One sentence for prices of several regions (the Costs page): AWS's when every region's are live or
 * cached (dated by the oldest fetch), else which regions fell back to the bundled table and why.
 */
export function summarizePriceOrigins(origins: PriceOrigin[]): string {
  if (origins.length <= 1) return describePriceOrigin(origins[0]);
  const bundled = origins.filter((o) => o.source === 'bundled');
  if (bundled.length === 0) {
    const oldest = origins.map((o) => o.asOf).sort()[0]!;
    return `AWS prices of each region, fetched ${oldest.slice(0, 10)} or later.`;
  }
  const regions = [...new Set(bundled.map((o) => o.region))].sort().join(', ');
  return `Bundled ${PRICE_TABLE.baseRegion} prices of ${PRICE_TABLE.asOf} for ${regions}${whyNotLive(bundled[0])}`;
}

// The end of the sentence: "; live prices unavailable: why. Fix." or just ".".
function whyNotLive(origin: PriceOrigin | undefined): string {
  const why = origin?.problem
    ? `; live prices unavailable: ${continuingSentence(origin.problem.replace(/\.$/, ''))}`
    : '';
  return `${why}.${origin?.fix ? ` ${origin.fix}` : ''}`;
}

/** Hours in AWS's billing month, to turn $/GB-month into $/hour. */
export const HOURS_PER_MONTH = 730;

/** The table bundled with this version. */
export const PRICE_TABLE: PriceTable = {
  asOf: '2025-06-15',
  baseRegion: 'us-east-1',
  instanceHourly: {
    't3.micro': 0.0104,
    't3.small': 0.0208,
    't3.medium': 0.0416,
    't3.large': 0.0832,
    't3.xlarge': 0.1664,
    't3.2xlarge': 0.3328,
    't4g.micro': 0.0084,
    't4g.small': 0.0168,
    't4g.medium': 0.0336,
    't4g.large': 0.0672,
    't4g.xlarge': 0.1344,
    'm5.large': 0.096,
    'm5.xlarge': 0.192,
    'm5.2xlarge': 0.384,
    'm5.4xlarge': 0.768,
    'm6i.large': 0.096,
    'm6i.xlarge': 0.192,
    'm6i.2xlarge': 0.384,
    'm6i.4xlarge': 0.768,
    'm6i.8xlarge': 1.536,
    'm7i.large': 0.1008,
    'm7i.xlarge': 0.2016,
    'm7i.2xlarge': 0.4032,
    'm7i.4xlarge': 0.8064,
    'm7g.large': 0.0816,
    'm7g.xlarge': 0.1632,
    'm7g.2xlarge': 0.3264,
    'c5.large': 0.085,
    'c5.xlarge': 0.17,
    'c5.2xlarge': 0.34,
    'c5.4xlarge': 0.68,
    'c6i.large': 0.085,
    'c6i.xlarge': 0.17,
    'c6i.2xlarge': 0.34,
    'c6i.4xlarge': 0.68,
    'c7i.large': 0.08925,
    'c7i.xlarge': 0.1785,
    'c7i.2xlarge': 0.357,
    'c7i.4xlarge': 0.714,
    'r5.large': 0.126,
    'r5.xlarge': 0.252,
    'r5.2xlarge': 0.504,
    'r6i.large': 0.126,
    'r6i.xlarge': 0.252,
    'r6i.2xlarge': 0.504,
    'g4dn.xlarge': 0.526,
    'g4dn.2xlarge': 0.752,
    'g4dn.4xlarge': 1.204,
    'g4dn.8xlarge': 2.176,
    'g4dn.12xlarge': 3.912,
    'g4dn.16xlarge': 4.352,
    'g5.xlarge': 1.006,
    'g5.2xlarge': 1.212,
    'g5.4xlarge': 1.624,
    'g5.8xlarge': 2.448,
    'g5.12xlarge': 5.672,
    'g5.16xlarge': 4.096,
    'g5.24xlarge': 8.144,
    'g5.48xlarge': 16.288,
    'g6.xlarge': 0.8048,
    'g6.2xlarge': 0.9776,
    'g6.4xlarge': 1.3232,
    'g6.8xlarge': 2.0144,
    'g6.12xlarge': 4.6016,
    'g6.16xlarge': 3.3968,
    'g6.24xlarge': 6.6752,
    'g6.48xlarge': 13.3504,
    'g6e.xlarge': 1.861,
    'g6e.2xlarge': 2.242,
    'g6e.4xlarge': 3.004,
    'g6e.8xlarge': 4.529,
    'g6e.12xlarge': 10.493,
    'g6e.48xlarge': 30.131,
    'p3.2xlarge': 3.06,
    'p3.8xlarge': 12.24,
    'p3.16xlarge': 24.48,
    'p4d.24xlarge': 21.958,
    'p5.48xlarge': 55.04,
  },
  ebsGbMonth: { gp3: 0.08, gp2: 0.1, io1: 0.125, io2: 0.125, st1: 0.045, sc1: 0.015, standard: 0.05 },
  snapshotGbMonth: 0.05,
  publicIpv4Hourly: 0.005,
  natGatewayHourly: 0.045,
  loadBalancerHourly: { application: 0.0225, network: 0.0225, gateway: 0.0125 },
  s3RequestsPer1000: { put: 0.005, get: 0.0004 },
  ebsIopsMonth: { gp3: 0.005, io1: 0.065, io2: 0.065 },
  gp3ThroughputMibpsMonth: 0.04,
};

/** A usable price: a finite amount of at least $0. Anything else (NaN, Infinity, negative, absent) is no price, never a discount. */
export function isPrice(usd: number | undefined): usd is number {
  return usd !== undefined && Number.isFinite(usd) && usd >= 0;
}
