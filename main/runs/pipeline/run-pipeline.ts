import type { ExecutorSecrets, ExecutorSpec } from '../../../shared/executor/protocol';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { ObjectStore } from '../../aws/ports/object-store';
import { type WorkLayout, workLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import type { AttachEntry } from '../reattach/attach-journal';
import type { AcquiredHost, ComputeBackend } from './compute-backend';
import { type ExecutorIdentity, pushSecrets } from './executor-identity';
import type { ReconnectPolicy } from './follow-executor';
import { type FollowState, followToEnd, type FollowToEndInput } from './follow-to-end';
import { createPhaseRunner, type PhaseRunner, type RunEventBody } from './phase-tracker';
import type { RunControls } from './push-now';
import { type PipelineResult, runToEnd } from './run-ending';
import type { RunObserver, RunStopGuard } from './run-observer';
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
  /** The budget and the graceful stop the monitor may ask for, handed to the observer. */
  guard?: RunStopGuard;
  /** How a dropped connection is retried (fast rounds, then slow until the deadline). */
  reconnect?: ReconnectPolicy;
  /** Cuts a reconnect pause short: wake from sleep, network back, "retry now". */
  waker?: Waker;
  /** Journals what a later TrainDeck needs to reattach, the moment it is known (no secrets). */
  onAttach?(entry: AttachFacts): void;
  /** Filled while the executor is followed: what the user may ask of the run meanwhile (push now). */
  controls?: RunControls;
}

/** The reattach facts the pipeline learns: the machine (before the executor starts), its pid, the read offsets. */
export type AttachFacts = Exclude<AttachEntry, { type: 'run' } | { type: 'owner' }>;

/**
 * preflight → provisioning → connecting → bootstrapping → (executor: checkout → pulling →
 * verifying → training → pushing) → verifying-sync → tearing-down. Teardown runs whatever
 * happened before it; the executor pushes whatever happened before its push (see {@link runToEnd}).
 */
export async function runPipeline(input: PipelineInput): Promise<PipelineResult> {
  const phases = createPhaseRunner(input.emit);
  // Host, status, the phase an unexpected error belongs to, and (once the executor runs) its rescue push.
  const state: FollowState = { current: 'bootstrapping' };
  let acquired: AcquiredHost | undefined;
  return runToEnd(
    async () => {
      const setup = AbortSignal.any([input.signal, AbortSignal.timeout(60 * 60_000)]);
      // Host keys seen at first sight (an unpinned ssh-host): a reattach pins them.
      const firstSight: string[] = [];
      await phases.run(
        'preflight',
        () => input.backend.preflight(setup),
        (facts) => facts,
      );
      const machine = (acquired = await provision(input, phases, setup, firstSight));
      state.host = await phases.run(
        'connecting',
        () => machine.connector.connect(setup),
        () => ({ host: machine.connector.label }),
      );
      const started = await bootstrap(input, phases, machine, state.host, setup, firstSight);
      await followToEnd(followInput(input, machine, started), phases, state);
    },
    {
      runId: input.runId,
      phases,
      state,
      emit: input.emit,
      signal: input.signal,
      observer: input.observer,
      release: (signal) => input.backend.release(signal),
      // Nothing was created when preflight failed.
      needsTeardown: () => acquired !== undefined || phases.failure?.phase !== 'preflight',
    },
  );
}

// Acquires the machine; each step and wait of it is the phase's live detail (the monitor) and a line (the CLI).
function provision(
  input: PipelineInput,
  phases: PhaseRunner,
  setup: AbortSignal,
  firstSight: string[],
): Promise<AcquiredHost> {
  return phases.run(
    'provisioning',
    () =>
      input.backend.acquire(
        setup,
        (fingerprint) => {
          firstSight.push(fingerprint);
          input.emit({ type: 'host-key', fingerprint, firstSight: true });
        },
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
}

/** A started executor: what following it needs. */
interface StartedExecutor {
  pid: number;
  /** What the executor's start reported (its Node, the executor.mjs hash): a re-push checks it. */
  identity: ExecutorIdentity;
  spec: ExecutorSpec;
  secrets: ExecutorSecrets;
  layout: WorkLayout;
  deadline: number;
}

// The machine's spec and secrets, the attach journal's machine entry, then the executor started on it.
async function bootstrap(
  input: PipelineInput,
  phases: PhaseRunner,
  machine: AcquiredHost,
  host: RemoteHost,
  setup: AbortSignal,
  firstSight: string[],
): Promise<StartedExecutor> {
  const now = input.now ?? Date.now;
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
  // From here on the desktop keeps only what a re-push sends: the deploy key and the secret env
  // were needed by the executor's start, and are released now.
  return { pid, identity, spec, secrets: pushSecrets(secrets), layout, deadline };
}

// The follow of a fresh run: the input's settings, the machine's monitoring facts, offsets journaled.
function followInput(input: PipelineInput, machine: AcquiredHost, started: StartedExecutor): FollowToEndInput {
  return {
    runId: input.runId,
    layout: started.layout,
    connector: machine.connector,
    pid: started.pid,
    identity: started.identity,
    deadline: started.deadline,
    secrets: started.secrets,
    storage: started.spec.storage,
    store: input.store,
    emit: input.emit,
    signal: input.signal,
    now: input.now ?? Date.now,
    ...(input.pollMs ? { pollMs: input.pollMs } : {}),
    ...(input.maxRePushes !== undefined ? { maxRePushes: input.maxRePushes } : {}),
    ...(input.keepOnVerifyFailureMs !== undefined ? { keepOnVerifyFailureMs: input.keepOnVerifyFailureMs } : {}),
    ...(input.observer ? { observer: input.observer } : {}),
    ...(input.monitoring ? { monitoring: input.monitoring } : {}),
    ...(input.guard ? { guard: input.guard } : {}),
    ...(machine.aws ? { aws: machine.aws } : {}),
    ...(input.reconnect ? { reconnect: input.reconnect } : {}),
    ...(input.waker ? { waker: input.waker } : {}),
    ...(input.controls ? { controls: input.controls } : {}),
    ...(input.onAttach ? { onOffsets: (offsets) => input.onAttach!({ type: 'offsets', ...offsets }) } : {}),
  };
}
