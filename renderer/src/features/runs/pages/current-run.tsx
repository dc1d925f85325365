import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { Button } from '../../../components/button';
import { Card } from '../../../components/card';
import { EmptyState } from '../../../components/empty-state';
import { ErrorCallout } from '../../../components/error-callout';
import { ArrowRightIcon } from '../../../components/icons/ui-icons';
import { RunsIllustration } from '../../../components/illustrations/runs-illustration';
import { useNow } from '../../../hooks/use-now';
import { copyText } from '../../../stores/copy-text';
import { useJobs } from '../../../stores/jobs';
import { useNavigation } from '../../../stores/navigation';
import { PushNowPanel } from '../components/push-now-panel';
import { RunHistory } from '../components/run-history';
import { RunMonitor } from '../components/run-monitor';
import { useMonitor } from '../stores/monitor';
import { usePushNow } from '../stores/push-now';
import { runPriceTable, runPriceTables, useRunPriceTables } from '../stores/region-prices';
import { runsNewestFirst, useHistoryRunId, useRuns, useShownRunId } from '../stores/runs';

/** The live monitor card (or what to do when there is no run). */
export function CurrentRun() {
  const navigate = useNavigation((s) => s.navigate);
  const runId = useShownRunId();
  const run = useRuns((s) => (runId ? s.runs[runId] : undefined));
  const actionError = useRuns((s) => s.actionError);
  const teardown = useRuns((s) => (runId ? s.teardowns[runId] : undefined));
  const teardownJob = useJobs((s) => (teardown?.jobId ? s.jobs[teardown.jobId] : undefined));
  const retry = useRuns((s) => (runId ? s.retries[runId] : undefined));
  const arriving = useRuns((s) => s.arriving);
  const stopping = useRuns((s) => (runId ? s.stopping[runId] === true : false));
  const { snapshot, error } = useMonitor(useShallow((s) => ({ snapshot: s.snapshot, error: s.error })));
  const now = useNow(1_000);
  const pushNow = usePushNow((s) => (runId ? s.byRun[runId] : undefined));
  const training = run?.state === 'running' && run.phases.training.status === 'running';
  // Before the monitor prices the run, its region's prices (main's), never the bundled us-east-1 ones.
  const priceTables = useRunPriceTables(run ? [run] : []);
  useEffect(() => void useMonitor.getState().watch(runId), [runId]);
  // The newest checkpoint's age, asked when the training starts and once a minute while it runs.
  useEffect(() => {
    if (!runId || !training) return;
    void usePushNow.getState().refresh(runId);
    const timer = setInterval(() => void usePushNow.getState().refresh(runId), 60_000);
    return () => clearInterval(timer);
  }, [runId, training]);
  if (!run) {
    return (
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
    );
  }
  const monitor = snapshot?.runId === run.runId ? snapshot : undefined;
  return (
    <section className="card" aria-label={`Run ${run.name}`} data-testid="runs-current">
      <RunMonitor
        run={run}
        prices={runPriceTable(run, priceTables)}
        monitor={monitor}
        monitorError={error}
        actionError={actionError}
        now={now}
        onStop={() => void useRuns.getState().cancel(run.runId)}
        stopping={stopping}
        focusTitle={arriving === run.runId}
        onTitleFocused={() => useRuns.getState().arrived()}
        onCopy={(text, what) => void copyText(text, what)}
        teardown={teardown ? { ...teardown, job: teardownJob } : undefined}
        onTeardown={() => void useRuns.getState().teardownNow(run.runId)}
        onDismissTeardown={() => useRuns.getState().dismissTeardown(run.runId)}
        retry={retry ?? { busy: false, error: undefined }}
        onRetry={() => void useRuns.getState().retry(run.runId)}
      />
      {training && <PushNowPanel state={pushNow} now={now} onPush={() => void usePushNow.getState().push(run.runId)} />}
    </section>
  );
}

/** Every run this app knows, newest first. */
export function RunHistoryCard() {
  const { runs, loaded, error, soFar } = useRuns(
    useShallow((s) => ({ runs: s.runs, loaded: s.loaded, error: s.error, soFar: s.soFar })),
  );
  const shown = useShownRunId();
  const fromHistory = useHistoryRunId();
  const now = useNow(30_000);
  const list = runsNewestFirst(runs);
  const priceTables = useRunPriceTables(list);
  return (
    <Card title="History" subtitle="Every run, newest first" testId="runs-history">
      {error && (
        <div className="card-error">
          <ErrorCallout error={error} title="Could not load runs" />
        </div>
      )}
      {list.length ? (
        <RunHistory
          runs={list}
          selected={fromHistory ?? shown}
          now={now}
          soFar={soFar}
          prices={runPriceTables(list, priceTables)}
          onSelect={(id) => useRuns.getState().select(id)}
        />
      ) : (
        <EmptyState
          compact
          title={loaded ? 'No finished runs yet' : 'Loading runs…'}
          body="Each run is listed here with its outcome, backend, start and duration."
        />
      )}
    </Card>
  );
}
