import type { JobSnapshot } from '../../../../shared/domain/job';
import type { AppError } from '../../../../shared/ipc/result';
import { formatClock } from '../../format/time';
import type { JobLogLine } from '../../stores/jobs';
import { Button } from '../button';
import { ErrorCallout } from '../error-callout';
import { JobStateBadge } from './job-state-badge';
import { ProgressBar } from './progress-bar';

interface JobRowProps {
  job: JobSnapshot;
  lastLog: JobLogLine | undefined;
  cancelError: AppError | undefined;
  onCancel: (jobId: string) => void;
}

/** One job: title, state, current step, progress, last log line, and its error if it failed. */
export function JobRow({ job, lastLog, cancelError, onCancel }: JobRowProps) {
  const running = job.state === 'running';
  return (
    <li className="job" data-testid={`job-${job.jobId}`} data-state={job.state}>
      <div className="job__head">
        <div className="job__title-line">
          <span className="job__title">{job.title}</span>
          <span className="job__kind">{job.kind}</span>
        </div>
        <JobStateBadge state={job.state} />
        {running && (
          <Button size="sm" variant="ghost" onClick={() => onCancel(job.jobId)} aria-label={`Cancel ${job.title}`}>
            Cancel
          </Button>
        )}
      </div>
      <p className="job__meta tabular">
        Started {formatClock(job.startedAt)}
        {job.endedAt && ` · ended ${formatClock(job.endedAt)}`}
        {job.step && ` · ${job.step}`}
      </p>
      {job.progress && running && <ProgressBar progress={job.progress} label={`Progress of ${job.title}`} />}
      {lastLog && running && <p className={`job__log job__log--${lastLog.stream} selectable`}>{lastLog.line}</p>}
      {job.error && <ErrorCallout error={job.error} />}
      {cancelError && <ErrorCallout error={cancelError} title="Could not cancel" />}
    </li>
  );
}
