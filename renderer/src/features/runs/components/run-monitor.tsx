import { useEffect, useMemo, useRef, useState } from 'react';

import type { JobSnapshot } from '../../../../../shared/domain/job';
import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import type { RunSnapshot } from '../../../../../shared/domain/run';
import type { AppError } from '../../../../../shared/ipc/result';
import { provisioningBurn } from '../../../../../shared/monitor/burn';
import type { PriceTable } from '../../../../../shared/pricing/price-table';
import { failureSummary } from '../../../../../shared/report/failure-summary';
import { isOwnMachine } from '../../../../../shared/report/format';
import { countOf } from '../../../../../shared/text/plural';
import { ErrorCallout } from '../../../components/error-callout';
import { AlertIcon } from '../../../components/icons/ui-icons';
import { KillProgress } from '../../costs/components/kill-progress';
import { LogBuffer } from '../log/log-buffer';
import type { MonitorView } from '../stores/monitor';
import { AttemptsTimeline } from './attempts-timeline';
import { BudgetStatus } from './budget-status';
import { chartGroups, lastSpan } from './chart-groups';
import { CHART_RANGES, type ChartRange } from './chart-ticks';
import { FailureSummary } from './failure-summary';
import { HealthChart } from './health-chart';
import { LiveBar } from './live-bar';
import { LogTail } from './log-tail';
import { PhaseTimeline } from './phase-timeline';
import { RunActions } from './run-actions';
import { RunStateBadge } from './run-state-badge';
import { RunStats } from './run-stats';
import { SyncStatus } from './sync-status';

import './run-monitor.css';

interface RunMonitorProps {
  run: RunSnapshot;
  /** The prices of the run's region (main's), to price it before its monitor does; absent: the bundled table. */
  prices?: PriceTable | undefined;
  monitor: MonitorView | undefined;
  monitorError: AppError | undefined;
  actionError: AppError | undefined;
  now: number;
  onStop: () => void;
  /** A stop was asked; main has not said the training ended yet. */
  stopping?: boolean;
  /** The run was just launched: its header takes the focus (then `onTitleFocused`). */
  focusTitle?: boolean;
  onTitleFocused?: () => void;
  /** Copies `text`; `what` names it in the "Copied" toast or the error. */
  onCopy: (text: string, what: string) => void;
  teardown:
    { job?: JobSnapshot | undefined; result?: KillAllResult | undefined; error?: AppError | undefined } | undefined;
  onTeardown: () => void;
  onDismissTeardown: () => void;
  /** "Retry with the same settings" of a failed run: on its way, or why it did not start. */
  retry: { busy: boolean; error: AppError | undefined };
  onRetry: () => void;
}

/** "ssh -p 2222 ubuntu@10.0.0.5" from "ubuntu@10.0.0.5:2222". */
export function sshCommand(host: string): string {
  const match = /^(.+@[^:]+):(\d+)$/.exec(host);
  return match ? `ssh -p ${match[2]} ${match[1]}` : `ssh ${host}`;
}

/**
 * The run's resources are verified gone: its own teardown succeeded (what main's exit guard asks
 * too), or "Tear down now" ended with nothing left. Then there is nothing more to tear down.
 */
export function teardownVerified(run: RunSnapshot, result: KillAllResult | undefined): boolean {
  return run.phases['tearing-down'].status === 'succeeded' || (result !== undefined && result.survivors.length === 0);
}

/** One run, live: phases, progress and cost, health charts, log tail, alerts, and its actions. */
export function RunMonitor({
  run,
  prices,
  monitor,
  monitorError,
  actionError,
  now,
  onStop,
  stopping = false,
  focusTitle = false,
  onTitleFocused,
  onCopy,
  teardown,
  onTeardown,
  onDismissTeardown,
  retry,
  onRetry,
}: RunMonitorProps) {
  const running = run.state === 'running';
  const [range, setRange] = useState<ChartRange>('all');
  const series = monitor?.series;
  // Memoized on the series (they change with deltas, not with the page's 1-s clock): charts redraw only on change.
  const groups = useMemo(
    () => lastSpan(chartGroups(series ?? []), CHART_RANGES.find((r) => r.id === range)?.ms),
    [series, range],
  );
  // Before the monitor's snapshot (or without one), the run's own last lines.
  const ownTail = useMemo(() => LogBuffer.of({ first: 0, lines: run.logTail }), [run.logTail]);
  const log = monitor?.log ?? ownTail;
  const gpuError = monitor?.health?.gpuError;
  const ownMachine = isOwnMachine(run.backend);
  const failure = useMemo(() => failureSummary(run), [run]);
  // An ended run shows only the panels that hold something: a run that failed at Connect has no
  // figures, samples, sync or log to show, and four "nothing recorded" panels would bury its cause.
  const progress = monitor?.progress;
  const hasStats = running || progress?.step !== undefined || progress?.epoch !== undefined || !!monitor?.cost;
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!focusTitle) return;
    title.current?.focus();
    onTitleFocused?.();
  }, [focusTitle, onTitleFocused]);
  // Stop means stop the training: once main says it ended (or the run did), the button goes.
  const training = run.phases.training.status;
  const canStop = running && (training === 'pending' || training === 'running');
  return (
    <div className="run-monitor" data-testid="run-monitor" data-state={run.state} data-run-id={run.runId}>
      <header className="run-monitor__head">
        <div className="run-monitor__title">
          {/* Focusable by script only: after Launch the page lands here, and a screen reader says which run. */}
          <h2 ref={title} tabIndex={-1} data-testid="run-title">
            {run.name}
          </h2>
          <RunStateBadge state={run.state} />
          <span className="run-monitor__meta">
            {run.backend}
            {run.host ? ` · ${run.host}` : ''}
            {run.exitCode !== undefined && run.exitCode !== null ? ` · exit code ${run.exitCode}` : ''}
          </span>
        </div>
        <RunActions
          canStop={canStop}
          stopping={stopping}
          sshCommand={run.host ? sshCommand(run.host) : undefined}
          tearingDown={teardown?.job?.state === 'running'}
          canTearDown={!ownMachine && !teardownVerified(run, teardown?.result)}
          onCopy={onCopy}
          onStop={onStop}
          onTeardown={onTeardown}
        />
      </header>
      {actionError && <ErrorCallout error={actionError} />}
      {teardown?.error && <ErrorCallout error={teardown.error} title="Teardown did not start" />}
      {teardown?.job && (
        <KillProgress
          job={teardown.job}
          result={teardown.result}
          onDismiss={onDismissTeardown}
          label="Teardown"
          cleanTitle="Nothing of this run remains"
        />
      )}
      {failure ? (
        <FailureSummary summary={failure} retrying={retry.busy} retryError={retry.error} onRetry={onRetry} />
      ) : (
        run.reason && !running && <p className="run-monitor__reason">{run.reason}</p>
      )}
      <PhaseTimeline phases={run.phases} now={now} endedAt={run.endedAt} showFailure={!failure} />
      <AttemptsTimeline attempts={run.attempts} now={now} />
      {(monitor?.alerts ?? []).slice(-3).map((alert) => (
        <p key={`${alert.kind}-${alert.at}`} className="run-monitor__alert" role="alert">
          <AlertIcon size={14} /> {alert.message}
        </p>
      ))}
      {hasStats && (
        <RunStats
          progress={progress}
          cost={monitor?.cost ?? provisioningBurn(run, now, prices)}
          ownMachine={ownMachine}
        />
      )}
      {/* Own machines cost nothing: their budget has nothing to stop (preflight said so). */}
      {monitor?.budget && !ownMachine && <BudgetStatus budget={monitor.budget} cost={monitor.cost} />}
      <LiveBar bar={progress?.liveBar} />
      {(running || run.sync) && <SyncStatus sync={run.sync} ended={!running} />}
      {monitorError && <ErrorCallout error={monitorError} title="Monitoring unavailable" />}
      {gpuError && <p className="run-monitor__note">{gpuError}</p>}
      {/* Charts and log side by side on a wide window (from 1440 px), one under the other below. */}
      <div className="run-monitor__body">
        {(groups.length > 0 || running) && (
          <section aria-labelledby="charts-title" className="run-monitor__charts">
            <div className="run-monitor__charts-head">
              <h3 id="charts-title" className="wizard-subsection__title">
                Charts
              </h3>
              {groups.length > 0 && <RangePicker range={range} onChange={setRange} />}
            </div>
            {groups.length > 0 ? (
              <div className="health-grid">
                {groups.map((group) => (
                  <HealthChart key={group.id} group={group} />
                ))}
              </div>
            ) : (
              <p className="run-monitor__note">
                Health charts appear with the first sample from the instance (every 5 s).
              </p>
            )}
          </section>
        )}
        {(running || run.phases.training.status !== 'pending') && (
          <section aria-labelledby="log-title" className="run-monitor__log">
            <h3 id="log-title" className="wizard-subsection__title">
              Training log
            </h3>
            <LogTail log={log} onCopy={onCopy} />
          </section>
        )}
      </div>
      {/* Ended before training: the log holds only the pipeline's notes, folded under the summary. */}
      {!running && run.phases.training.status === 'pending' && log.length > 0 && (
        <details className="run-monitor__log run-monitor__log--folded" data-testid="pipeline-log">
          <summary>Pipeline log · {countOf(log.length, 'line')}</summary>
          <LogTail log={log} onCopy={onCopy} />
        </details>
      )}
    </div>
  );
}

/** The charts' time range: the last 15 minutes, the last hour, or the whole run. */
function RangePicker({ range, onChange }: { range: ChartRange; onChange: (range: ChartRange) => void }) {
  return (
    <div className="range-picker" role="group" aria-label="Chart range" data-testid="chart-range">
      {CHART_RANGES.map((r) => (
        <button
          key={r.id}
          type="button"
          className="range-picker__option"
          aria-pressed={r.id === range}
          onClick={() => onChange(r.id)}
        >
          {r.label}
        </button>
      ))}
    </div>
  );
}
