/**
 * What the desktop's main process does on an error nobody caught (an uncaught exception or an
 * unhandled rejection): its state is unknown from then on, so it does not carry on as if nothing
 * happened. Like the CLI's exit guard (main/cli/cli-process.ts), it takes the teardown path for every
 * run that may hold cloud resources, tells the user why, and exits non-zero — never a silent exit,
 * never an instance left billing behind a process that no longer watches it. Electron-free: main.ts
 * binds it to `process`, the quit work and a dialog.
 */
import { raceAbort } from '../core/abort';
import type { Logger } from '../core/logger';
import { waitForJobs } from './quit-work';

// The graceful stop (stop training, push, verify, tear down) gets this long in a process that just
// failed; a run still holding resources after it is torn down by tag.
const GRACEFUL_LIMIT_MS = 15 * 60_000;
const TEARDOWN_LIMIT_MS = 30 * 60_000;

export interface FatalGuardDeps {
  log: Pick<Logger, 'error' | 'info'>;
  /** Ids of the runs going on now. */
  activeRuns(): string[];
  /** Stops every run gracefully (the quit path) and waits for them. */
  stopAll(progress: (line: string) => void): Promise<void>;
  /** Whether the run may still hold cloud resources (an EC2 run whose teardown has not succeeded). */
  holdsCloudResources(runId: string): boolean;
  /** The verified teardown by the run's tag; one sentence of what it did. Never throws. */
  teardown(runId: string, signal: AbortSignal): Promise<string>;
  /** Tells the user (an error box), before the exit. */
  tell(title: string, body: string): void;
  exit(code: number): void;
  gracefulLimitMs?: number;
}

/** Returns the handler to call with the uncaught error; later errors while it runs are only logged. */
export function fatalGuard(deps: FatalGuardDeps): (error: unknown) => Promise<void> {
  let handling = false;
  return async (error) => {
    const reason = reasonOf(error);
    if (handling) {
      deps.log.error('another unexpected error while stopping', { reason });
      return;
    }
    handling = true;
    deps.log.error('unexpected error in the main process: stopping every run, then exiting', { reason });
    const lines: string[] = [];
    try {
      const runs = deps.activeRuns();
      if (runs.length > 0) {
        await raceAbort(
          deps.stopAll((line) => deps.log.info(line)),
          AbortSignal.timeout(deps.gracefulLimitMs ?? GRACEFUL_LIMIT_MS),
        ).catch(() => lines.push('The graceful stop did not finish in time.'));
        for (const runId of runs.filter((id) => deps.holdsCloudResources(id))) {
          lines.push(await deps.teardown(runId, AbortSignal.timeout(TEARDOWN_LIMIT_MS)));
        }
        if (lines.length === 0) lines.push(`${runs.length} run(s) stopped, their data pushed, and torn down.`);
      }
    } catch (stopError) {
      lines.push(
        `Stopping the runs failed: ${reasonOf(stopError)}. Run \`traindeck kill-all\` to be sure nothing bills.`,
      );
    }
    const body = [`${reason.replace(/[.\s]+$/, '')}.`, ...lines, 'TrainDeck exits; start it again.'].join('\n\n');
    deps.log.error('exiting after an unexpected error', { reason, done: lines.join(' ') });
    try {
      deps.tell('TrainDeck hit an unexpected error', body);
    } finally {
      deps.exit(1);
    }
  };
}

/** Sends the process's uncaught errors to `onFatal`. */
export function installFatalGuard(
  proc: Pick<NodeJS.EventEmitter, 'on'>,
  onFatal: (error: unknown) => Promise<void>,
): void {
  proc.on('uncaughtException', (error: unknown) => void onFatal(error));
  proc.on('unhandledRejection', (error: unknown) => void onFatal(error));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Starts the verified teardown-by-tag job for `runId` and waits for its end (bounded by `signal`); one sentence. */
export async function teardownThroughJob(
  startTeardown: (runId: string) => { jobId: string },
  jobs: { list(): Array<{ jobId: string; state: string }> },
  runId: string,
  signal: AbortSignal,
): Promise<string> {
  try {
    const { jobId } = startTeardown(runId);
    const ended = () => jobs.list().find((job) => job.jobId === jobId && job.state !== 'running');
    await waitForJobs(() => (ended() ? [] : [jobId]), signal);
    const state = ended()?.state;
    if (state === 'succeeded') return `Run ${runId}: its cloud resources were deleted, verified by a rescan.`;
    return `Run ${runId}: the teardown ${state ? `ended ${state}` : 'did not finish in time'}; run \`traindeck teardown ${runId}\` to finish it.`;
  } catch (error) {
    return `Run ${runId}: the teardown could not start (${reasonOf(error)}); run \`traindeck teardown ${runId}\` to finish it.`;
  }
}
