import type { JobSnapshot } from '../../../../shared/domain/job';
import type { AppError } from '../../../../shared/ipc/result';
import type { JobLogLine } from '../../stores/jobs';
import { JobRow } from './job-row';

import './job-list.css';

interface JobListProps {
  /** Newest first is the caller's choice; the list shows them in the order given. */
  jobs: JobSnapshot[];
  logs: Record<string, JobLogLine[]>;
  cancelErrors: Record<string, AppError>;
  onCancel: (jobId: string) => void;
}

/** Background jobs (syncs, scans, provisioning) with live state and progress. */
export function JobList({ jobs, logs, cancelErrors, onCancel }: JobListProps) {
  return (
    <ul className="job-list" aria-label="Background jobs">
      {jobs.map((job) => (
        <JobRow
          key={job.jobId}
          job={job}
          lastLog={logs[job.jobId]?.at(-1)}
          cancelError={cancelErrors[job.jobId]}
          onCancel={onCancel}
        />
      ))}
    </ul>
  );
}
