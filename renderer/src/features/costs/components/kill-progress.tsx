import type { JobSnapshot } from '../../../../../shared/domain/job';
import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import type { AppError } from '../../../../../shared/ipc/result';
import { countOf } from '../../../../../shared/text/plural';
import { Button } from '../../../components/button';
import { ErrorCallout } from '../../../components/error-callout';
import { AlertIcon, CheckIcon } from '../../../components/icons/ui-icons';
import { ProgressBar } from '../../../components/jobs/progress-bar';
import { Spinner } from '../../../components/spinner';
import { formatHourly } from '../../../format/money';
import { KIND_LABELS, shortId } from '../../../format/resources';

import './kill-progress.css';

interface KillProgressProps {
  job: JobSnapshot | undefined;
  result: KillAllResult | undefined;
  onDismiss: () => void;
  /** What is running, e.g. "Kill-all" or "Teardown". */
  label?: string;
  /** The verdict when nothing in scope survived. */
  cleanTitle?: string;
  /** Whether the verdict sends the reader to the Costs page for what was left alone: not on that page itself. */
  pointToCosts?: boolean;
}

/** The running kill-all: overall progress, then the verdict of the rescan, with survivors and why. */
export function KillProgress({
  job,
  result,
  onDismiss,
  label = 'Kill-all',
  cleanTitle = '0 cost resources remain',
  pointToCosts = true,
}: KillProgressProps) {
  const running = !job || job.state === 'running';
  return (
    <section
      className="kill-progress card"
      aria-label={`${label} progress`}
      aria-live="polite"
      data-testid="kill-progress"
      data-state={job?.state ?? 'starting'}
    >
      <header className="kill-progress__head">
        {running ? <Spinner size={16} /> : null}
        <h2 className="kill-progress__title">
          {running ? `${label}: ${job?.step ?? 'starting'}…` : `${label} finished`}
        </h2>
        {!running && (
          <Button size="sm" variant="ghost" onClick={onDismiss}>
            Dismiss
          </Button>
        )}
      </header>
      {running && job?.progress && <ProgressBar progress={job.progress} label="Resources deleted" />}
      {result && <Verdict result={result} cleanTitle={cleanTitle} pointToCosts={pointToCosts} />}
      {job?.state === 'failed' && job.error && <ErrorCallout error={job.error} title={`${label} stopped`} />}
      {job?.state === 'cancelled' && (
        <ErrorCallout
          error={
            { code: 'CANCELLED', message: `${label} was cancelled. Rescan to see what is left.` } satisfies AppError
          }
        />
      )}
    </section>
  );
}

function Verdict({
  result,
  cleanTitle,
  pointToCosts,
}: {
  result: KillAllResult;
  cleanTitle: string;
  pointToCosts: boolean;
}) {
  if (result.survivors.length === 0) {
    return (
      <div className="kill-verdict kill-verdict--clean" data-testid="kill-verdict">
        <CheckIcon size={18} />
        <div>
          <p className="kill-verdict__title">{cleanTitle}</p>
          <p className="kill-verdict__text">
            {result.deleted} deleted
            {result.alreadyGone ? `, ${result.alreadyGone} already deleted by their run's own teardown` : ''}, verified
            by a rescan of {countOf(result.rescan.regions.length - result.unverifiedRegions.length, 'readable region')}.
            {result.unverifiedRegions.length > 0 &&
              ` Not readable, so not verified: ${result.unverifiedRegions.map((r) => `${r.region} (${r.reason ?? r.status})`).join(', ')}.`}
            {result.rescan.resources.length > 0 &&
              ` ${countOf(result.rescan.resources.length, 'other resource')} in the account ${result.rescan.resources.length === 1 ? 'was' : 'were'} left alone; ${result.rescan.resources.length === 1 ? 'it costs' : 'they cost'} ${formatHourly(result.rescan.totalHourlyUsd)}${pointToCosts ? ' (see Costs)' : ''}.`}
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="kill-verdict kill-verdict--survivors" data-testid="kill-verdict">
      <AlertIcon size={18} />
      <div>
        <p className="kill-verdict__title">
          {result.survivors.length} resource{result.survivors.length === 1 ? '' : 's'} remain ·{' '}
          {formatHourly(result.remainingHourlyUsd)}
        </p>
        <ul className="kill-verdict__list">
          {result.survivors.map(({ resource, reason }) => (
            <li key={resource.id}>
              <strong>{KIND_LABELS[resource.kind]}</strong> <span className="mono">{shortId(resource.id)}</span> in{' '}
              {resource.region}: {reason}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
