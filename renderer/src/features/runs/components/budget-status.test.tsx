// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';

import type { BudgetView } from '../../../../../shared/monitor/budget';
import type { CostBurn } from '../../../../../shared/monitor/cost';
import { render, screen } from '../../../testing/render';
import { BudgetStatus } from './budget-status';

const COST: CostBurn = {
  hourlyUsd: 1.0274,
  instanceHourlyUsd: 1.011,
  ebsHourlyUsd: 0.0164,
  soFarUsd: 3.29,
  pricesAsOf: '2026-12-05',
  pricesOrigin: { source: 'live', region: 'eu-west-1', asOf: '2026-12-05T06:00:00Z' },
};

const text = (id: string) => screen.getByTestId(id).textContent;

describe('the monitor’s budget', () => {
  it('under: spent of the budget, what a stop adds, and the prices’ source and date', () => {
    render(<BudgetStatus budget={{ maxCostUsd: 15, state: 'under', stopCostUsd: 0.17 }} cost={COST} />);
    expect(text('budget-figure')).toBe('$3.29 spent of $15.00');
    expect(text('budget-state')).toContain('Under budget');
    expect(text('budget-stop')).toBe('A graceful stop (stop training, push, verify, tear down) would add $0.170.');
    expect(text('budget-prices')).toBe('AWS prices of eu-west-1 fetched 2026-12-05.');
  });

  it('stopped: the stop’s own words', () => {
    const budget: BudgetView = {
      maxCostUsd: 15,
      state: 'stopped',
      stopCostUsd: 0.17,
      stopReason: 'stopped by the budget: $14.70 of $15.00',
    };
    render(<BudgetStatus budget={budget} cost={{ ...COST, soFarUsd: 14.7 }} />);
    expect(text('budget-state')).toContain('Stopped by the budget: $14.70 of $15.00');
    expect(screen.getByTestId('budget').dataset.state).toBe('stopped');
  });

  it('unknown price: "unknown", never $0, and the bundled prices said with their date', () => {
    const unpriced: CostBurn = { ...COST, hourlyUsd: null, instanceHourlyUsd: null, soFarUsd: null };
    delete unpriced.pricesOrigin;
    render(<BudgetStatus budget={{ maxCostUsd: 15, state: 'unknown' }} cost={unpriced} />);
    expect(text('budget-figure')).toBe('unknown spent of $15.00');
    expect(text('budget-stop')).toBe('A graceful stop would add: unknown (no price).');
    expect(text('budget-prices')).toMatch(/^Bundled us-east-1 prices of \d{4}-\d{2}-\d{2}\.$/);
    expect(screen.getByTestId('budget').textContent).not.toContain('$0.00');
  });

  it('a spot instance priced at an upper bound says ≤', () => {
    render(
      <BudgetStatus
        budget={{ maxCostUsd: 15, state: 'near', stopCostUsd: 0.4 }}
        cost={{ ...COST, upperBound: true }}
      />,
    );
    expect(text('budget-figure')).toBe('≤ $3.29 spent of $15.00');
    expect(text('budget-state')).toContain('Near the budget');
  });
});
