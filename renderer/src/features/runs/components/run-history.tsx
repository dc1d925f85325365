import type { RunSnapshot } from '../../../../../shared/domain/run';
import type { PriceTable } from '../../../../../shared/pricing/price-table';
import { formatRunTotal, isOwnMachine } from '../../../../../shared/report/format';
import { formatDateTime, formatDuration } from '../../../format/time';
import { type RunningCost, runningCostCell } from '../view/running-cost';
import { RunStateBadge } from './run-state-badge';

import './run-history.css';

/** Every run, newest first: outcome, backend, start, duration, cost; selecting one shows it above. */
export function RunHistory({
  runs,
  selected,
  now,
  soFar = {},
  prices = {},
  onSelect,
}: {
  runs: RunSnapshot[];
  selected: string | undefined;
  now: number;
  /** What each running run has cost so far, as its monitor priced it (the runs store's `soFar`). */
  soFar?: Record<string, RunningCost>;
  /** The prices of each running run's region (main's), by run id: what a booting run is priced at; absent: bundled. */
  prices?: Record<string, PriceTable>;
  onSelect: (runId: string) => void;
}) {
  return (
    <table className="run-history table-head" data-testid="run-history">
      <caption className="visually-hidden">Runs, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Outcome</th>
          <th scope="col">Backend</th>
          <th scope="col">Started</th>
          <th scope="col" className="num">
            Duration
          </th>
          <th scope="col" className="num">
            Cost
          </th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr key={run.runId} className={run.runId === selected ? 'is-selected' : undefined}>
            <td>
              <button
                type="button"
                className="run-history__link"
                onClick={() => onSelect(run.runId)}
                aria-current={run.runId === selected ? 'true' : undefined}
              >
                {run.name}
              </button>
            </td>
            <td>
              <RunStateBadge state={run.state} />
              {run.exitCode !== undefined && run.exitCode !== null && (
                <span className="run-history__exit"> exit {run.exitCode}</span>
              )}
            </td>
            <td>{run.backend}</td>
            <td className="tabular nowrap">{formatDateTime(run.startedAt)}</td>
            <td className="num tabular nowrap">
              {formatDuration(((run.endedAt ? Date.parse(run.endedAt) : now) - Date.parse(run.startedAt)) / 1000)}
            </td>
            <CostCell run={run} now={now} monitored={soFar[run.runId]} prices={prices[run.runId]} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// A cloud run still running shows its cost so far (as the monitor does); an ended one its total, an estimate
// whose title says from which prices.
function CostCell({
  run,
  now,
  monitored,
  prices,
}: {
  run: RunSnapshot;
  now: number;
  monitored: RunningCost | undefined;
  prices: PriceTable | undefined;
}) {
  const running = run.state === 'running' && !run.cost && !isOwnMachine(run.backend);
  const { text, title } = running
    ? runningCostCell(run, monitored, now, prices)
    : { text: formatRunTotal(run.backend, run.cost), title: totalTitle(run) };
  return (
    <td className="num tabular" data-testid="run-history-cost" title={title}>
      {text}
    </td>
  );
}

function totalTitle(run: RunSnapshot): string | undefined {
  if (!run.cost) return undefined;
  return `Estimate at the bundled prices of ${run.cost.pricesAsOf}${run.cost.upperBound ? '; spot: an upper bound' : ''}`;
}
