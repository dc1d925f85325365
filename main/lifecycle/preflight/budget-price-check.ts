import type { PreflightCheck } from '../../../shared/domain/preflight';
import { budgetBelowOneHourOfLaunch } from '../../../shared/monitor/budget';
import { describePriceOrigin, isPrice, type PriceTable } from '../../../shared/pricing/price-table';
import { formatUsd } from '../../../shared/report/format';
import type { ComputeConfig } from '../../../shared/run-config/schema';
import { check } from './check';

const LABEL = 'Budget';

/**
 * Whether `training.maxCostUsd` can stop the run, at the region's prices (the monitor's and
 * Review's). A budget below one hour of the instance would stop it before it trains: a failure,
 * before anything is created (a warning for spot, whose hour is priced here at most its on-demand
 * price: the preflight does not read spot prices). Every instance type the launch may end on (the
 * chosen one and each alternative) and its gp3 disk must have a price: one without is a warning
 * (the run would go on to its time limit whatever it costs), not a failure: the type may still be
 * worth running, with a time limit.
 */
export function budgetPriceCheck(maxCostUsd: number, compute: ComputeConfig, table: PriceTable): PreflightCheck {
  // The dearest of the chosen type and compute.alternatives (a capacity failover may launch one): the wizard's rule too.
  const tooSmall = budgetBelowOneHourOfLaunch({
    maxCostUsd,
    compute,
    table,
    ...(compute.market === 'spot' ? { spot: { problem: 'The preflight does not read spot prices.' } } : {}),
  });
  if (tooSmall) {
    return check(
      'budget',
      LABEL,
      tooSmall.upperBound ? 'warn' : 'fail',
      tooSmall.problem,
      `${tooSmall.fix.charAt(0).toUpperCase()}${tooSmall.fix.slice(1)}.`,
    );
  }
  const types = [compute.instanceType, ...(compute.alternatives ?? [])];
  const unpriced = [
    ...types.filter((type) => !isPrice(table.instanceHourly[type])),
    ...(isPrice(table.ebsGbMonth.gp3) ? [] : ['gp3 storage']),
  ];
  const source = describePriceOrigin(table.origin, table);
  if (unpriced.length) {
    return check(
      'budget',
      LABEL,
      'warn',
      `the ${formatUsd(maxCostUsd)} budget cannot stop this run: no price for ${unpriced.join(', ')} (${source})`,
      'Set training.maxRuntimeMinutes (or a shorter compute.ttlMinutes) to bound the run, or choose a priced instance type.',
    );
  }
  return check('budget', LABEL, 'pass', `${formatUsd(maxCostUsd)}, priced from ${source}`);
}
