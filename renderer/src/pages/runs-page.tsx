import { useShallow } from 'zustand/react/shallow';
import { Button } from '../components/button';
import { Card } from '../components/card';
import { EmptyState } from '../components/empty-state';
import { ErrorCallout } from '../components/error-callout';
import { ArrowRightIcon } from '../components/icons/ui-icons';
import { RunsIllustration } from '../components/illustrations/runs-illustration';
import { JobList } from '../components/jobs/job-list';
import { useJobs } from '../stores/jobs';
import { useNavigation } from '../stores/navigation';

/** Runs: the live monitor of the current run (none yet), background jobs, and history. */
export function RunsPage() {
  const navigate = useNavigation((s) => s.navigate);
  const { jobs, order, logs, loaded, error, cancelErrors, cancelJob } = useJobs(
    useShallow((s) => ({ jobs: s.jobs, order: s.order, logs: s.logs, loaded: s.loaded, error: s.error, cancelErrors: s.cancelErrors, cancelJob: s.cancelJob })),
  );
  // Running jobs first, then newest first: what is moving now is what the user looks for.
  const newestFirst = order.flatMap((id) => (jobs[id] ? [jobs[id]] : [])).reverse();
  const list = [...newestFirst.filter((job) => job.state === 'running'), ...newestFirst.filter((job) => job.state !== 'running')];
  const running = list.filter((job) => job.state === 'running').length;
  return (
    <div className="page-content">
      <Card title="Current run" subtitle="Live monitor" testId="runs-current">
        <EmptyState
          illustration={<RunsIllustration />}
          title="No run in progress"
          body="When a run starts, this becomes its live monitor: the phase it is in, CPU, GPU, memory, disk and network, the training log tail, and step, loss and ETA."
          action={
            <Button variant="primary" iconEnd={<ArrowRightIcon size={14} />} onClick={() => navigate('launch')}>
              Go to Launch
            </Button>
          }
          note="Runs are configured and started from the Launch page."
        />
      </Card>
      <div className="page-grid page-grid--halves">
        <Card title="Background jobs" subtitle={running ? `${running} running` : 'Syncs, scans and provisioning'} testId="runs-jobs">
          {error && (
            <div className="card-error">
              <ErrorCallout error={error} title="Could not load jobs" />
            </div>
          )}
          {list.length > 0 ? (
            <JobList jobs={list} logs={logs} cancelErrors={cancelErrors} onCancel={(id) => void cancelJob(id)} />
          ) : (
            <EmptyState compact title={loaded ? 'No background jobs' : 'Loading jobs…'} body="Long tasks report their step and progress here live, and stay listed after they finish." />
          )}
        </Card>
        <Card title="History" subtitle="Finished runs" testId="runs-history">
          <EmptyState compact title="No finished runs yet" body="Each run that ends is listed here with its outcome, duration, data moved, resources confirmed gone, and cost." />
        </Card>
      </div>
    </div>
  );
}
