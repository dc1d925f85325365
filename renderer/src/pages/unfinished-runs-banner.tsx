import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { ReattachBanner } from '../components/shell/reattach-banner';
import { useRuns } from '../features/runs/stores/runs';
import { useJobs } from '../stores/jobs';
import { useNavigation } from '../stores/navigation';
import { useNotifications } from '../stores/notifications';
import { reattachItems, type TeardownRetry, useUnfinishedRuns } from '../stores/unfinished-runs';

/** The reattach banner over the stores: main's list, the runs' live snapshots, a retried teardown's job. */
export function UnfinishedRunsBanner() {
  const { runs, actions, loadError } = useUnfinishedRuns(
    useShallow((s) => ({ runs: s.runs, actions: s.actions, loadError: s.loadError })),
  );
  const snapshots = useRuns((s) => s.runs);
  const teardowns = useRuns((s) => s.teardowns);
  const jobs = useJobs((s) => s.jobs);
  const retries: Record<string, TeardownRetry> = {};
  for (const [runId, teardown] of Object.entries(teardowns)) {
    const job = teardown.jobId ? jobs[teardown.jobId] : undefined;
    retries[runId] = {
      jobRunning: teardown.result === undefined && teardown.error === undefined && job?.state !== 'failed',
      ...(teardown.result ? { result: teardown.result } : {}),
      ...(teardown.error ? { error: teardown.error } : {}),
    };
  }
  const items = reattachItems(runs, actions, snapshots, retries);
  const done = items.filter((item) => item.state.status === 'done');

  // Finished and verified: the banner lets the run go and says how it ended.
  useEffect(() => {
    for (const { run, state } of done) {
      if (state.status !== 'done') continue;
      useNotifications.getState().push({
        id: `unfinished-done-${run.runId}`,
        level: state.outcome === 'succeeded' ? 'success' : 'info',
        title: `${run.name}: ${state.outcome}`,
        body: `${state.reason ? `${state.reason.replace(/\.$/, '')}. ` : ''}Its teardown is verified: nothing of this run bills any more. The Runs page has its report.`,
        at: new Date().toISOString(),
      });
      useUnfinishedRuns.getState().forget(run.runId);
    }
  }, [done]);

  const show = (runId: string) => {
    useRuns.getState().select(runId);
    useNavigation.getState().navigate('runs');
  };
  return (
    <ReattachBanner
      items={items}
      loadError={loadError}
      onReload={() => void useUnfinishedRuns.getState().load()}
      onAction={(runId, action) => {
        useRuns.getState().select(runId);
        void useUnfinishedRuns.getState().start(runId, action);
      }}
      onRetry={(item) => {
        const { state, run } = item;
        if (state.status !== 'failed') return;
        if (state.retry === 'dismiss') useUnfinishedRuns.getState().forget(run.runId);
        else if (state.retry === 'teardown') void useRuns.getState().teardownNow(run.runId);
        else void useUnfinishedRuns.getState().start(run.runId, state.action);
      }}
      onShow={show}
    />
  );
}
