import type { JobProgress } from '../../../../shared/domain/job';
import { formatDuration } from '../../format/time';

import './progress-bar.css';

/** A job's progress: a bar when the total is known, an indeterminate stripe otherwise. */
export function ProgressBar({ progress, label }: { progress: JobProgress; label: string }) {
  const fraction = progress.total ? Math.min(1, progress.done / progress.total) : undefined;
  return (
    <div className="progress">
      <div
        className={`progress__track${fraction === undefined ? ' progress__track--indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.total ? progress.done : undefined}
      >
        {/* Width via the style prop: CSSOM, which the CSP's style-src 'self' allows. */}
        <div
          className="progress__fill"
          style={{ width: fraction === undefined ? undefined : `${(fraction * 100).toFixed(1)}%` }}
        />
      </div>
      <p className="progress__text tabular">{describe(progress, fraction)}</p>
    </div>
  );
}

function describe(progress: JobProgress, fraction: number | undefined): string {
  const parts = [
    progress.total ? `${progress.done} / ${progress.total} ${progress.unit}` : `${progress.done} ${progress.unit}`,
  ];
  if (fraction !== undefined) parts.unshift(`${Math.floor(fraction * 100)}%`);
  if (progress.rate !== undefined) {
    parts.push(`${progress.rate.toFixed(progress.rate < 10 ? 1 : 0)} ${progress.unit}/s`);
  }
  if (progress.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(progress.etaSeconds)}`);
  return parts.join(' · ');
}
