import type { PlacementCandidate } from '../../../shared/domain/capacity-failover';
import { type AttemptEnding, decideRelaunch } from '../../../shared/domain/spot-relaunch';
import type { ExecutorSecrets, ExecutorSpec } from '../../../shared/executor/protocol';
import { type AttemptEnd, earlierAttemptsCost } from '../../../shared/report/run-attempts';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { ObjectStore } from '../../aws/ports/object-store';
import { lineKeyOf } from '../../core/line-seal';
import { type WorkLayout, workLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import type { AttachEntry } from '../reattach/attach-journal';
import { attemptEnding, type AttemptLog, createAttemptLog, type SpotWindowPricing } from './attempt-log';
import type { AcquiredHost, AcquireProgress, ComputeBackend, RelaunchRequest } from './compute-backend';
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
  /** Prices a spot attempt from EC2's price history when it ends (absent: on-demand, an upper bound). */
  spotHistory?: SpotWindowPricing;
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
  const now = input.now ?? Date.now;
  // Host, status, the phase an unexpected error belongs to, and (once the executor runs) its rescue push.
  const state: FollowState = { current: 'bootstrapping' };
  const attempts = createAttemptLog(input.emit, now, input.spotHistory);
  let acquired: AcquiredHost | undefined;
  // Why a spot interruption was not followed by a relaunch: the run's reason says it too.
  let withheld: string | undefined;
  const result = await runToEnd(
    async () => {
      // Host keys seen at first sight (an unpinned ssh-host): a reattach pins them.
      const firstSight: string[] = [];
      await phases.run(
        'preflight',
        () => input.backend.preflight(AbortSignal.any([input.signal, AbortSignal.timeout(60 * 60_000)])),
        (facts) => facts,
      );
      let next: RelaunchRequest | undefined;
      let trainShown = 0;
      for (let attempt = 1; ; attempt++) {
        // Each launch has its own hour to set up (a relaunch may come hours into the run).
        const setup = AbortSignal.any([input.signal, AbortSignal.timeout(60 * 60_000)]);
        const startedAt = now();
        const machine = (acquired = await provisionAttempt(input, phases, setup, firstSight, attempts, next));
        // The market the capacity failover got (a spot relaunch may have fallen back on-demand).
        if (machine.aws) attempts.started(attempt, machine.aws, machine.aws.spot ? 'spot' : 'on-demand', startedAt);
        state.host = await phases.run(
          'connecting',
          () => machine.connector.connect(setup),
          () => ({ host: machine.connector.label }),
        );
        const started = await bootstrap(input, phases, machine, state.host, setup, firstSight, attempt);
        // A relaunch pulls the train.log the last attempt pushed, and the training appends to it: the
        // lines already shown are not shown again.
        const read = { train: trainShown };
        // A relaunched run's budget and cost so far count what the earlier attempts cost.
        const earlier = earlierAttemptsCost(attempts.list());
        const follow = {
          ...followInput(input, machine, started, read),
          ...(earlier ? { earlierAttempts: earlier } : {}),
        };
        const { pushVerified } = await followToEnd(follow, phases, state);
        trainShown = read.train;
        const relaunch = input.backend.relaunch;
        if (!relaunch || !machine.aws) return;
        const decision = decideRelaunch({
          ending: attemptEnding(state.status, input.signal.aborted),
          pushVerified,
          cancelled: input.signal.aborted,
          markets: attempts.markets(),
          maxRelaunches: relaunch.maxRelaunches,
          fallbackOnDemand: relaunch.fallbackOnDemand,
        });
        if (!decision.relaunch) {
          if (decision.why) {
            withheld = decision.why;
            input.emit({ type: 'log', source: 'info', line: `not relaunched: ${decision.why}` });
          }
          return;
        }
        next = {
          attempt: decision.attempt,
          market: decision.market,
          ...(machine.aws.zone ? { interruptedZone: machine.aws.zone } : {}),
          reason: decision.why,
        };
        if (!(await tearDownForRelaunch(input, phases, state, attempts, next))) return;
      }
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
  // The last attempt's instance is gone with the run's teardown (or the run ended without one).
  await attempts.ended(attemptEnd(attemptEnding(state.status, input.signal.aborted), result));
  return withheld && result.reason ? { ...result, reason: `${result.reason}; ${withheld}` } : result;
}

// A relaunch's provisioning that fails is an attempt of its own ("launch failed"), then the run's failure; one the
// user stopped (Stop, a kill-all) ended "stopped", as the run did.
async function provisionAttempt(
  input: PipelineInput,
  phases: PhaseRunner,
  setup: AbortSignal,
  firstSight: string[],
  attempts: AttemptLog,
  next: (RelaunchRequest & { first?: PlacementCandidate }) | undefined,
): Promise<AcquiredHost> {
  const startedAt = (input.now ?? Date.now)();
  try {
    return await provision(input, phases, setup, firstSight);
  } catch (error) {
    if (next) {
      attempts.launchFailed(
        next.attempt,
        startedAt,
        next.first,
        next.market,
        input.signal.aborted ? 'stopped' : undefined,
      );
    }
    throw error;
  }
}

/**
 * Between two attempts: the monitor lets go of the interrupted machine, the connection closes,
 * and the backend tears it down and proves it (a failed or unverified teardown ends the run
 * there: its own teardown tries again). One instance at a time: the next launch starts only
 * after this. A Stop meanwhile lets the teardown finish (it is what stops the meter), then ends
 * the run without a launch. True when the relaunch goes ahead.
 */
async function tearDownForRelaunch(
  input: PipelineInput,
  phases: PhaseRunner,
  state: FollowState,
  attempts: AttemptLog,
  next: RelaunchRequest & { first?: PlacementCandidate },
): Promise<boolean> {
  const info = (line: string) => input.emit({ type: 'log', source: 'info', line });
  const current = attempts.current();
  info(
    `${next.reason}: tearing down ${current?.instanceId ?? 'the interrupted instance'} first, then launching attempt ${next.attempt}`,
  );
  await Promise.resolve(input.observer?.ended(input.runId)).catch(() => undefined);
  await state.host?.close().catch(() => undefined);
  delete state.host;
  delete state.status;
  delete state.rescuePush;
  state.current = 'bootstrapping';
  // The attempt ended by the interruption whether or not its teardown succeeds: a failed one is the
  // run's failure (said by its phase), and the run's own teardown tries again.
  await phases
    .run(
      'tearing-down',
      () => input.backend.release(AbortSignal.timeout(RELAUNCH_TEARDOWN_LIMIT_MS)),
      (facts) => ({ ...facts, relaunch: next.attempt }),
    )
    .finally(() => attempts.ended('interrupted'));
  if (input.signal.aborted) {
    info('stopped during the relaunch: the interrupted instance is torn down and nothing new is launched');
    return false;
  }
  const first = await input.backend.relaunch!.prepare(next);
  if (first) next.first = first;
  // The interrupted attempt's failure (its training phase) is not the run's.
  phases.forgetFailure();
  return true;
}

const RELAUNCH_TEARDOWN_LIMIT_MS = 30 * 60_000;

// The last attempt's end in the attempts' words.
function attemptEnd(ending: AttemptEnding, result: PipelineResult): AttemptEnd {
  if (ending === 'interrupted') return 'interrupted';
  if (ending === 'stopped' || result.outcome === 'cancelled') return 'stopped';
  return result.outcome === 'succeeded' ? 'finished' : 'failed';
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
        (progress) =>
          input.emit({ type: 'phase', phase: 'provisioning', status: 'running', detail: provisioningDetail(progress) }),
      ),
    (a) => a.detail,
  );
}

/**
 * The provisioning phase's live detail for one step or wait: the step, its line, the wait's figures,
 * and once RunInstances took a placement its `instanceType`, `market` and `zone` (what bills: the
 * monitor's burn prices them, not the configured ones, until it prices the run itself).
 */
export function provisioningDetail(progress: AcquireProgress): Record<string, unknown> {
  const { step, line, elapsedSeconds, limitSeconds, placement } = progress;
  return {
    step,
    progress: line,
    ...(elapsedSeconds !== undefined ? { elapsedSeconds } : {}),
    ...(limitSeconds !== undefined ? { limitSeconds } : {}),
    ...(placement ?? {}),
  };
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
  /** The key this attempt's executor seals its word on its webhook post with (in memory only). */
  lineKey: string;
}

// The machine's spec and secrets, the attach journal's machine entry, then the executor started on it.
async function bootstrap(
  input: PipelineInput,
  phases: PhaseRunner,
  machine: AcquiredHost,
  host: RemoteHost,
  setup: AbortSignal,
  firstSight: string[],
  attempt: number,
): Promise<StartedExecutor> {
  const now = input.now ?? Date.now;
  const spec: ExecutorSpec = {
    ...input.spec,
    attempt,
    storage: { ...input.spec.storage, ...(machine.s3Endpoint ? { endpoint: machine.s3Endpoint } : {}) },
    ttlSeconds: machine.ttlSeconds,
    powerOff: machine.powerOff,
    powerOffAtEnd: machine.powerOffAtEnd,
  };
  const secrets: ExecutorSecrets = {
    ...input.secrets,
    ...(machine.sendS3Credentials && input.s3Credentials ? { s3: input.s3Credentials } : {}),
    // Each attempt's executor its own: a line sealed on an earlier machine is not believed on this one.
    lineKey: lineKeyOf(input.secrets.sseKey, input.runId, attempt),
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
  // were needed by the executor's start, and are released now; the line key checks the executor's word.
  return { pid, identity, spec, secrets: pushSecrets(secrets), layout, deadline, lineKey: secrets.lineKey! };
}

// The follow of a fresh run: the input's settings, the machine's monitoring facts, offsets journaled.
function followInput(
  input: PipelineInput,
  machine: AcquiredHost,
  started: StartedExecutor,
  /** Bytes of train.log shown by earlier attempts (where this one starts reading), kept current. */
  read: { train: number },
): FollowToEndInput {
  return {
    runId: input.runId,
    layout: started.layout,
    connector: machine.connector,
    pid: started.pid,
    identity: started.identity,
    deadline: started.deadline,
    secrets: started.secrets,
    lineKey: started.lineKey,
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
    ...(read.train > 0 ? { start: { events: 0, train: read.train, sync: 0 } } : {}),
    onOffsets: (offsets) => {
      read.train = offsets.train;
      input.onAttach?.({ type: 'offsets', ...offsets });
    },
  };
}
