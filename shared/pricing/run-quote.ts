import { HOURS_PER_MONTH, isPrice, PRICE_TABLE, type PriceTable } from './price-table';

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
  /**
   * What else the launch may end on (the TTL quote is "at most"): the alternative types tried when
   * the chosen one has no room, and for spot the on-demand fallback. The instance line is then
   * the dearest of them (an alternative's spot price is not known here: its on-demand bounds it).
   * Given at all, a spot run's own type counts at on-demand too: TrainDeck sets no maximum price, so
   * AWS bills spot up to the on-demand price, and today's price may rise within the TTL.
   */
  mayLaunch?: { alternatives?: readonly string[] | undefined; fallbackOnDemand?: boolean | undefined } | undefined;
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
  const planned = input.market === 'spot' ? spot : (onDemand ?? null);
  const ceiling = instanceCeiling(input, planned, table);
  const instance = ceiling ? ceiling.hourlyUsd : planned;
  const gp3 = table.ebsGbMonth.gp3;
  const line = (label: string, hourly: number | null | undefined): QuoteLine => {
    const known = hourly === undefined || hourly === null || !isPrice(hourly) ? null : hourly;
    return { label, hourlyUsd: known, totalUsd: known === null ? null : known * hours };
  };
  const lines = [
    line(ceiling ? ceiling.label : `${input.instanceType} (${input.market})`, instance),
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

/**
 * The dearest instance the launch may end on, when that is not the planned one: every alternative
 * type at on-demand, and the chosen type at on-demand for spot (its fallback, or its price's ceiling). Unknown (null)
 * when one of them has no price. Undefined when nothing else may launch, or nothing else is dearer.
 */
function instanceCeiling(
  input: QuoteInput,
  planned: number | null,
  table: PriceTable,
): { label: string; hourlyUsd: number | null } | undefined {
  const alternatives = input.mayLaunch?.alternatives ?? [];
  const spot = input.market === 'spot' && input.mayLaunch !== undefined;
  const fallback = spot && input.mayLaunch?.fallbackOnDemand === true;
  const others = [...(spot ? [input.instanceType] : []), ...alternatives];
  if (!others.length) return undefined;
  let dearest: { type: string; hourlyUsd: number | null } = { type: input.instanceType, hourlyUsd: planned };
  for (const type of others) {
    const price = table.instanceHourly[type];
    const hourly = price !== undefined && isPrice(price) ? price : null;
    if (hourly === null) {
      return { label: `${input.instanceType} (${input.market}; ${type} may launch, unpriced)`, hourlyUsd: null };
    }
    if (dearest.hourlyUsd !== null && hourly > dearest.hourlyUsd) dearest = { type, hourlyUsd: hourly };
  }
  if (dearest.type === input.instanceType && dearest.hourlyUsd === planned) return undefined;
  const why =
    dearest.type !== input.instanceType
      ? 'an alternative type'
      : fallback
        ? 'the on-demand fallback'
        : 'spot prices may rise to it';
  return {
    label: `${input.instanceType} (${input.market}), at most ${dearest.type} on-demand (${why})`,
    hourlyUsd: dearest.hourlyUsd,
  };
}

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
