import type { ReactNode } from 'react';

import type { BudgetState, BudgetView } from '../../../../../shared/monitor/budget';
import { type CostBurn, soFarIsUpperBound } from '../../../../../shared/monitor/cost';
import { describePriceOrigin } from '../../../../../shared/pricing/price-table';
import { AlertIcon, CheckIcon, InfoIcon } from '../../../components/icons/ui-icons';
import { formatUsd } from '../../../format/money';

import './budget-status.css';

// The state in words and an icon (never colour alone); the stop's own words replace "stopped".
const STATE_TEXT: Record<BudgetState, string> = {
  waiting: 'Waiting for the first priced cost',
  under: 'Under budget',
  near: 'Near the budget: the run is stopped before it can pass it',
  stopped: 'Stopped by the budget',
  unknown: 'Price unknown: the budget cannot stop this run; it runs until its time limit or until you stop it',
};

const STATE_ICON: Record<BudgetState, ReactNode> = {
  waiting: <InfoIcon size={14} />,
  under: <CheckIcon size={14} />,
  near: <AlertIcon size={14} />,
  stopped: <AlertIcon size={14} />,
  unknown: <AlertIcon size={14} />,
};

/** "$3.29", "≤ $3.29" (an upper bound), "unknown" (no price: never $0), "—" (no cost yet). */
export function spentText(cost: CostBurn | undefined, state: BudgetState): string {
  if (state === 'unknown' || cost?.soFarUsd === null) return 'unknown';
  if (!cost) return '—';
  return `${soFarIsUpperBound(cost) ? '≤ ' : ''}${formatUsd(cost.soFarUsd)}`;
}

// What a graceful stop would add, by the budget stop's own rule (main computes it: shared/monitor/budget.ts).
function stopText(budget: BudgetView): string {
  if (budget.state === 'unknown') return 'A graceful stop would add: unknown (no price).';
  if (budget.stopCostUsd === undefined) return 'A graceful stop would add: known with the first priced cost.';
  return `A graceful stop (stop training, push, verify, tear down) would add ${formatUsd(budget.stopCostUsd)}.`;
}

/**
 * The run's cost so far against its budget (`training.maxCostUsd`): the state in words, what a
 * graceful stop would add, and which prices (source and date). Shown only for a run with a budget.
 */
export function BudgetStatus({ budget, cost }: { budget: BudgetView; cost: CostBurn | undefined }) {
  const spent = cost?.soFarUsd;
  const share = spent === undefined || spent === null ? 0 : Math.min(1, spent / budget.maxCostUsd);
  const stopShare = budget.stopCostUsd === undefined ? 0 : Math.min(1 - share, budget.stopCostUsd / budget.maxCostUsd);
  const state = budget.stopReason
    ? `${budget.stopReason[0]!.toUpperCase()}${budget.stopReason.slice(1)}`
    : STATE_TEXT[budget.state];
  return (
    <section className="budget" aria-labelledby="budget-title" data-testid="budget" data-state={budget.state}>
      <div className="budget__head">
        <h3 id="budget-title" className="budget__title">
          Budget
        </h3>
        <p className="budget__figure tabular" data-testid="budget-figure">
          {spentText(cost, budget.state)} spent of {formatUsd(budget.maxCostUsd)}
        </p>
        <p className={`budget__state budget__state--${budget.state}`} data-testid="budget-state">
          {STATE_ICON[budget.state]} {state}
        </p>
      </div>
      {/* The figures are in the words above; the bar only shows them at a glance (none without a figure). */}
      {budget.state !== 'unknown' && budget.state !== 'waiting' && (
        <div className="budget__bar" aria-hidden="true" data-testid="budget-bar">
          <span className={`budget__spent budget__spent--${budget.state}`} style={{ width: `${share * 100}%` }} />
          <span className="budget__stop" style={{ width: `${stopShare * 100}%` }} />
        </div>
      )}
      <p className="budget__note" data-testid="budget-stop">
        {stopText(budget)}
      </p>
      <p className="budget__note" data-testid="budget-prices">
        {cost ? describePriceOrigin(cost.pricesOrigin) : 'Prices: known with the first cost.'}
      </p>
    </section>
  );
}
