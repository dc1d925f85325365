import type { RunSnapshot } from '../../../../../shared/domain/run';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import { type CostBurn, soFarIsUpperBound } from '../../../../../shared/monitor/cost';
import type { PriceTable } from '../../../../../shared/pricing/price-table';
import { formatUsd } from '../../../../../shared/report/format';

/** What a running run has cost so far, as its monitor prices it: dollars (null: no price), and whether at most. */
export interface RunningCost {
  usd: number | null;
  upperBound: boolean;
}

/** The monitor's cost so far of a run, in the figures History keeps. */
export function runningCostOf(
  cost: Pick<CostBurn, 'soFarUsd' | 'upperBound' | 'earlier' | 'soFarUpperBound'>,
): RunningCost {
  return { usd: cost.soFarUsd, upperBound: soFarIsUpperBound(cost) };
}

/**
 * History's cost cell of a cloud run that is still running: its cost so far from the same source as
 * the monitor (the monitor's figure once it prices the run, before that the provisioning burn from
 * the instance's create on), "≤" when at most; else why there is no figure, in words: nothing bills
 * before the launch creates the instance, or the instance has no price. The title says what it is.
 */
export function runningCostCell(
  run: RunSnapshot,
  monitored: RunningCost | undefined,
  now: number,
  /** The run's region's prices (region-prices.ts); absent: the bundled table. */
  prices?: PriceTable,
): { text: string; title: string } {
  const burn = provisioningBurn(run, now, prices);
  const spent = monitored ?? (burn ? runningCostOf(burn) : undefined);
  if (!spent) {
    return {
      text: 'nothing yet',
      title: 'Nothing bills until the launch creates the instance; the total is computed when the run ends',
    };
  }
  if (spent.usd === null) {
    return {
      text: 'unknown',
      title: 'TrainDeck has no price for this instance type; the total is computed when the run ends',
    };
  }
  return {
    text: `${spent.upperBound ? '≤ ' : ''}${formatUsd(spent.usd)} so far`,
    title: `Cost so far, as the monitor prices it${spent.upperBound ? ' (at most: spot priced on-demand until its price is read)' : ''}; the total is computed when the run ends`,
  };
}
