import { raceAbort } from '../core/abort';
import type { JobRunner } from '../core/jobs';
import type { RunService } from '../runs/run-service';
import type { ActiveWork } from './quit-guard';

// Jobs that delete resources: cutting them half-way leaves some billing, so a stop waits for them.
const FINISH_BEFORE_QUIT = new Set(['costs.kill-all', 'costs.teardown']);
// The longest a "stop, push and tear down, then quit" waits (push and teardown have their own limits).
const STOP_LIMIT_MS = 3 * 60 * 60_000;

/** The quit guard's view of the runs and jobs: what goes on, how to stop it. Electron-free. */
export function quitWork(
  runs: Pick<RunService, 'active' | 'cancel' | 'wait' | 'note'>,
  jobs: Pick<JobRunner, 'list' | 'cancel'>,
) {
  const runningJobs = () => jobs.list().filter((job) => job.state === 'running');
  return {
    activeWork(): ActiveWork[] {
      return [
        ...runs.active().map(({ snapshot, until }) => ({
          kind: 'run' as const,
          id: snapshot.runId,
          afterQuit: afterQuitSentence(snapshot, until),
        })),
        ...runningJobs().map((job) => ({
          kind: 'job' as const,
          id: job.jobId,
          afterQuit: FINISH_BEFORE_QUIT.has(job.kind)
            ? `"${job.title}" stops half-way${job.step ? ` (${job.step})` : ''}: what it has not deleted yet keeps billing until you run it again.`
            : `"${job.title}" stops unfinished.`,
        })),
      ];
    },

    /** Cancels every run (stop training, push, verify, tear down) and waits; deleting jobs are let finish. */
    async stopAll(progress: (line: string) => void): Promise<void> {
      const active = runs.active();
      for (const { snapshot } of active) runs.cancel(snapshot.runId);
      for (const job of runningJobs()) {
        if (!FINISH_BEFORE_QUIT.has(job.kind)) jobs.cancel(job.jobId, 'TrainDeck quits.');
      }
      const limit = AbortSignal.timeout(STOP_LIMIT_MS);
      const ticker = setInterval(() => {
        const left = [
          ...runs.active().map(({ snapshot }) => `${snapshot.name}: ${runningPhase(snapshot.phases) ?? 'stopping'}`),
          ...runningJobs().map((job) => `${job.title}: ${job.step ?? 'working'}`),
        ];
        if (left.length) progress(`Stopping before quit — ${left.join('; ')}`);
      }, 1_000);
      try {
        progress(`Stopping ${active.length} run(s): training is stopped, data pushed and verified, then torn down.`);
        await raceAbort(
          Promise.all([
            ...active.map(({ snapshot }) => runs.wait(snapshot.runId).catch(() => undefined)),
            waitForJobs(runningJobs, limit),
          ]),
          limit,
        ).catch(() => undefined);
      } finally {
        clearInterval(ticker);
      }
    },

    /** Writes into each run's events that TrainDeck quit while it went on (the next start offers reattach). */
    noteLeftRunning(work: ActiveWork[]): void {
      for (const item of work) {
        if (item.kind === 'run') {
          runs.note(
            item.id,
            'TrainDeck quit while this run went on: the next start offers Reattach (follow it to the end, verify, tear down) or Tear down.',
          );
        }
      }
    },
  };
}

function afterQuitSentence(snapshot: { name: string; backend: string; host?: string }, until: string): string {
  const time = `${until.slice(0, 16).replace('T', ' ')} UTC`;
  if (snapshot.backend === 'aws-ec2') {
    return `Run "${snapshot.name}": its EC2 instance keeps training and billing until the training ends and it powers itself off, at the latest at its time-to-live (${time}); its key pair and security group stay until the next start tears them down.`;
  }
  const where = snapshot.backend === 'ssh-host' ? `on ${snapshot.host ?? 'your machine'}` : 'on this computer';
  return `Run "${snapshot.name}" ${where}: training goes on there (at the latest until ${time}) and pushes its data, but nobody verifies the push.`;
}

function runningPhase(phases: Record<string, { status: string }>): string | undefined {
  return Object.entries(phases).find(([, state]) => state.status === 'running')?.[0];
}

/** Waits until `running()` is empty or `signal` aborts (jobs report no promise, so they are polled every 500 ms). */
export async function waitForJobs(running: () => unknown[], signal: AbortSignal): Promise<void> {
  while (running().length > 0 && !signal.aborted) await new Promise((resolve) => setTimeout(resolve, 500));
}
