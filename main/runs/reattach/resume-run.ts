import type { RunPhase } from '../../../shared/domain/run';
import type { ExecutorSecrets } from '../../../shared/executor/protocol';
import type { EarlierAttemptsCost } from '../../../shared/monitor/cost';
import type { RunAttempt } from '../../../shared/report/run-attempts';
import { earlierAttemptsCost } from '../../../shared/report/run-attempts';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { ObjectStore } from '../../aws/ports/object-store';
import { lineKeyOf } from '../../core/line-seal';
import { workLayout } from '../../executor/work-layout';
import type { HostConnector } from '../../host/remote-host';
import type { ExecutorIdentity } from '../pipeline/executor-identity';
import type { FollowOffsets, ReconnectPolicy } from '../pipeline/follow-executor';
import { type FollowState, followToEnd } from '../pipeline/follow-to-end';
import { createPhaseRunner, PhaseFailure, type PhaseRunner, type RunEventBody } from '../pipeline/phase-tracker';
import type { RunControls } from '../pipeline/push-now';
import { type PipelineResult, runToEnd } from '../pipeline/run-ending';
import type { RunObserver, RunStopGuard } from '../pipeline/run-observer';
import { type PipelineInput, resumeAttempts } from '../pipeline/run-pipeline';
import type { Waker } from '../pipeline/waker';
import type { AttachState } from './attach-journal';

/** What taking over a run left by a killed TrainDeck needs. */
export interface ResumeInput {
  runId: string;
  /** The run's attach journal, with its `machine` entry. */
  attach: AttachState & { machine: NonNullable<AttachState['machine']> };
  /** The phase the run was in (what an unexpected error fails). */
  phase: RunPhase;
  /** The attempt whose executor runs (1-based; a spot relaunch's later ones): its line key checks the executor's word. */
  attempt: number;
  connector: HostConnector;
  secrets: ExecutorSecrets;
  store: ObjectStore;
  /** The backend's teardown (EC2: delete by run tag and verify; ssh-host: nothing; local: the temp folder). */
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
  emit(event: RunEventBody): void;
  signal: AbortSignal;
  now?: () => number;
  pollMs?: number;
  reconnect?: ReconnectPolicy;
  waker?: Waker;
  onOffsets?(offsets: FollowOffsets): void;
  /** The monitor: it watches the machine again from the reconnect on (health, log tail, progress). */
  observer?: RunObserver;
  /** The run config's monitoring settings, handed to the observer. */
  monitoring?: MonitoringConfig;
  /** Filled while the executor is followed: what the user may ask of the run meanwhile (push now). */
  controls?: RunControls;
  /** The budget and the graceful stop the monitor may ask for (the run config's, as a fresh run has them). */
  guard?: RunStopGuard;
  /**
   * An EC2 run's relaunch after this restart: the pipeline rebuilt from the run's recorded config (its
   * secrets read again from their files, as a fresh run reads them), and the run's attempts from its events.
   */
  relaunch?: { pipeline: PipelineInput; attempts: RunAttempt[] };
}

/**
 * The second half of the pipeline for a run whose desktop was killed: reconnect with the
 * pinned host key, find the executor (its pid from the journal, else from its pid file: a kill
 * during bootstrapping), follow executor.jsonl and train.log from the journaled offsets to the
 * `done` line, verify the push in S3, tear down. An executor that never started means nothing
 * trains: the run fails and tears down at once. With `relaunch` (an EC2 run), a spot interruption
 * of the followed attempt is then relaunched by the pipeline itself (run-pipeline.ts's resumeAttempts).
 */
export async function resumeRun(input: ResumeInput): Promise<PipelineResult> {
  const phases = createPhaseRunner(input.emit);
  const state: FollowState = { current: input.phase };
  const aws = input.attach.machine.aws;
  if (input.relaunch && aws) {
    // Then on as a run that never restarted: a spot interruption is relaunched by the pipeline's own rule.
    const { pipeline, attempts } = input.relaunch;
    let trainShown = input.attach.offsets?.train ?? 0;
    const onOffsets = (offsets: FollowOffsets) => {
      trainShown = offsets.train;
      input.onOffsets?.(offsets);
    };
    const earlier = earlierAttemptsCost(attempts.filter((a) => a.instanceId !== aws.instanceId));
    return resumeAttempts(pipeline, {
      phases,
      state,
      earlier: attempts,
      machine: aws,
      follow: () =>
        followAgain({ ...input, onOffsets, ...(earlier ? { earlierAttempts: earlier } : {}) }, phases, state),
      trainShown: () => trainShown,
      release: input.release,
    });
  }
  return runToEnd(
    async () => {
      await followAgain(input, phases, state);
    },
    {
      runId: input.runId,
      phases,
      state,
      emit: input.emit,
      signal: input.signal,
      observer: input.observer,
      release: input.release,
    },
  );
}

// Reconnect, find the executor, follow it from the journaled offsets (runToEnd does the rest).
async function followAgain(
  input: ResumeInput & { earlierAttempts?: EarlierAttemptsCost },
  phases: PhaseRunner,
  state: FollowState,
): Promise<{ pushVerified: boolean }> {
  const { machine } = input.attach;
  const layout = workLayout(machine.workDir, { storage: machine.storage, runId: input.runId });
  const host = await phases.run(
    'connecting',
    () => input.connector.connect(AbortSignal.any([input.signal, AbortSignal.timeout(10 * 60_000)])),
    () => ({ host: input.connector.label, reattached: true }),
  );
  state.host = host;
  const pid = input.attach.executor?.pid ?? (await pidFromFile(host, layout.pidFile));
  if (!pid) {
    throw new PhaseFailure(
      'bootstrapping',
      'the executor never started on the machine (TrainDeck stopped before it did): nothing trains there',
    );
  }
  input.emit({
    type: 'log',
    source: 'info',
    line: `reattached to the executor (pid ${pid}) on ${input.connector.label}`,
  });
  return followToEnd(
    {
      runId: input.runId,
      layout,
      connector: input.connector,
      pid,
      identity: identityOf(input.attach.executor),
      deadline: machine.deadline,
      secrets: input.secrets,
      lineKey: lineKeyOf(input.secrets.sseKey, input.runId, input.attempt),
      storage: machine.storage,
      store: input.store,
      emit: input.emit,
      signal: input.signal,
      now: input.now ?? Date.now,
      ...(input.pollMs ? { pollMs: input.pollMs } : {}),
      ...(input.reconnect ? { reconnect: input.reconnect } : {}),
      ...(input.waker ? { waker: input.waker } : {}),
      ...(input.attach.offsets ? { start: input.attach.offsets } : {}),
      ...(input.onOffsets ? { onOffsets: input.onOffsets } : {}),
      ...(input.observer ? { observer: input.observer } : {}),
      ...(input.monitoring ? { monitoring: input.monitoring } : {}),
      ...(input.controls ? { controls: input.controls } : {}),
      ...(input.guard ? { guard: input.guard } : {}),
      ...(input.earlierAttempts ? { earlierAttempts: input.earlierAttempts } : {}),
      ...(machine.aws ? { aws: machine.aws } : {}),
      // The executor's `training started` line was read before the kill: the monitor starts at once.
      training: input.phase === 'training',
    },
    phases,
    state,
  );
}

// Recorded when the executor started; a journal without it (a kill during bootstrapping) allows no re-push.
function identityOf(executor: AttachState['executor']): ExecutorIdentity | undefined {
  return executor?.node && executor.bundleSha256
    ? { node: executor.node, bundleSha256: executor.bundleSha256 }
    : undefined;
}

// The bootstrap writes the executor's pid before it returns it: a kill in between leaves only the file.
async function pidFromFile(
  host: { read(path: string, offset: number, max: number): Promise<Buffer | undefined> },
  path: string,
) {
  const text = (await host.read(path, 0, 64))?.toString('utf8').trim();
  return text && /^\d+$/.test(text) ? Number(text) : undefined;
}
