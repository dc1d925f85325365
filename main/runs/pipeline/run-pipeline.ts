import type { RunOutcome, RunPhase } from '../../../shared/domain/run';
import type {
  ExecutorEvent,
  ExecutorPhase,
  ExecutorSecrets,
  ExecutorSpec,
  ExecutorStatus,
} from '../../../shared/executor/protocol';
import { sleep } from '../../core/abort';
import { workLayout } from '../../executor/work-layout';
import type { ObjectStore } from '../../sync/object-store';
import type { AcquiredHost, ComputeBackend } from './compute-backend';
import { followExecutor, type ReconnectPolicy } from './follow-executor';
import { createPhaseRunner, PhaseFailure, type RunEventBody } from './phase-tracker';
import type { RemoteHost } from './remote-host';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { RunObserver } from './run-observer';
import { startExecutor, type Upload } from './start-executor';
import type { Waker } from './waker';
import { parseSyncReport } from './sync-report';
import { FINAL_STATUS_WAIT_MS, pushAgain, readFinalStatus, verifySync } from './verify-sync';

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
}

/** How the run ended. */
export interface PipelineResult {
  outcome: RunOutcome;
  reason?: string;
  exitCode?: number | null;
  status?: ExecutorStatus;
}

// How long a machine whose data could not be verified in S3 stays up for a rescue (cancel ends it sooner).
const DEFAULT_KEEP_MS = 30 * 60_000;

const EXECUTOR_TO_RUN: Partial<Record<ExecutorPhase, RunPhase>> = {
  checkout: 'checkout',
  pulling: 'pulling',
  verifying: 'verifying',
  training: 'training',
  pushing: 'pushing',
};

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
  let host: RemoteHost | undefined;
  let status: ExecutorStatus | undefined;
  // The phase an unexpected error belongs to (the executor's current one once it runs).
  let current: RunPhase = 'bootstrapping';
  // Once the executor runs, this pushes its data even if it dies before its own push.
  let rescuePush: (() => Promise<unknown>) | undefined;
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
          (fingerprint) => input.emit({ type: 'host-key', fingerprint, firstSight: true }),
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
    host = await phases.run(
      'connecting',
      () => machine.connector.connect(setup),
      () => ({ host: machine.connector.label }),
    );
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
    const live = host;
    const { pid } = await phases.run(
      'bootstrapping',
      () =>
        startExecutor(live, {
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
    rescuePush = async () => {
      const fresh = await machine.connector.connect(AbortSignal.timeout(3 * 60_000));
      try {
        return await pushAgain(fresh, layout, secrets, AbortSignal.timeout(60 * 60_000));
      } finally {
        await fresh.close();
      }
    };
    const deadline = now() + (machine.ttlSeconds + spec.training.graceSeconds) * 1000 + 75 * 60_000;
    host = await followExecutor(
      {
        layout,
        connector: machine.connector,
        host,
        pid,
        pollMs: input.pollMs ?? 1000,
        deadline,
        now,
        signal: input.signal,
        onCancel: (h) => h.exec(`kill -TERM ${pid}`, { timeoutMs: 30_000 }).then(() => undefined),
        ...(input.reconnect ? { reconnect: input.reconnect } : {}),
        ...(input.waker ? { waker: input.waker } : {}),
      },
      {
        onExecutorEvent: (event) => {
          if (event.status === 'started' && EXECUTOR_TO_RUN[event.phase]) current = EXECUTOR_TO_RUN[event.phase]!;
          if (event.phase === 'training' && event.status === 'started' && host)
            input.observer?.trainingStarted(
              input.runId,
              host,
              {
                dataDir: layout.dataDir,
                trainLog: layout.trainLog,
                metricsJsonl: layout.metricsFile,
                executorJsonl: layout.eventsFile,
              },
              {
                ...(machine.aws ? { aws: machine.aws } : {}),
                ...(input.monitoring ? { monitoring: input.monitoring } : {}),
              },
            );
          forwardExecutorEvent(event, input.emit, phases.fail);
        },
        onTrainLine: (line) => input.emit({ type: 'log', source: 'train', line }),
        onInfo: info,
        onReconnect: (fresh) => {
          host = fresh;
          input.observer?.reconnected(input.runId, fresh);
        },
      },
    );
    const statusHost = host;
    status = await readFinalStatus(statusHost, layout, pid, AbortSignal.timeout(FINAL_STATUS_WAIT_MS));
    if (!status) throw new PhaseFailure('pushing', 'the executor ended without writing status.json');
    const finalStatus = status;
    const verification = await phases
      .run(
        'verifying-sync',
        async () => {
          const result = await verifySync({
            host: () => statusHost,
            layout,
            store: input.store,
            status: finalStatus,
            storage: spec.storage,
            secrets,
            maxRePushes: input.maxRePushes ?? 2,
            signal: AbortSignal.timeout(2 * 60 * 60_000),
            onInfo: info,
          });
          input.emit({ type: 'sync-verified', direction: 'push', folders: result.folders });
          if (!result.verified)
            throw new Error(
              `S3 still differs from the final manifest after ${result.rePushes} re-push(es): ${result.mismatches.length} object(s), first ${result.mismatches[0]!.key} (${result.mismatches[0]!.problem})`,
            );
          return result;
        },
        (r) => ({ checked: r.checked, files: r.checked, rePushes: r.rePushes }),
      )
      .catch(() => undefined);
    const keepMs = input.keepOnVerifyFailureMs ?? DEFAULT_KEEP_MS;
    if (!verification && keepMs > 0) {
      info(
        `keeping the machine for ${Math.round(keepMs / 60_000)} min so the data can be rescued (its time-to-live still applies)`,
      );
      // A cancel ends the wait early (and leaves no listener behind on the run's signal).
      await sleep(keepMs, input.signal).catch(() => undefined);
    }
  } catch (error) {
    if (!(error instanceof PhaseFailure)) phases.fail(current, error instanceof Error ? error.message : String(error));
    if (rescuePush && !status) {
      info('the executor did not finish: pushing what exists before teardown');
      await phases
        .run('pushing', rescuePush, (r) => ({ files: (r as { manifest: unknown[] }).manifest.length, rescue: true }))
        .catch(() => undefined);
    }
  } finally {
    await Promise.resolve(input.observer?.ended(input.runId)).catch(() => undefined);
    await host?.close().catch(() => undefined);
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
  return resultOf(status, phases.failure, input.signal.aborted);
}

function forwardExecutorEvent(
  event: ExecutorEvent,
  emit: PipelineInput['emit'],
  fail: (phase: RunPhase, reason: string, fix?: string, detail?: Record<string, unknown>) => void,
): void {
  // Sync figures come already throttled by the executor (about one line a second while moving data).
  const sync = event.sync === undefined ? undefined : parseSyncReport(event.sync);
  if (sync) emit(sync);
  const phase = EXECUTOR_TO_RUN[event.phase];
  if (event.status === 'info' || !phase) {
    if (event.reason) emit({ type: 'log', source: 'info', line: `${event.phase}: ${event.reason}` });
    return;
  }
  if (event.status === 'started') emit({ type: 'phase', phase, status: 'running' });
  else if (event.status === 'succeeded')
    emit({ type: 'phase', phase, status: 'succeeded', ...(event.detail ? { detail: event.detail } : {}) });
  else fail(phase, event.reason ?? `${phase} failed`, event.fix, event.detail);
}

function resultOf(
  status: ExecutorStatus | undefined,
  failure: PhaseFailure | undefined,
  cancelled: boolean,
): PipelineResult {
  const exit = status && status.exitCode !== undefined ? { exitCode: status.exitCode } : {};
  if (cancelled || status?.outcome === 'cancelled')
    return { outcome: 'cancelled', reason: 'stopped by request; data pushed', ...exit, ...(status ? { status } : {}) };
  if (failure)
    return {
      outcome: 'failed',
      reason: `${failure.phase}: ${failure.message}`,
      ...exit,
      ...(status ? { status } : {}),
    };
  return { outcome: 'succeeded', ...exit, ...(status ? { status } : {}) };
}
