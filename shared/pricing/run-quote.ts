import { HOURS_PER_MONTH, PRICE_TABLE, type PriceTable } from './price-table';

/** One billable line of a run's estimate; null prices are unknown (never $0). */
export interface QuoteLine {
  label: string;
  hourlyUsd: number | null;
  totalUsd: number | null;
}

/** The whole run's estimate: every billable line, their sum per hour and for `hours`. */
export interface RunQuote {
  lines: QuoteLine[];
  /** Null when any line is unknown: a partial sum would read as the price. */
  hourlyUsd: number | null;
  totalUsd: number | null;
  hours: number;
}

/** What a run bills while its instance lives. */
export interface QuoteInput {
  instanceType: string;
  market: 'on-demand' | 'spot';
  /** The spot $/h to quote (the zone's current price); absent for spot: unknown. */
  spotHourlyUsd?: number | undefined;
  diskGb: number;
  /** Hours the quote covers: the TTL (the most the run can bill) or the expected duration. */
  hours: number;
  /** The instance's region and the bucket's: EC2 ↔ S3 transfer is free within one region, billed per GB across. */
  region?: string | undefined;
  bucketRegion?: string | undefined;
}

// gp3's baseline is free: 3,000 IOPS and 125 MiB/s come with every volume (TrainDeck provisions no more).
const GP3_FREE_IOPS = 3000;
const GP3_FREE_MIBPS = 125;

/**
 * The run's estimate from a region's prices: the instance (on-demand, or spot at the given price),
 * its gp3 root volume, its baseline IOPS and throughput (included), and its public IPv4. Each line
 * is hourly × hours; the totals are the sums of the lines, or null when one is unknown.
 */
export function quoteRun(input: QuoteInput, table: PriceTable = PRICE_TABLE): RunQuote {
  const hours = Number.isFinite(input.hours) && input.hours > 0 ? input.hours : 0;
  const onDemand = table.instanceHourly[input.instanceType];
  // A price that is not a finite amount of at least $0 is not a price: unknown, never a discount.
  const spot = input.spotHourlyUsd !== undefined && isPrice(input.spotHourlyUsd) ? input.spotHourlyUsd : null;
  const instance = input.market === 'spot' ? spot : (onDemand ?? null);
  const gp3 = table.ebsGbMonth.gp3;
  const line = (label: string, hourly: number | null | undefined): QuoteLine => {
    const known = hourly === undefined || hourly === null || !isPrice(hourly) ? null : hourly;
    return { label, hourlyUsd: known, totalUsd: known === null ? null : known * hours };
  };
  const lines = [
    line(`${input.instanceType} (${input.market})`, instance),
    line(`${input.diskGb} GB gp3 storage`, gp3 === undefined ? null : (gp3 * input.diskGb) / HOURS_PER_MONTH),
    line(`gp3 ${GP3_FREE_IOPS.toLocaleString('en-US')} IOPS and ${GP3_FREE_MIBPS} MiB/s (included)`, 0),
    line('Public IPv4 address', table.publicIpv4Hourly),
    ...transferLines(input),
  ];
  const unknown = lines.some((l) => l.hourlyUsd === null);
  const sum = (pick: (l: QuoteLine) => number | null) => lines.reduce((total, l) => total + (pick(l) ?? 0), 0);
  return {
    lines,
    hourlyUsd: unknown ? null : sum((l) => l.hourlyUsd),
    totalUsd: unknown ? null : sum((l) => l.totalUsd),
    hours,
  };
}

const isPrice = (usd: number) => Number.isFinite(usd) && usd >= 0;

// Same region: free (a known $0). Across regions: billed per GB moved, which no estimate knows: unknown.
function transferLines({ region, bucketRegion }: QuoteInput): QuoteLine[] {
  if (!region || !bucketRegion) return [];
  return region === bucketRegion
    ? [{ label: `Data transfer EC2 ↔ S3 (both in ${region})`, hourlyUsd: 0, totalUsd: 0 }]
    : [
        {
          label: `Data transfer EC2 ↔ S3 (bucket in ${bucketRegion}, instance in ${region}: per GB)`,
          hourlyUsd: null,
          totalUsd: null,
        },
      ];
}

/**
 * What a quote leaves out, in one sentence: S3 requests are billed per file moved (the pull and the
 * pushes), which is known only once the run has moved them (the run report counts them), and the
 * bucket's storage is billed by the month whether a run goes or not.
 */
export function s3RequestsNote(table: PriceTable = PRICE_TABLE): string {
  const prices = table.s3RequestsPer1000;
  const requests = prices
    ? `S3 requests, $${prices.put} per 1,000 PUT and $${prices.get} per 1,000 GET (10,000 files pushed: ` +
      `$${Number((prices.put * 10).toFixed(4))}; pulled: $${Number((prices.get * 10).toFixed(4))})`
    : 'S3 requests (billed per file moved; their price is unknown here)';
  return `Not in the total: ${requests}, counted by the run report once the files are moved, and the bucket's storage, billed by the month whether a run goes or not.`;
}
