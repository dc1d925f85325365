import type { RunOutcome } from '../../../shared/domain/run';
import type { ExecutorSecrets, ExecutorSpec, ExecutorStatus } from '../../../shared/executor/protocol';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { ObjectStore } from '../../aws/ports/object-store';
import { workLayout } from '../../executor/work-layout';
import type { AttachEntry } from '../reattach/attach-journal';
import type { AcquiredHost, ComputeBackend } from './compute-backend';
import type { ReconnectPolicy } from './follow-executor';
import { type FollowState, followToEnd } from './follow-to-end';
import { createPhaseRunner, PhaseFailure, type RunEventBody } from './phase-tracker';
import type { RunObserver } from './run-observer';
import { startExecutor, type Upload } from './start-executor';
import type { Waker } from './waker';

/** The part of the executor's spec that does not depend on the machine. */
export type SpecTemplate = Omit<ExecutorSpec, 'ttlSeconds' | 'powerOff' | 'powerOffAtEnd' | 'storage'> & {
  storage: Omit<ExecutorSpec['storage'], 'endpoint'>;
};

/** Everything one run needs; built by the run service from a run config. */
export interface PipelineInput {
  runId: string;
  spec: SpecTemplate;
  secrets: ExecutorSecrets;
  /** S3 credentials the executor gets when the backend asks for them (ssh-host, local). */
  s3Credentials?: ExecutorSecrets['s3'];
  uploads: Upload[];
  backend: ComputeBackend;
  /** The desktop's own view of S3, for the sync verification. */
  store: ObjectStore;
  /** Folder holding executor.mjs and bootstrap.sh. */
  bundleDir: string;
  emit(event: RunEventBody): void;
  /** Cancel: stop training gracefully, push, verify, tear down. */
  signal: AbortSignal;
  pollMs?: number;
  maxRePushes?: number;
  /** How long a machine whose sync could not be verified is kept for inspection (default 30 min; the TTL still applies). */
  keepOnVerifyFailureMs?: number;
  now?: () => number;
  /** Follows the machine while it trains (the monitor). */
  observer?: RunObserver;
  /** The run config's monitoring section, handed to the observer. */
  monitoring?: MonitoringConfig;
  /** How a dropped connection is retried (fast rounds, then slow until the deadline). */
  reconnect?: ReconnectPolicy;
  /** Cuts a reconnect pause short: wake from sleep, network back, "retry now". */
  waker?: Waker;
  /** Journals what a later TrainDeck needs to reattach, the moment it is known (no secrets). */
  onAttach?(entry: AttachFacts): void;
}

/** The reattach facts the pipeline learns: the machine (before the executor starts), its pid, the read offsets. */
export type AttachFacts = Exclude<AttachEntry, { type: 'run' } | { type: 'owner' }>;

/** How the run ended. */
export interface PipelineResult {
  outcome: RunOutcome;
  reason?: string;
  exitCode?: number | null;
  status?: ExecutorStatus;
}

/**
 * preflight → provisioning → connecting → bootstrapping → (executor: checkout → pulling →
 * verifying → training → pushing) → verifying-sync → tearing-down. Teardown runs whatever
 * happened before it; the executor pushes whatever happened before its push.
 */
export async function runPipeline(input: PipelineInput): Promise<PipelineResult> {
  const now = input.now ?? Date.now;
  const phases = createPhaseRunner(input.emit);
  const info = (line: string) => input.emit({ type: 'log', source: 'info', line });
  const setup = AbortSignal.any([input.signal, AbortSignal.timeout(60 * 60_000)]);
  let acquired: AcquiredHost | undefined;
  // Host, status, the phase an unexpected error belongs to, and (once the executor runs) its rescue push.
  const state: FollowState = { current: 'bootstrapping' };
  // Host keys seen at first sight (an unpinned ssh-host): a reattach pins them.
  const firstSight: string[] = [];
  try {
    await phases.run(
      'preflight',
      () => input.backend.preflight(setup),
      (facts) => facts,
    );
    acquired = await phases.run(
      'provisioning',
      () =>
        input.backend.acquire(
          setup,
          (fingerprint) => {
            firstSight.push(fingerprint);
            input.emit({ type: 'host-key', fingerprint, firstSight: true });
          },
          // Each step and wait of a provisioning: the phase's live detail (the monitor) and a line (the CLI).
          ({ step, line, elapsedSeconds, limitSeconds }) =>
            input.emit({
              type: 'phase',
              phase: 'provisioning',
              status: 'running',
              detail: {
                step,
                progress: line,
                ...(elapsedSeconds !== undefined ? { elapsedSeconds } : {}),
                ...(limitSeconds !== undefined ? { limitSeconds } : {}),
              },
            }),
        ),
      (a) => a.detail,
    );
    const machine = acquired;
    const host = await phases.run(
      'connecting',
      () => machine.connector.connect(setup),
      () => ({ host: machine.connector.label }),
    );
    state.host = host;
    const spec: ExecutorSpec = {
      ...input.spec,
      storage: { ...input.spec.storage, ...(machine.s3Endpoint ? { endpoint: machine.s3Endpoint } : {}) },
      ttlSeconds: machine.ttlSeconds,
      powerOff: machine.powerOff,
      powerOffAtEnd: machine.powerOffAtEnd,
    };
    const secrets: ExecutorSecrets = {
      ...input.secrets,
      ...(machine.sendS3Credentials && input.s3Credentials ? { s3: input.s3Credentials } : {}),
    };
    const layout = workLayout(machine.workDir, spec);
    const deadline = now() + (machine.ttlSeconds + spec.training.graceSeconds) * 1000 + 75 * 60_000;
    // Before the executor starts: a kill from here on leaves a run a later TrainDeck can find and follow.
    if (machine.reattach) {
      input.onAttach?.({
        type: 'machine',
        target:
          machine.reattach.kind === 'ssh'
            ? {
                ...machine.reattach,
                hostKeyFingerprints: [...new Set([...machine.reattach.hostKeyFingerprints, ...firstSight])],
              }
            : machine.reattach,
        workDir: machine.workDir,
        storage: spec.storage,
        sendS3Credentials: machine.sendS3Credentials,
        deadline,
        ...(machine.aws ? { aws: machine.aws } : {}),
      });
    }
    const started = await phases.run(
      'bootstrapping',
      () =>
        startExecutor(host, {
          layout,
          bundleDir: input.bundleDir,
          spec,
          secrets,
          uploads: input.uploads,
          onInstance: machine.onInstance,
          signal: setup,
        }),
      (r) => ({ pid: r.pid, workDir: layout.workDir }),
    );
    const { pid, ...identity } = started;
    input.onAttach?.({ type: 'executor', pid, ...identity });
    await followToEnd(
      {
        runId: input.runId,
        layout,
        connector: machine.connector,
        pid,
        identity,
        deadline,
        secrets,
        storage: spec.storage,
        store: input.store,
        emit: input.emit,
        signal: input.signal,
        now,
        ...(input.pollMs ? { pollMs: input.pollMs } : {}),
        ...(input.maxRePushes !== undefined ? { maxRePushes: input.maxRePushes } : {}),
        ...(input.keepOnVerifyFailureMs !== undefined ? { keepOnVerifyFailureMs: input.keepOnVerifyFailureMs } : {}),
        ...(input.observer ? { observer: input.observer } : {}),
        ...(input.monitoring ? { monitoring: input.monitoring } : {}),
        ...(machine.aws ? { aws: machine.aws } : {}),
        ...(input.reconnect ? { reconnect: input.reconnect } : {}),
        ...(input.waker ? { waker: input.waker } : {}),
        ...(input.onAttach ? { onOffsets: (offsets) => input.onAttach!({ type: 'offsets', ...offsets }) } : {}),
      },
      phases,
      state,
    );
  } catch (error) {
    if (!(error instanceof PhaseFailure)) {
      phases.fail(state.current, error instanceof Error ? error.message : String(error));
    }
    if (state.rescuePush && !state.status) {
      info('the executor did not finish: pushing what exists before teardown');
      await phases
        .run('pushing', state.rescuePush, (r) => ({
          files: (r as { manifest: unknown[] }).manifest.length,
          rescue: true,
        }))
        .catch(() => undefined);
    }
  } finally {
    await Promise.resolve(input.observer?.ended(input.runId)).catch(() => undefined);
    await state.host?.close().catch(() => undefined);
    if (acquired || phases.failure?.phase !== 'preflight') {
      await phases
        .run(
          'tearing-down',
          () => input.backend.release(AbortSignal.timeout(30 * 60_000)),
          (facts) => facts,
        )
        .catch(() => undefined);
    }
  }
  return resultOf(state.status, phases.failure, input.signal.aborted);
}

/** How a run ended, from the executor's status, the first failed phase and whether it was cancelled. */
export function resultOf(
  status: ExecutorStatus | undefined,
  failure: PhaseFailure | undefined,
  cancelled: boolean,
): PipelineResult {
  const exit = status && status.exitCode !== undefined ? { exitCode: status.exitCode } : {};
  if (cancelled || status?.outcome === 'cancelled') {
    return { outcome: 'cancelled', reason: 'stopped by request; data pushed', ...exit, ...(status ? { status } : {}) };
  }
  if (failure) {
    return {
      outcome: 'failed',
      reason: `${failure.phase}: ${failure.message}`,
      ...exit,
      ...(status ? { status } : {}),
    };
  }
  return { outcome: 'succeeded', ...exit, ...(status ? { status } : {}) };
}
