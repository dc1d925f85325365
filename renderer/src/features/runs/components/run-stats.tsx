import type { ReactNode } from 'react';

import type { CostBurn } from '../../../../../shared/monitor/cost';
import type { TrainingProgress } from '../../../../../shared/monitor/progress';
import { formatHourly, formatUsd } from '../../../format/money';
import { formatDuration } from '../../../format/time';
import { isLeadMetric } from './chart-groups';

import './run-stats.css';

// Where speed and ETA are measured (main/monitor/progress-tracker.ts: metrics.jsonl, then the log's bar, then epochs).
const SOURCE_LABELS: Record<NonNullable<TrainingProgress['source']>, string> = {
  metrics: 'from metrics.jsonl',
  log: 'from the progress bar',
  epoch: 'from the epoch counter',
};

/** A metric's value, short: 4 decimals, or an exponent below 0.01. */
function metricText(value: number): string {
  return Math.abs(value) < 0.01 ? value.toExponential(2) : value.toFixed(4);
}

/**
 * Training metrics first (the loss leads, large, as on W&B), then progress (step, epoch, it/s,
 * ETA), then money (so far, burn rate, projected).
 */
export function RunStats({
  progress,
  cost,
  ownMachine = false,
}: {
  progress: TrainingProgress | undefined;
  cost: CostBurn | undefined;
  ownMachine?: boolean;
}) {
  const metrics = Object.entries(progress?.metrics ?? {})
    .filter(([name]) => name !== 'step' && name !== 'epoch')
    // Stable: the loss first, the rest in the order the training wrote them.
    .sort(([a], [b]) => Number(isLeadMetric(b)) - Number(isLeadMetric(a)))
    .slice(0, 6);
  return (
    <dl className="run-stats" data-testid="run-stats">
      {metrics.map(([name, value], i) => (
        <Stat key={name} label={name} value={metricText(value)} lead={i === 0 && isLeadMetric(name)} />
      ))}
      <Stat
        label="Step"
        value={
          progress?.step === undefined
            ? '—'
            : `${progress.step}${progress.totalSteps ? ` / ${progress.totalSteps}` : ''}`
        }
      />
      <Stat
        label="Epoch"
        value={
          progress?.epoch === undefined
            ? '—'
            : `${progress.epoch}${progress.totalEpochs ? ` / ${progress.totalEpochs}` : ''}`
        }
      />
      <Stat
        label="Speed"
        value={
          progress?.itPerSec === undefined ? '—' : `${progress.itPerSec.toFixed(progress.itPerSec < 10 ? 2 : 0)} it/s`
        }
        detail={progress?.source ? SOURCE_LABELS[progress.source] : undefined}
      />
      <Stat
        label="ETA"
        value={progress?.etaSeconds === undefined ? '—' : formatDuration(progress.etaSeconds)}
        detail={progress?.fraction === undefined ? undefined : `${Math.floor(progress.fraction * 100)} % done`}
      />
      {ownMachine ? (
        // Nothing rented: saying "—" would read as "unknown" when the answer is known.
        <Stat label="AWS compute" value={formatHourly(0)} detail="your own machine" />
      ) : (
        <>
          <Stat
            label="Cost so far"
            value={cost?.soFarUsd === undefined || cost.soFarUsd === null ? '—' : formatUsd(cost.soFarUsd)}
            detail={cost?.projectedUsd === undefined ? undefined : `${formatUsd(cost.projectedUsd)} projected`}
          />
          <Stat
            label="Burn rate"
            value={cost ? formatHourly(cost.hourlyUsd) : '—'}
            detail={cost ? `prices as of ${cost.pricesAsOf}` : undefined}
          />
        </>
      )}
    </dl>
  );
}

/** One figure with its label and an optional muted line under it (the report's summary uses it too). */
export function Stat({
  label,
  value,
  detail,
  lead = false,
}: {
  label: string;
  value: ReactNode;
  detail?: string | undefined;
  /** The figure the eye looks for first (the loss): larger. */
  lead?: boolean;
}) {
  return (
    <div
      className={`run-stats__item${lead ? ' run-stats__item--lead' : ''}`}
      data-testid={lead ? 'lead-metric' : undefined}
    >
      <dt>{label}</dt>
      <dd className="tabular">{value}</dd>
      {detail && <dd className="run-stats__detail">{detail}</dd>}
    </div>
  );
}
