import type { ReactNode } from 'react';

import { type CostBurn, soFarIsUpperBound } from '../../../../../shared/monitor/cost';
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
            value={
              // No cost yet is "—"; a cost without a price is "unknown" (never a blank or $0).
              cost?.soFarUsd === undefined
                ? '—'
                : cost.soFarUsd === null
                  ? 'unknown'
                  : `${soFarIsUpperBound(cost) ? '≤ ' : ''}${formatUsd(cost.soFarUsd)}`
            }
            detail={soFarDetail(cost)}
          />
          <Stat
            label="Burn rate"
            value={
              cost ? `${cost.upperBound && cost.hourlyUsd !== null ? '≤ ' : ''}${formatHourly(cost.hourlyUsd)}` : '—'
            }
            detail={cost ? burnDetail(cost) : undefined}
            title={cost?.instanceNote}
          />
        </>
      )}
    </dl>
  );
}

// The projection, and what a relaunched run's earlier attempts put in the figure.
function soFarDetail(cost: CostBurn | undefined): string | undefined {
  const parts = [
    cost?.earlier
      ? `incl. ${cost.earlier.usd === null ? 'unknown' : formatUsd(cost.earlier.usd)} of ${cost.earlier.attempts === 1 ? 'the earlier attempt' : `${cost.earlier.attempts} earlier attempts`}`
      : undefined,
    cost?.projectedUsd === undefined ? undefined : `${formatUsd(cost.projectedUsd)} projected`,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : undefined;
}

// Which prices: spot now, or (its title says why) at most on-demand or the dearest zone's; then the prices' date.
function burnDetail(cost: CostBurn): string {
  if (cost.spotPending) return 'reading the spot price…';
  if (cost.upperBound) {
    return /on-demand/.test(cost.instanceNote ?? '')
      ? 'at most: on-demand, spot price unknown'
      : "at most: the dearest zone's spot price";
  }
  return `${cost.instanceNote ? 'spot now · ' : ''}prices as of ${cost.pricesAsOf}`;
}

/** One figure with its label and an optional muted line under it (the report's summary uses it too). */
export function Stat({
  label,
  value,
  detail,
  lead = false,
  title,
}: {
  label: string;
  value: ReactNode;
  detail?: string | undefined;
  /** The figure the eye looks for first (the loss): larger. */
  lead?: boolean;
  /** How the figure was found (a spot price's zone, or why it is an upper bound). */
  title?: string | undefined;
}) {
  return (
    <div
      className={`run-stats__item${lead ? ' run-stats__item--lead' : ''}`}
      data-testid={lead ? 'lead-metric' : undefined}
      title={title}
    >
      <dt>{label}</dt>
      <dd className="tabular">{value}</dd>
      {detail && <dd className="run-stats__detail">{detail}</dd>}
    </div>
  );
}
