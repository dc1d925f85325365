/**
 * What a finished run cost, itemized. Main computes it once at the run's end from the bundled
 * price table (and, for a spot instance, EC2's spot price history) and journals it as a `cost`
 * run event, so the figure survives restarts with the rest of the run's history (the
 * monitor's live burn rate is memory only).
 */

/** What a cost line is for. */
export type CostItemKind = 'instance' | 'ebs' | 'public-ipv4' | 'transfer' | 's3-requests' | 'own-machine';

/** One line of a run's itemized cost. */
export interface CostItem {
  kind: CostItemKind;
  /** "Instance g5.xlarge (on-demand)". */
  label: string;
  /** How the amount was reached: "3.20 h × $1.006/h", "pulled 12.0 GB, pushed 1.4 GB". */
  quantity: string;
  /** US dollars; null when the bundled table has no price for it (never shown as $0). */
  usd: number | null;
  /** Why the line is what it is (spot from the price history or an upper bound, same-region transfer is free…). */
  note?: string;
  /** `usd` is at most this (a spot attempt priced on-demand or at the dearest zone): see `note`. */
  upperBound?: boolean;
}

/** A run's cost as recorded at its end. */
export interface RunCost {
  items: CostItem[];
  /** Sum of the items; null when one of them could not be priced. */
  totalUsd: number | null;
  /** The price table's date. */
  pricesAsOf: string;
  /** The compute was the user's own machine (ssh-host, local): nothing was rented. */
  ownMachine: boolean;
  /**
   * The total is an upper bound: a spot instance (or attempt) priced at the on-demand price (its
   * price history was not available), or at the dearest zone's history (its zone was not recorded).
   */
  upperBound: boolean;
  /** Caveats that apply to the whole estimate (region of the prices, unconfirmed teardown). */
  notes: string[];
}
