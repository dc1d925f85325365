import type { RunEvent, RunPhase } from '../../../shared/domain/run';

/**
 * What a pipeline step emits; the run service stamps runId, seq and time. An event that happened
 * elsewhere (an executor phase, read in a batch a second later) brings its own time in `at`.
 */
export type RunEventBody = RunEvent extends infer E
  ? E extends unknown
    ? Omit<E, 'runId' | 'seq' | 'at'> & { at?: string }
    : never
  : never;

/** A phase that failed, with the reason the user sees. */
export class PhaseFailure extends Error {
  constructor(
    readonly phase: RunPhase,
    message: string,
    readonly fix?: string,
    /** The error it stands for (what a backend's failure carries, e.g. the instance a failed launch created). */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PhaseFailure';
  }
}

/** Runs desktop-side phases: `running`, then `succeeded` with detail or `failed` with the reason. */
export function createPhaseRunner(emit: (event: RunEventBody) => void) {
  let firstFailure: PhaseFailure | undefined;
  return {
    get failure() {
      return firstFailure;
    },
    /** A spot relaunch: the interrupted attempt's failure is not the run's; the next attempt has its own chance. */
    forgetFailure() {
      firstFailure = undefined;
    },
    fail(phase: RunPhase, reason: string, fix?: string, detail?: Record<string, unknown>, at?: string) {
      emit({
        type: 'phase',
        phase,
        status: 'failed',
        reason,
        ...(fix ? { fix } : {}),
        ...(detail ? { detail } : {}),
        ...(at ? { at } : {}),
      });
      firstFailure ??= new PhaseFailure(phase, reason, fix);
    },
    async run<T>(
      phase: RunPhase,
      work: () => Promise<T>,
      describe: (value: T) => Record<string, unknown> | undefined = () => undefined,
    ): Promise<T> {
      emit({ type: 'phase', phase, status: 'running' });
      try {
        const value = await work();
        const detail = describe(value);
        emit({ type: 'phase', phase, status: 'succeeded', ...(detail ? { detail } : {}) });
        return value;
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'failed';
        const fix = (error as { fix?: string }).fix;
        // A failure may carry figures for the phase (e.g. a teardown's survivors).
        const detail = (error as { detail?: Record<string, unknown> }).detail;
        this.fail(phase, message, fix, detail);
        throw new PhaseFailure(phase, message, fix, { cause: error });
      }
    },
  };
}

/** The phase runner of one run (see {@link createPhaseRunner}). */
export type PhaseRunner = ReturnType<typeof createPhaseRunner>;
