import type { PreflightCheck } from '../../../shared/domain/preflight';
import { describePriceOrigin, isPrice, type PriceTable } from '../../../shared/pricing/price-table';
import { formatUsd } from '../../../shared/report/format';
import type { ComputeConfig } from '../../../shared/run-config/schema';
import { check } from './check';

const LABEL = 'Budget';

/**
 * Whether `training.maxCostUsd` can stop the run: the monitor stops a run by its cost, so every
 * instance type the launch may end on (the chosen one and each alternative) and its gp3 disk must
 * have a price in the region's prices. One without a price is a warning before anything is
 * created: the run would go on to its time limit whatever it costs (the monitor says so too, but
 * only after launch). Not a failure: the type may still be worth running, with a time limit.
 */
export function budgetPriceCheck(maxCostUsd: number, compute: ComputeConfig, table: PriceTable): PreflightCheck {
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
