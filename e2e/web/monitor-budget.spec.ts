import { expect, type Page, test, type WebSocketRoute } from '@playwright/test';

import {
  budgetStopMessage,
  budgetVerdict,
  type BudgetView,
  budgetViewOf,
  gracefulStopSeconds,
} from '../../shared/monitor/budget';
import type { CostBurn } from '../../shared/monitor/cost';
import type { MonitorSnapshot } from '../../shared/monitor/view';
import type { PriceOrigin } from '../../shared/pricing/price-table';
import { formatUsd } from '../../shared/report/format';
import { monitorSnapshot, RUN_ID, runSnapshot } from './monitor-fixture';
import {
  collectProblems,
  expectAccessibleLightAndDark,
  expectFitsSmallestWindow,
  openApp,
  shotAtWidths,
  useWebHost,
} from './support';

/**
 * The monitor's budget (`training.maxCostUsd`, #17 point 4) as the page shows it: the real browser
 * host answers everything except `runs.list` and `monitor.snapshot`, which a route answers with a
 * run in training (monitor-fixture.ts); then `monitor.delta` frames carry the budget as main sends
 * it. Each budget view is made by the budget's own rule (shared/monitor/budget.ts), so the figure
 * the page shows is the one the stop decides on.
 */
const host = useWebHost({ TRAINDECK_FAKE_AWS: '1' });

const MAX = 15;
const GRACE_SECONDS = 60;
const PUSH_BYTES = 2e9;
const CHECK_EVERY_SECONDS = 70;

const LIVE_PRICES: PriceOrigin = { source: 'live', region: 'eu-west-1', asOf: '2026-12-05T06:00:00Z' };

/** The fixture's cost at `soFarUsd`, priced from AWS's Price List of eu-west-1. */
function costAt(soFarUsd: number): CostBurn {
  return {
    ...monitorSnapshot(4).cost!,
    soFarUsd,
    projectedUsd: soFarUsd + 0.7,
    pricesAsOf: '2026-12-05',
    pricesOrigin: LIVE_PRICES,
  };
}

/** The budget's view of `cost`, by the rule the monitor stops with. */
function viewOf(cost: CostBurn): BudgetView {
  const verdict = budgetVerdict({
    maxCostUsd: MAX,
    soFarUsd: cost.soFarUsd!,
    hourlyUsd: cost.hourlyUsd!,
    stopSeconds: gracefulStopSeconds({ graceSeconds: GRACE_SECONDS, pushBytes: PUSH_BYTES }),
    checkEverySeconds: CHECK_EVERY_SECONDS,
  });
  const view = budgetViewOf(MAX, verdict);
  return verdict.stop ? { ...view, stopReason: budgetStopMessage(cost.soFarUsd!, MAX) } : view;
}

/** Answers the run and its monitor with `snapshot`; returns a sender of pushed events. */
async function routeRun(page: Page, snapshot: MonitorSnapshot): Promise<(event: string, payload: unknown) => void> {
  let client: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/ipc/, (ws) => {
    client = ws;
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; command: string };
      const answer =
        frame.command === 'runs.list' ? [runSnapshot()] : frame.command === 'monitor.snapshot' ? snapshot : undefined;
      if (answer === undefined) server.send(message);
      else ws.send(JSON.stringify({ type: 'result', id: frame.id, result: { ok: true, value: answer } }));
    });
    server.onMessage((message) => ws.send(message));
  });
  return (event, payload) => client?.send(JSON.stringify({ type: 'event', event, payload }));
}

test('under the budget, then near it, then stopped by it: spent of the budget, what a stop adds, the prices', async ({
  page,
}) => {
  // Axe twice per state and a dozen shots of a long page, on a machine shared by eight (load 30 measured).
  test.setTimeout(600_000);
  const problems = await collectProblems(page);
  const under = costAt(3.29);
  const underView = viewOf(under);
  expect(underView.state).toBe('under');
  const push = await routeRun(page, { ...monitorSnapshot(24), cost: under, budget: underView });
  await openApp(page, host().url, 'Runs');
  const budget = page.getByTestId('budget');
  await expect(budget).toHaveAttribute('data-state', 'under');
  await expect(page.getByTestId('budget-figure')).toHaveText('$3.29 spent of $15.00');
  await expect(page.getByTestId('budget-state')).toHaveText('Under budget');
  await expect(page.getByTestId('budget-stop')).toHaveText(
    `A graceful stop (stop training, push, verify, tear down) would add ${formatUsd(underView.stopCostUsd!)}.`,
  );
  await expect(page.getByTestId('budget-prices')).toHaveText('AWS prices of eu-west-1 fetched 2026-12-05.');
  await expect(page.getByTestId('budget-bar')).toBeVisible();
  // The run's figures agree with the budget's: the same cost so far.
  await expect(page.getByTestId('run-stats')).toContainText('Cost so far$3.29');
  await budget.scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'monitor budget, under');
  await shotAtWidths(page, 'monitor-budget-under');
  await expectFitsSmallestWindow(page, 'monitor-budget-under-narrow');

  // Near: the worst case (so far + a stop + one check) reaches 80 % of the budget.
  const near = costAt(12.4);
  const nearView = viewOf(near);
  expect(nearView.state).toBe('near');
  push('monitor.delta', { runId: RUN_ID, seq: 11, at: Date.now(), cost: near, budget: nearView });
  await expect(budget).toHaveAttribute('data-state', 'near');
  await expect(page.getByTestId('budget-figure')).toHaveText('$12.40 spent of $15.00');
  await expect(page.getByTestId('budget-state')).toHaveText(
    'Near the budget: the run is stopped before it can pass it',
  );
  await shotAtWidths(page, 'monitor-budget-near');

  // Stopped: the stop's own sentence, with the alert main raises beside it.
  const stopped = costAt(14.81);
  const stoppedView = viewOf(stopped);
  expect(stoppedView.state).toBe('stopped');
  const reason = budgetStopMessage(14.81, MAX);
  push('monitor.delta', {
    runId: RUN_ID,
    seq: 12,
    at: Date.now(),
    cost: stopped,
    budget: stoppedView,
    alerts: [
      {
        kind: 'auto-stop',
        message: 'Stopped by the budget: $14.81 of $15.00: stopping training, pushing, then tearing down.',
        at: Date.now(),
      },
    ],
  });
  await expect(budget).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByTestId('budget-state')).toHaveText('Stopped by the budget: $14.81 of $15.00');
  expect(reason).toBe('stopped by the budget: $14.81 of $15.00');
  await expect(page.getByTestId('budget-figure')).toHaveText('$14.81 spent of $15.00');
  await expect(page.getByRole('alert').filter({ hasText: 'stopping training, pushing' })).toBeVisible();
  await budget.scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'monitor budget, stopped');
  await shotAtWidths(page, 'monitor-budget-stopped');
  expect(problems).toEqual([]);
});

test('an instance without a price: "unknown", never $0, and the budget says it cannot stop the run', async ({
  page,
}) => {
  // Axe twice per state and a dozen shots of a long page, on a machine shared by eight (load 30 measured).
  test.setTimeout(600_000);
  const problems = await collectProblems(page);
  const unpriced: CostBurn = {
    hourlyUsd: null,
    instanceHourlyUsd: null,
    ebsHourlyUsd: 0.0164,
    soFarUsd: null,
    pricesAsOf: '2025-06-15',
  };
  const alert = {
    kind: 'budget-unpriced' as const,
    message:
      'TrainDeck has no price for this instance or its disk, so the budget of $15.00 cannot stop the run: it runs until its time limit or until you stop it.',
    at: Date.now(),
  };
  await routeRun(page, {
    ...monitorSnapshot(24),
    cost: unpriced,
    budget: { maxCostUsd: MAX, state: 'unknown' },
    alerts: [alert],
  });
  await openApp(page, host().url, 'Runs');
  const budget = page.getByTestId('budget');
  await expect(budget).toHaveAttribute('data-state', 'unknown');
  await expect(page.getByTestId('budget-figure')).toHaveText('unknown spent of $15.00');
  await expect(page.getByTestId('budget-state')).toHaveText(
    'Price unknown: the budget cannot stop this run; it runs until its time limit or until you stop it',
  );
  await expect(page.getByTestId('budget-stop')).toHaveText('A graceful stop would add: unknown (no price).');
  // No pricesOrigin: the bundled table, said with its date.
  await expect(page.getByTestId('budget-prices')).toHaveText(/^Bundled us-east-1 prices of \d{4}-\d{2}-\d{2}\.$/);
  await expect(budget).not.toContainText('$0.00 spent');
  await expect(page.getByTestId('budget-bar')).toHaveCount(0);
  await expect(page.getByTestId('run-stats')).toContainText('Cost so farunknown');
  await expect(page.getByTestId('run-stats')).toContainText('Burn rateunknown');
  await expect(page.getByRole('alert').filter({ hasText: 'cannot stop the run' })).toBeVisible();
  await budget.scrollIntoViewIfNeeded();
  await expectAccessibleLightAndDark(page, 'monitor budget, unknown price');
  await shotAtWidths(page, 'monitor-budget-unknown');
  expect(problems).toEqual([]);
});

test('a run without a budget shows none', async ({ page }) => {
  const problems = await collectProblems(page);
  await routeRun(page, monitorSnapshot());
  await openApp(page, host().url, 'Runs');
  await expect(page.getByTestId('run-stats')).toContainText('$3.29');
  await expect(page.getByTestId('budget')).toHaveCount(0);
  expect(problems).toEqual([]);
});
