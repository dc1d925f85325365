import type { PriceOrigin } from '../pricing/price-table';

/** What a run costs while it runs. */
export interface CostBurn {
  /** $/h of the instance (on-demand table price) + its EBS; null when the type is not priced. */
  hourlyUsd: number | null;
  instanceHourlyUsd: number | null;
  ebsHourlyUsd: number | null;
  /** Spent since the instance started, at the table price. */
  soFarUsd: number | null;
  /** soFar + burn × ETA, when an ETA is known. */
  projectedUsd?: number;
  /** The price table's date, so the UI can say "estimate as of …". */
  pricesAsOf: string;
  /** Where the prices come from (live, cached, bundled and why); absent: the bundled table. */
  pricesOrigin?: PriceOrigin;
}
