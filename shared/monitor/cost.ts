import type { PriceOrigin } from '../pricing/price-table';

/** What the earlier attempts of a relaunched run cost (each billed at its own market and zone, run-attempts.ts). */
export interface EarlierAttemptsCost {
  /** Dollars; null when one of them could not be priced. */
  usd: number | null;
  /** How many attempts ended before the running one. */
  attempts: number;
  /** `usd` is at most this (one of them priced at an upper bound). */
  upperBound: boolean;
}

/** What a run costs while it runs. */
export interface CostBurn {
  /** $/h of the instance (on-demand, or spot as the Costs page prices it) + its EBS; null when the type is not priced. */
  hourlyUsd: number | null;
  instanceHourlyUsd: number | null;
  ebsHourlyUsd: number | null;
  /** Spent since the instance started at this rate, plus the earlier attempts of a relaunched run. */
  soFarUsd: number | null;
  /** soFar + burn × ETA, when an ETA is known. */
  projectedUsd?: number;
  /** The price table's date, so the UI can say "estimate as of …". */
  pricesAsOf: string;
  /** Where the prices come from (live, cached, bundled and why); absent: the bundled table. */
  pricesOrigin?: PriceOrigin;
  /** The instance's $/h is at most its figure (spot priced on-demand or at the dearest zone): see `instanceNote`. */
  upperBound?: boolean;
  /** For a spot instance: which price ("Spot price now in eu-west-1a …"), or why an upper bound stands in. */
  instanceNote?: string;
  /** A spot instance whose spot price is still being read: on-demand stands in (an upper bound) until it comes. */
  spotPending?: boolean;
  /** A relaunched run: what its earlier attempts cost (in `soFarUsd`). */
  earlier?: EarlierAttemptsCost;
}

/** True when the cost so far is at most its figure: the rate or an earlier attempt is an upper bound. */
export function soFarIsUpperBound(cost: Pick<CostBurn, 'upperBound' | 'earlier'>): boolean {
  return Boolean(cost.upperBound || cost.earlier?.upperBound);
}
