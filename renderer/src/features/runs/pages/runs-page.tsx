import { useShallow } from 'zustand/react/shallow';

import { Card } from '../../../components/card';
import { EmptyState } from '../../../components/empty-state';
import { ErrorCallout } from '../../../components/error-callout';
import { JobList } from '../../../components/jobs/job-list';
import { useJobs } from '../../../stores/jobs';
import { useHistoryRunId, useShownRunId } from '../stores/runs';
import { CurrentRun, RunHistoryCard } from './current-run';
import { RunReportCard } from './run-report-card';

/** Runs: the live monitor of the selected run, background jobs, and history. */
export function RunsPage() {
  const { jobs, order, logs, loaded, error, cancelErrors, cancelJob } = useJobs(
    useShallow((s) => ({
      jobs: s.jobs,
      order: s.order,
      logs: s.logs,
      loaded: s.loaded,
      error: s.error,
      cancelErrors: s.cancelErrors,
      cancelJob: s.cancelJob,
    })),
  );
  // Running jobs first, then newest first: what is moving now is what the user looks for.
  const newestFirst = order.flatMap((id) => (jobs[id] ? [jobs[id]] : [])).reverse();
  const list = [
    ...newestFirst.filter((job) => job.state === 'running'),
    ...newestFirst.filter((job) => job.state !== 'running'),
  ];
  const running = list.filter((job) => job.state === 'running').length;
  const shown = useShownRunId();
  const fromHistory = useHistoryRunId();
  return (
    <>
      <CurrentRun />
      <RunReportCard runId={shown} />
      <RunHistoryCard />
      <RunReportCard runId={fromHistory} fromHistory />
      <Card
        title="Background jobs"
        subtitle={running ? `${running} running` : 'Syncs, scans and provisioning'}
        testId="runs-jobs"
      >
        {error && (
          <div className="card-error">
            <ErrorCallout error={error} title="Could not load jobs" />
          </div>
        )}
        {list.length > 0 ? (
          <JobList jobs={list} logs={logs} cancelErrors={cancelErrors} onCancel={(id) => void cancelJob(id)} />
        ) : (
          <EmptyState
            compact
            title={loaded ? 'No background jobs' : 'Loading jobs…'}
            body="Long tasks report their step and progress here live, and stay listed after they finish."
          />
        )}
      </Card>
    </>
  );
}
