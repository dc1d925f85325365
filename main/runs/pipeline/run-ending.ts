import type { RunOutcome } from '../../../shared/domain/run';
import type { ExecutorStatus } from '../../../shared/executor/protocol';
import type { AutoStopCause } from '../../../shared/monitor/notices';
import type { FollowState } from './follow-to-end';
import { PhaseFailure, type PhaseRunner, type RunEventBody } from './phase-tracker';
import type { RunObserver } from './run-observer';

/**
 * A graceful stop the monitor asked for (the run's cancel signal aborts with it): the budget, a stall
 * or a NaN loss. Its message is the run's outcome ("stopped by the budget: $9.80 of $10.00").
 */
export class RunStopRequest extends Error {
  constructor(
    readonly stopCause: AutoStopCause,
    reason: string,
  ) {
    super(reason);
    this.name = 'RunStopRequest';
  }
}

/** How the run ended. */
export interface PipelineResult {
  outcome: RunOutcome;
  reason?: string;
  exitCode?: number | null;
  status?: ExecutorStatus;
}

/** What ending a run needs: a fresh run's (runPipeline) or a reattached one's (resumeRun). */
export interface RunEnding {
  runId: string;
  phases: PhaseRunner;
  /** Kept current by the work: the host to close, the executor's status, its rescue push. */
  state: FollowState;
  emit(event: RunEventBody): void;
  /** The run's cancel signal: a cancelled run ends `cancelled`. */
  signal: AbortSignal;
  observer?: RunObserver | undefined;
  /** The backend's teardown. */
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
  /** Asked once the work is over; false skips the teardown (a preflight failure before anything was created). */
  needsTeardown?: () => boolean;
}

const TEARDOWN_LIMIT_MS = 30 * 60_000;

/**
 * Runs `work` (the phases up to the executor's end), then ends the run the one way every run
 * ends, whatever happened: an error fails the phase it belongs to (unless a phase already
 * failed for it), an executor that did not finish gets its data pushed by the desktop (rescue
 * push), the monitor stops, the host closes, and the backend tears down. Never throws.
 */
export async function runToEnd(work: () => Promise<void>, ending: RunEnding): Promise<PipelineResult> {
  const { phases, state } = ending;
  try {
    await work();
  } catch (error) {
    failPhaseOf(error, phases, state);
    await rescuePush(ending);
  } finally {
    await Promise.resolve(ending.observer?.ended(ending.runId)).catch(() => undefined);
    await state.host?.close().catch(() => undefined);
    if (ending.needsTeardown?.() ?? true) {
      await phases
        .run(
          'tearing-down',
          () => ending.release(AbortSignal.timeout(TEARDOWN_LIMIT_MS)),
          (facts) => facts,
        )
        .catch(() => undefined);
    }
  }
  return resultOf(state.status, phases.failure, ending.signal.aborted, ending.signal.reason);
}

// A PhaseFailure from `phases.run` has failed its phase already; one thrown directly ("the executor
// ended without writing status.json") has not, and an unexpected error belongs to the current phase.
function failPhaseOf(error: unknown, phases: PhaseRunner, state: FollowState): void {
  if (!(error instanceof PhaseFailure)) {
    phases.fail(state.current, error instanceof Error ? error.message : String(error));
  } else if (!phases.failure) phases.fail(error.phase, error.message, error.fix);
}

// The executor died before its own push: the desktop pushes what exists before the teardown deletes it.
async function rescuePush({ phases, state, emit }: RunEnding): Promise<void> {
  if (!state.rescuePush || state.status) return;
  emit({ type: 'log', source: 'info', line: 'the executor did not finish: pushing what exists before teardown' });
  await phases
    .run('pushing', state.rescuePush, (r) => ({
      files: (r as { manifest: unknown[] }).manifest.length,
      rescue: true,
    }))
    .catch(() => undefined);
}

const MACHINE_FAILED = new Set<ExecutorStatus['outcome']>(['failed', 'ttl-expired', 'spot-interrupted']);

/** How a run ended, from the executor's status, the first failed phase and whether it was cancelled. */
export function resultOf(
  status: ExecutorStatus | undefined,
  failure: PhaseFailure | undefined,
  cancelled: boolean,
  /** The cancel's reason: a {@link RunStopRequest} (the budget, a stall, a NaN loss) says why in the outcome. */
  why?: unknown,
): PipelineResult {
  const exit = status && status.exitCode !== undefined ? { exitCode: status.exitCode } : {};
  if (cancelled || status?.outcome === 'cancelled') {
    const stopped = why instanceof RunStopRequest ? why.message : 'stopped by request';
    return { outcome: 'cancelled', reason: `${stopped}; data pushed`, ...exit, ...(status ? { status } : {}) };
  }
  // The machine's own word when this process saw no failure: a reattached run whose training failed
  // before the restart learns it only from status.json (its failed phase was read by the killed desktop).
  const machineFailure =
    !failure && status && MACHINE_FAILED.has(status.outcome)
      ? { phase: status.failedPhase ?? 'training', message: status.reason ?? status.outcome }
      : undefined;
  const failed = failure ?? machineFailure;
  if (failed) {
    return {
      outcome: 'failed',
      reason: `${failed.phase}: ${failed.message}`,
      ...exit,
      ...(status ? { status } : {}),
    };
  }
  return { outcome: 'succeeded', ...exit, ...(status ? { status } : {}) };
}
