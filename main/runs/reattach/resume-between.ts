import type { RunAttempt } from '../../../shared/report/run-attempts';
import { readJournal } from '../../lifecycle/journal/run-journal';
import { relaunchLaunched } from '../../lifecycle/launch';
import { createAttemptLog, settleAttemptsBetween } from '../pipeline/attempt-log';
import { createPhaseRunner, type RunEventBody } from '../pipeline/phase-tracker';
import { type PipelineResult, resultOf } from '../pipeline/run-ending';
import { type PipelineInput, resumeBetweenAttempts } from '../pipeline/run-pipeline';
import type { AttachState } from './attach-journal';

/** An attach journal whose run was between two attempts when its TrainDeck was killed. */
export type BetweenState = AttachState & {
  relaunch: NonNullable<AttachState['relaunch']>;
  machine: NonNullable<AttachState['machine']> & { aws: NonNullable<NonNullable<AttachState['machine']>['aws']> };
};

/**
 * Whether a killed TrainDeck left its run between two attempts of a spot relaunch: it had decided the
 * relaunch (the interruption seen, its push verified: the journal's `relaunch` entry, written before
 * the interrupted machine's teardown) and the next attempt's machine entry never came. Such a run is
 * not followed (AWS took its machine back): it goes on with the relaunch ({@link resumeBetween}).
 */
export function isBetweenAttempts(attach: AttachState): attach is BetweenState {
  return attach.relaunch !== undefined && attach.machine?.aws !== undefined;
}

/** What going on with a run left between attempts needs. */
export interface ResumeBetweenInput {
  runId: string;
  dataDir: string;
  attach: BetweenState;
  /** The run's attempts as its events recorded them. */
  attempts: RunAttempt[];
  /** The run's pipeline rebuilt from its recorded config; absent when it could not be (why: `unavailable`). */
  pipeline?: PipelineInput;
  unavailable?: string;
  /**
   * Whether the interrupted attempt's push was verified: true when the killed TrainDeck had decided (it
   * decides only then); for one killed before it read the interruption, what S3 says (interrupted-away.ts).
   */
  pushVerified?: boolean;
  /** The verified teardown by run tag (the reattach port's). */
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
  emit(event: RunEventBody): void;
  signal: AbortSignal;
}

/**
 * Every way out of the gap ends at $0/h: the relaunch goes on (tear down what is left, verified; bill
 * an instance the killed TrainDeck's relaunch had launched; decide again, attempts counted; fresh
 * preflight and plan; launch; resume from the newest checkpoint), or, when the run's pipeline cannot
 * be rebuilt (a key file gone), the teardown and a report that says why it was not relaunched.
 */
export async function resumeBetween(input: ResumeBetweenInput): Promise<PipelineResult> {
  const { attach } = input;
  const pending = attach.relaunch.attempt;
  // What the killed TrainDeck's relaunch got from RunInstances, as the run's journal records it (read after the teardown).
  const abandoned = async () => {
    const launched = relaunchLaunched(await readJournal(input.dataDir, input.runId).catch(() => []), pending);
    return launched && { ...launched, diskGb: attach.machine.aws.diskGb };
  };
  if (input.pipeline) {
    return resumeBetweenAttempts(input.pipeline, {
      earlier: input.attempts,
      interrupted: attach.machine.aws,
      pending,
      pushVerified: input.pushVerified ?? true,
      trainShown: attach.offsets?.train ?? 0,
      release: input.release,
      abandoned,
    });
  }
  const phases = createPhaseRunner(input.emit);
  const attempts = createAttemptLog(input.emit, Date.now, undefined, {
    attempts: input.attempts,
    diskGb: attach.machine.aws.diskGb,
  });
  const tornDown = await phases
    .run(
      'tearing-down',
      () => input.release(AbortSignal.timeout(TEARDOWN_LIMIT_MS)),
      (facts) => facts,
    )
    .then(
      () => true,
      () => false,
    );
  // Rows true only once the teardown is verified (an instance that may still run is not "ended").
  if (tornDown) await settleAttemptsBetween(attempts, pending, abandoned);
  if (!input.signal.aborted) {
    phases.fail(
      'provisioning',
      `attempt ${pending} was not relaunched after the restart: ${input.unavailable ?? 'the run has no recorded settings'}`,
      'Start the run again: it resumes from the newest checkpoint in S3 if the training reads TRAINDECK_RESUME_FROM.',
    );
  }
  return resultOf(undefined, phases.failure, input.signal.aborted, input.signal.reason);
}

const TEARDOWN_LIMIT_MS = 30 * 60_000;
