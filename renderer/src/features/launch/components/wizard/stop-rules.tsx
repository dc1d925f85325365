import type { RunConfig } from '../../../../../../shared/run-config/schema';
import { formatUsd } from '../../../../format/money';

import './will-create.css';

const STALL = { alert: 'alert and notify', stop: 'stop the run (push, verify, tear down)' } as const;
const LOSS = { off: 'not checked', alert: 'alert and notify', stop: 'stop the run (push, verify, tear down)' } as const;

/** When the run is stopped early, as the config says: its budget, and what a stall or a NaN loss does. */
export function StopRules({ config }: { config: RunConfig }) {
  const budget = config.training?.maxCostUsd;
  const rows: Array<[string, string]> = [
    [
      'Budget',
      budget === undefined
        ? 'none: only the time limit ends the run'
        : config.sshHost
          ? `${formatUsd(budget)}: your machine costs nothing here, so it never stops the run`
          : `${formatUsd(budget)}: stopped when the cost so far plus a graceful stop would pass it`,
    ],
    ['Stall', STALL[config.monitoring?.stall.action ?? 'alert']],
    ['NaN or infinite loss', LOSS[config.monitoring?.nonFiniteLoss ?? 'off']],
  ];
  return (
    <dl className="will-create" data-testid="stop-rules">
      {rows.map(([what, detail]) => (
        <div key={what} className="will-create__row">
          <dt>{what}</dt>
          <dd>{detail}</dd>
        </div>
      ))}
    </dl>
  );
}
