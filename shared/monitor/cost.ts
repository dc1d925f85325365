import type { PriceOrigin } from '../pricing/price-table';

/** What the earlier attempts of a relaunched run cost (each billed at its own market and zone, run-attempts.ts). */
export interface EarlierAttemptsCost {
  /** Dollars; null when one of them could not be priced. */
  usd: number | null;
  /** How many attempts ended before the running one. */
  attempts: number;
  /** `usd` is at most this (one of them priced at an upper bound). */
  upperBound: boolean;
  /** The ones without a price (why `usd` is null): their number, type and why (the attempt's cost note). */
  unpriced?: Array<{ attempt: number; instanceType: string; why?: string }>;
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
  /** `soFarUsd` is at most its figure though the rate now is exact: an earlier spot period was priced at most. */
  soFarUpperBound?: boolean;
}

/** True when the cost so far is at most its figure: the rate or an earlier attempt is an upper bound. */
export function soFarIsUpperBound(cost: Pick<CostBurn, 'upperBound' | 'earlier' | 'soFarUpperBound'>): boolean {
  return Boolean(cost.upperBound || cost.soFarUpperBound || cost.earlier?.upperBound);
}

/**
 * What of a run TrainDeck cannot price, named: "this instance", "its disk", "attempt 1 of zz9.mega
 * (zz9.mega has no price in the price table, …)". Empty when everything is priced.
 */
export function unpricedParts(cost: Pick<CostBurn, 'instanceHourlyUsd' | 'ebsHourlyUsd' | 'earlier'>): string[] {
  const parts: string[] = [];
  if (cost.instanceHourlyUsd === null) parts.push('this instance');
  if (cost.ebsHourlyUsd === null) parts.push(parts.length ? 'its disk' : "this instance's disk");
  if (cost.earlier && cost.earlier.usd === null) {
    const unpriced = cost.earlier.unpriced ?? [];
    if (!unpriced.length) parts.push('an earlier attempt');
    for (const a of unpriced) {
      parts.push(
        `attempt ${a.attempt} of ${a.instanceType}${a.why ? ` (${lowerFirst(a.why.replace(/\.$/, ''))})` : ''}`,
      );
    }
  }
  return parts;
}

const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text);
