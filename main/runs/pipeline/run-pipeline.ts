import type { PlacementCandidate } from '../../../shared/domain/capacity-failover';
import { type AttemptEnding, decideRelaunch } from '../../../shared/domain/spot-relaunch';
import type { ExecutorSecrets, ExecutorSpec } from '../../../shared/executor/protocol';
import { type AttemptEnd, earlierAttemptsCost, type RunAttempt } from '../../../shared/report/run-attempts';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { ObjectStore } from '../../aws/ports/object-store';
import { lineKeyOf } from '../../core/line-seal';
import { type WorkLayout, workLayout } from '../../executor/work-layout';
import type { RemoteHost } from '../../host/remote-host';
import type { AttachEntry } from '../reattach/attach-journal';
import {
  attemptEnding,
  type AttemptLog,
  createAttemptLog,
  type SeedAttempts,
  settleAttemptsBetween,
  type SpotWindowPricing,
} from './attempt-log';
import {
  type AcquiredHost,
  type AcquireProgress,
  type AwsMachine,
  type ComputeBackend,
  launchedBefore,
  type LaunchedInstance,
  type RelaunchRequest,
} from './compute-backend';
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
 * A spot interruption is relaunched (see {@link relaunchAfter}).
 */
export function runPipeline(input: PipelineInput): Promise<PipelineResult> {
  return driveAttempts(input);
}

/**
 * The attempt a restarted desktop took over (resume-run.ts): its executor is followed again by
 * `follow`, then the run goes on exactly as one that never restarted: a spot interruption is
 * relaunched by the same rule, counting `earlier` (the run's recorded attempts) toward
 * `compute.spot.maxRelaunches` and its on-demand fallback.
 */
export interface ResumedAttempt {
  phases: PhaseRunner;
  state: FollowState;
  /** The run's attempts as its events recorded them; the last one is the followed attempt (still running). */
  earlier: RunAttempt[];
  /** The followed attempt's instance. */
  machine: AwsMachine;
  follow(): Promise<{ pushVerified: boolean }>;
  /** Bytes of train.log shown so far (where a relaunch's follow starts reading), kept current by `follow`. */
  trainShown(): number;
  /** The teardown of the followed attempt (by run tag, verified): the backend has not launched it. */
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
}

/** Follows a reattached attempt, then relaunches it like any run (see {@link ResumedAttempt}). */
export function resumeAttempts(input: PipelineInput, resumed: ResumedAttempt): Promise<PipelineResult> {
  return driveAttempts(input, resumed);
}

/**
 * A run a killed desktop left between two attempts (resume-between.ts): it had decided the relaunch
 * of attempt `pending` after an interruption, and its next machine entry never came. Nothing is
 * followed (AWS took the machine back); the run goes on from the decision, as one that never restarted.
 */
export interface BetweenAttempts {
  /** The run's attempts as its events recorded them: the interrupted one, ended or not (a kill may precede its row's end). */
  earlier: RunAttempt[];
  /** The interrupted attempt's instance (the attach journal's last machine). */
  interrupted: AwsMachine;
  /** The attempt the killed desktop was launching. */
  pending: number;
  /** The interrupted attempt's push verified (a killed desktop decided only then; one killed earlier: what S3 says). */
  pushVerified: boolean;
  /** Bytes of train.log the killed desktop had shown (the next attempt's log goes on from the pushed one). */
  trainShown: number;
  /** The verified teardown by run tag: the interrupted instance, and whatever the killed desktop's relaunch launched. */
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
  /** The instance the killed desktop's relaunch got from RunInstances (its journal's), once torn down; undefined: none. */
  abandoned(): Promise<LaunchedInstance | undefined>;
}

/** Goes on with the relaunch a killed desktop had decided (see {@link BetweenAttempts}). */
export function resumeBetweenAttempts(input: PipelineInput, between: BetweenAttempts): Promise<PipelineResult> {
  return driveAttempts(input, undefined, between);
}

/** What one run's attempts share, from one launch to the next. */
interface AttemptsRun {
  phases: PhaseRunner;
  state: FollowState;
  attempts: AttemptLog;
  /** Host keys seen at first sight (an unpinned ssh-host): a reattach pins them. */
  firstSight: string[];
  /** Bytes of train.log shown by earlier attempts. */
  trainShown: number;
  acquired?: AcquiredHost;
  /** Why a spot interruption was not followed by a relaunch: the run's reason says it too. */
  withheld?: string;
  /** The run's preflight ran in this process (its plan is the relaunch's). */
  preflighted: boolean;
  /** Tears the current machine down: the backend's, or a reattached attempt's until the first relaunch. */
  release(signal: AbortSignal): Promise<Record<string, unknown>>;
}

async function driveAttempts(
  input: PipelineInput,
  resumed?: ResumedAttempt,
  between?: BetweenAttempts,
): Promise<PipelineResult> {
  const phases = resumed?.phases ?? createPhaseRunner(input.emit);
  const now = input.now ?? Date.now;
  const seed = resumed
    ? seededAttempts(resumed)
    : between && { attempts: between.earlier, diskGb: between.interrupted.diskGb };
  const release = resumed?.release ?? between?.release;
  const run: AttemptsRun = {
    phases,
    // Host, status, the phase an unexpected error belongs to, and (once the executor runs) its rescue push.
    state: resumed?.state ?? { current: between ? 'tearing-down' : 'bootstrapping' },
    attempts: createAttemptLog(input.emit, now, input.spotHistory, seed),
    firstSight: [],
    trainShown: between?.trainShown ?? 0,
    preflighted: !resumed && !between,
    release: release ?? ((signal) => input.backend.release(signal)),
  };
  const result = await runToEnd(
    async () => {
      if (between) {
        const next = await relaunchBetween(input, run, between);
        if (next) await launchAttempts(input, run, next);
        return;
      }
      if (resumed) {
        const { pushVerified } = await resumed.follow();
        run.trainShown = resumed.trainShown();
        const ending = attemptEnding(run.state.status, input.signal.aborted);
        const next = await relaunchAfter(input, run, resumed.machine, { ending, pushVerified });
        if (next) await launchAttempts(input, run, next);
        return;
      }
      await phases.run(
        'preflight',
        () => input.backend.preflight(AbortSignal.any([input.signal, AbortSignal.timeout(60 * 60_000)])),
        (facts) => facts,
      );
      await launchAttempts(input, run);
    },
    {
      runId: input.runId,
      phases,
      state: run.state,
      emit: input.emit,
      signal: input.signal,
      observer: input.observer,
      release: (signal) => run.release(signal),
      // Nothing was created when preflight failed.
      needsTeardown: () =>
        resumed !== undefined ||
        between !== undefined ||
        run.acquired !== undefined ||
        phases.failure?.phase !== 'preflight',
    },
  );
  // The last attempt's instance is gone with the run's teardown (or the run ended without one).
  await run.attempts.ended(attemptEnd(attemptEnding(run.state.status, input.signal.aborted), result));
  return run.withheld && result.reason ? { ...result, reason: `${result.reason}; ${run.withheld}` } : result;
}

// The attempts a reattached run recorded, the followed one last and running (one from its machine when
// its events have none: a run started before attempts were recorded).
function seededAttempts({ earlier, machine }: ResumedAttempt): SeedAttempts {
  const running = earlier.at(-1);
  if (running && !running.end && running.instanceId === machine.instanceId) {
    return { attempts: earlier, diskGb: machine.diskGb };
  }
  const followed: RunAttempt = {
    attempt: earlier.length + 1,
    instanceId: machine.instanceId,
    instanceType: machine.instanceType,
    zone: machine.zone ?? '',
    market: machine.spot ? 'spot' : 'on-demand',
    startedAt: new Date(machine.launchedAt).toISOString(),
  };
  return { attempts: [...earlier, followed], diskGb: machine.diskGb };
}

/**
 * Launches attempt after attempt (the first, or the relaunch `next`): provision, connect, bootstrap,
 * follow the executor to its end, then relaunch when {@link relaunchAfter} says so.
 */
async function launchAttempts(input: PipelineInput, run: AttemptsRun, next?: RelaunchRequest): Promise<void> {
  const { phases, state, attempts } = run;
  const now = input.now ?? Date.now;
  for (let attempt = next?.attempt ?? 1; ; attempt++) {
    // Each launch has its own hour to set up (a relaunch may come hours into the run).
    const setup = AbortSignal.any([input.signal, AbortSignal.timeout(60 * 60_000)]);
    const startedAt = now();
    const machine = (run.acquired = await provisionAttempt(input, phases, setup, run.firstSight, attempts, next));
    // The market the capacity failover got (a spot relaunch may have fallen back on-demand).
    if (machine.aws) attempts.started(attempt, machine.aws, machine.aws.spot ? 'spot' : 'on-demand', startedAt);
    state.host = await phases.run(
      'connecting',
      () => machine.connector.connect(setup),
      () => ({ host: machine.connector.label }),
    );
    const started = await bootstrap(input, phases, machine, state.host, setup, run.firstSight, attempt);
    // A relaunch pulls the train.log the last attempt pushed, and the training appends to it: the
    // lines already shown are not shown again.
    const read = { train: run.trainShown };
    // A relaunched run's budget and cost so far count what the earlier attempts cost.
    const earlier = earlierAttemptsCost(attempts.list());
    const follow = {
      ...followInput(input, machine, started, read),
      ...(earlier ? { earlierAttempts: earlier } : {}),
    };
    const { pushVerified } = await followToEnd(follow, phases, state);
    run.trainShown = read.train;
    if (!machine.aws) return;
    const ending = attemptEnding(state.status, input.signal.aborted);
    next = await relaunchAfter(input, run, machine.aws, { ending, pushVerified });
    if (!next) return;
  }
}

/**
 * The one home of the relaunch after an attempt's executor ended (a fresh run's, a reattached one's, and
 * one a killed desktop left between attempts): decide ({@link decideRelaunch}), say why not, or journal
 * the decision (a kill from here on leaves a run between attempts), tear the machine down (unless
 * `tornDown`: already done, verified) and prepare the next launch (a restarted desktop first plans it
 * afresh: its preflight). The next launch, or none.
 */
async function relaunchAfter(
  input: PipelineInput,
  run: AttemptsRun,
  machine: AwsMachine,
  ended: { ending: AttemptEnding; pushVerified: boolean; tornDown?: boolean },
): Promise<(RelaunchRequest & { first?: PlacementCandidate }) | undefined> {
  const relaunch = input.backend.relaunch;
  if (!relaunch) return undefined;
  const attempts = run.attempts.list();
  const decision = decideRelaunch({
    ending: ended.ending,
    pushVerified: ended.pushVerified,
    cancelled: input.signal.aborted,
    // A launch that never trained (one a killed desktop left half-done) numbers the next, and uses no relaunch.
    markets: attempts.filter((a) => a.end !== 'launch-failed').map((a) => a.market),
    launched: attempts.length,
    maxRelaunches: relaunch.maxRelaunches,
    fallbackOnDemand: relaunch.fallbackOnDemand,
  });
  if (!decision.relaunch) {
    if (decision.why) {
      run.withheld = decision.why;
      input.emit({ type: 'log', source: 'info', line: `not relaunched: ${decision.why}` });
    }
    return undefined;
  }
  const next = {
    attempt: decision.attempt,
    market: decision.market,
    ...(machine.zone ? { interruptedZone: machine.zone } : {}),
    reason: decision.why,
  };
  input.onAttach?.({ type: 'relaunch', attempt: next.attempt, market: next.market, reason: next.reason });
  if (ended.tornDown) return (await readyForRelaunch(input, run, next)) ? next : undefined;
  return (await tearDownForRelaunch(input, run, next)) ? next : undefined;
}

/**
 * A run a killed desktop left between attempts: first the verified teardown by run tag (the interrupted
 * instance may be half torn down; a relaunch the killed desktop had launched is terminated: one
 * instance at a time), then each attempt's row true (the interrupted one ended, an abandoned launch
 * billed in its own row), then the relaunch decided again by the one rule, attempts counted.
 */
async function relaunchBetween(
  input: PipelineInput,
  run: AttemptsRun,
  between: BetweenAttempts,
): Promise<(RelaunchRequest & { first?: PlacementCandidate }) | undefined> {
  const { phases, attempts } = run;
  input.emit({
    type: 'log',
    source: 'info',
    line: `reattached between two attempts: ${between.interrupted.instanceId} was interrupted and attempt ${between.pending} was not running yet; whatever is left of the run is torn down (verified), then the relaunch goes on`,
  });
  await phases
    .run(
      'tearing-down',
      () => run.release(AbortSignal.timeout(RELAUNCH_TEARDOWN_LIMIT_MS)),
      (facts) => ({ ...facts, afterRestart: true }),
    )
    .catch(async (error: unknown) => {
      // Not verified: nothing is launched (the run's own teardown tries again), and the interrupted attempt
      // still ended by its interruption, as a fresh run's does; anything else may still run, so stays open.
      if ((attempts.current()?.attempt ?? between.pending) < between.pending) await attempts.ended('interrupted');
      throw error;
    });
  await settleAttemptsBetween(attempts, between.pending, between.abandoned);
  const next = await relaunchAfter(input, run, between.interrupted, {
    ending: 'interrupted',
    pushVerified: between.pushVerified,
    tornDown: true,
  });
  // Not relaunched after all (a stop): the run ends as its interrupted attempt did, never "succeeded".
  if (!next && !input.signal.aborted) {
    phases.fail('training', `spot interruption of ${between.interrupted.instanceId}`);
  }
  return next;
}

// A relaunch's provisioning that fails is an attempt of its own ("launch failed"), then the run's failure; one the
// user stopped (Stop, a kill-all) ended "stopped", as the run did. An instance it launched before is its row's.
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
        launchedBefore(error),
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
  run: AttemptsRun,
  next: RelaunchRequest & { first?: PlacementCandidate },
): Promise<boolean> {
  const { phases, state, attempts } = run;
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
      () => run.release(AbortSignal.timeout(RELAUNCH_TEARDOWN_LIMIT_MS)),
      (facts) => ({ ...facts, relaunch: next.attempt }),
    )
    .finally(() => attempts.ended('interrupted'));
  return readyForRelaunch(input, run, next);
}

/**
 * The interrupted machine is gone (verified): unless the run was stopped meanwhile, plan the relaunch
 * (afresh after a restart: its preflight) and make the backend's next acquire launch it. True when it goes ahead.
 */
async function readyForRelaunch(
  input: PipelineInput,
  run: AttemptsRun,
  next: RelaunchRequest & { first?: PlacementCandidate },
): Promise<boolean> {
  const { phases, state } = run;
  if (input.signal.aborted) {
    input.emit({
      type: 'log',
      source: 'info',
      line: 'stopped during the relaunch: the interrupted instance is torn down and nothing new is launched',
    });
    return false;
  }
  // The interrupted attempt's failure (its training phase) is not the run's.
  phases.forgetFailure();
  // A restarted desktop plans the relaunch afresh (quotas, images and subnets as they are now).
  if (!run.preflighted) {
    state.current = 'preflight';
    await phases.run(
      'preflight',
      () => input.backend.preflight(AbortSignal.any([input.signal, AbortSignal.timeout(60 * 60_000)])),
      (facts) => facts,
    );
    run.preflighted = true;
    state.current = 'bootstrapping';
  }
  const first = await input.backend.relaunch!.prepare(next);
  if (first) next.first = first;
  // From here on the backend launched the machine and tears it down.
  run.release = (signal) => input.backend.release(signal);
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
