import type { RunPhase } from '../../../shared/domain/run';
import type {
  ExecutorEvent,
  ExecutorPhase,
  ExecutorSecrets,
  ExecutorSpec,
  ExecutorStatus,
} from '../../../shared/executor/protocol';
import type { EarlierAttemptsCost } from '../../../shared/monitor/cost';
import { readMachineWebhookLine } from '../../../shared/notify/machine-webhook';
import type { MonitoringConfig } from '../../../shared/run-config/monitoring-section';
import type { ObjectStore } from '../../aws/ports/object-store';
import { sleep } from '../../core/abort';
import { lineSealed } from '../../core/line-seal';
import type { WorkLayout } from '../../executor/work-layout';
import type { HostConnector, RemoteHost } from '../../host/remote-host';
import type { AwsMachine } from './compute-backend';
import type { ExecutorIdentity } from './executor-identity';
import { followExecutor, type FollowOffsets, type ReconnectPolicy } from './follow-executor';
import { PhaseFailure, type PhaseRunner, type RunEventBody } from './phase-tracker';
import { newestCheckpoint, pushNowOnMachine, type RunControls } from './push-now';
import type { RunObserver, RunStopGuard } from './run-observer';
import { parseSyncReport } from './sync-report';
import { FINAL_STATUS_WAIT_MS, pushAgain, readFinalStatus, verifySync } from './verify-sync';
import type { Waker } from './waker';

// How long a machine whose data could not be verified in S3 stays up for a rescue (cancel ends it sooner).
const DEFAULT_KEEP_MS = 30 * 60_000;

const EXECUTOR_TO_RUN: Partial<Record<ExecutorPhase, RunPhase>> = {
  checkout: 'checkout',
  pulling: 'pulling',
  verifying: 'verifying',
  training: 'training',
  pushing: 'pushing',
};

/** Everything following a started executor to its end needs: a fresh run's or a reattach's. */
export interface FollowToEndInput {
  runId: string;
  layout: WorkLayout;
  connector: HostConnector;
  pid: number;
  /** The Node and executor recorded at start; a re-push runs only those (undefined: it refuses). */
  identity: ExecutorIdentity | undefined;
  /** Epoch ms after which the follow gives up (time-to-live + grace + push). */
  deadline: number;
  secrets: ExecutorSecrets;
  storage: ExecutorSpec['storage'];
  /** The desktop's own view of S3, for the sync verification. */
  store: ObjectStore;
  emit(event: RunEventBody): void;
  signal: AbortSignal;
  now: () => number;
  pollMs?: number;
  maxRePushes?: number;
  keepOnVerifyFailureMs?: number;
  observer?: RunObserver;
  monitoring?: MonitoringConfig;
  /** What the monitor may stop the run for, handed to the observer. */
  guard?: RunStopGuard;
  /** What a relaunched run's earlier attempts cost, handed to the observer (the budget counts them). */
  earlierAttempts?: EarlierAttemptsCost;
  aws?: AwsMachine;
  reconnect?: ReconnectPolicy;
  waker?: Waker;
  /** Where a reattach resumes reading the executor's files. */
  start?: FollowOffsets;
  /** How far the follow has read (journaled for a later reattach). */
  onOffsets?(offsets: FollowOffsets): void;
  /**
   * The executor was already training when the follow started (a reattach from offsets past its
   * `training started` line): the observer is told at once, not on a line that will not come again.
   */
  training?: boolean;
  /** Filled while the executor is followed: what the user may ask of the run meanwhile (push now). */
  controls?: RunControls;
  /** The key this attempt's executor seals its word on its own webhook post with (main/core/line-seal.ts). */
  lineKey: string;
}

/** What the caller's error handling and teardown need, kept current while following. */
export interface FollowState {
  host?: RemoteHost;
  status?: ExecutorStatus;
  /** The phase an unexpected error belongs to (the executor's current one once it runs). */
  current: RunPhase;
  /** Pushes the executor's data if it dies before its own push. */
  rescuePush?: () => Promise<unknown>;
}

/**
 * Follows the executor until its `done` line (reconnecting as long as it takes), reads its
 * status, verifies the push against S3 (re-pushing at most twice) and, when that fails, keeps
 * the machine for a rescue. Throws on failure; the caller fails the phase, rescue-pushes and
 * tears down.
 */
export async function followToEnd(
  input: FollowToEndInput,
  phases: PhaseRunner,
  state: FollowState,
): Promise<{ pushVerified: boolean }> {
  const { layout, secrets } = input;
  const info = (line: string) => input.emit({ type: 'log', source: 'info', line });
  state.rescuePush = async () => {
    const fresh = await input.connector.connect(AbortSignal.timeout(3 * 60_000));
    try {
      return await pushAgain(fresh, layout, secrets, input.identity, AbortSignal.timeout(60 * 60_000));
    } finally {
      await fresh.close();
    }
  };
  state.host ??= await input.connector.connect(AbortSignal.timeout(5 * 60_000));
  const trainingStarted = (host: RemoteHost) =>
    input.observer?.trainingStarted(
      input.runId,
      host,
      {
        dataDir: layout.dataDir,
        trainLog: layout.trainLog,
        metricsJsonl: layout.metricsFile,
        executorJsonl: layout.eventsFile,
        liveBar: layout.liveBarFile,
        pushDirs: layout.pushDirs,
      },
      {
        ...(input.aws ? { aws: input.aws } : {}),
        ...(input.monitoring ? { monitoring: input.monitoring } : {}),
        ...(input.guard ? { guard: input.guard } : {}),
        ...(input.earlierAttempts ? { earlierAttempts: input.earlierAttempts } : {}),
      },
    );
  if (input.training) trainingStarted(state.host);
  if (input.controls) {
    // Over the connection the follow holds now (reconnects replace it), beside the training.
    input.controls.pushNow = (folders, signal) =>
      pushNowOnMachine(state.host ?? fail('not connected to the machine'), input, folders, signal);
    input.controls.newestCheckpoint = (signal) => newestCheckpoint(input.store, input.storage, signal);
  }
  try {
    state.host = await followExecutor(
      {
        layout,
        connector: input.connector,
        host: state.host,
        pid: input.pid,
        pollMs: input.pollMs ?? 1000,
        deadline: input.deadline,
        now: input.now,
        signal: input.signal,
        onCancel: (h) => h.exec(`kill -TERM ${input.pid}`, { timeoutMs: 30_000 }).then(() => undefined),
        ...(input.reconnect ? { reconnect: input.reconnect } : {}),
        ...(input.waker ? { waker: input.waker } : {}),
        ...(input.start ? { start: input.start } : {}),
        ...(input.onOffsets ? { onOffsets: input.onOffsets } : {}),
      },
      {
        onExecutorEvent: (event) => {
          if (event.status === 'started' && EXECUTOR_TO_RUN[event.phase]) state.current = EXECUTOR_TO_RUN[event.phase]!;
          if (event.phase === 'training' && event.status === 'started' && state.host) trainingStarted(state.host);
          forwardExecutorEvent(believable(event, input), input.emit, phases.fail);
        },
        onTrainLine: (line) => input.emit({ type: 'log', source: 'train', line }),
        onInfo: info,
        onReconnect: (fresh) => {
          state.host = fresh;
          input.observer?.reconnected(input.runId, fresh);
        },
      },
    );
  } finally {
    // The training is over (or the follow failed): the executor's own final push runs or ran.
    delete input.controls?.pushNow;
    delete input.controls?.newestCheckpoint;
  }
  const statusHost = state.host;
  const status = await readFinalStatus(statusHost, layout, input.pid, AbortSignal.timeout(FINAL_STATUS_WAIT_MS));
  if (!status) throw new PhaseFailure('pushing', 'the executor ended without writing status.json');
  state.status = status;
  const verification = await phases
    .run(
      'verifying-sync',
      async () => {
        const result = await verifySync({
          host: () => statusHost,
          layout,
          store: input.store,
          status,
          storage: input.storage,
          secrets,
          identity: input.identity,
          maxRePushes: input.maxRePushes ?? 2,
          signal: AbortSignal.timeout(2 * 60 * 60_000),
          onInfo: info,
        });
        input.emit({ type: 'sync-verified', direction: 'push', folders: result.folders });
        if (!result.verified) {
          throw new Error(
            `S3 still differs from the final manifest after ${result.rePushes} re-push(es): ${result.mismatches.length} object(s), first ${result.mismatches[0]!.key} (${result.mismatches[0]!.problem})`,
          );
        }
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
  return { pushVerified: verification !== undefined };
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * The executor's word on its own webhook post silences the desktop's copy of the run's end, and the
 * training code can write executor.jsonl too: such a line counts only with the executor's seal.
 * Any other is said as ignored, in words that do not read as the machine's word.
 */
function believable(event: ExecutorEvent, input: Pick<FollowToEndInput, 'runId' | 'lineKey'>): ExecutorEvent {
  if (!event.reason || !readMachineWebhookLine(`${event.phase}: ${event.reason}`)) return event;
  if (event.phase === 'done' && lineSealed(input.lineKey, input.runId, event, event.seal)) return event;
  return { seq: event.seq, at: event.at, phase: 'done', status: 'info', reason: UNSEALED_WEBHOOK_LINE };
}

/** What the run says of a line about the machine's webhook post that its executor did not seal. */
export const UNSEALED_WEBHOOK_LINE =
  "ignored a line of executor.jsonl about the machine's webhook post that its executor did not seal (the training may have written it); the desktop posts the run's end itself";

function forwardExecutorEvent(
  event: ExecutorEvent,
  emit: FollowToEndInput['emit'],
  fail: (phase: RunPhase, reason: string, fix?: string, detail?: Record<string, unknown>, at?: string) => void,
): void {
  // Sync figures come already throttled by the executor (about one line a second while moving data).
  const sync = event.sync === undefined ? undefined : parseSyncReport(event.sync);
  if (sync) emit(sync);
  const phase = EXECUTOR_TO_RUN[event.phase];
  if (event.status === 'info' || !phase) {
    if (event.reason) emit({ type: 'log', source: 'info', line: `${event.phase}: ${event.reason}` });
    return;
  }
  // Each phase line keeps the time the executor wrote it (a poll reads several at once).
  const at = event.at;
  if (event.status === 'started') emit({ type: 'phase', phase, status: 'running', at });
  else if (event.status === 'succeeded') {
    emit({ type: 'phase', phase, status: 'succeeded', at, ...(event.detail ? { detail: event.detail } : {}) });
  } else fail(phase, event.reason ?? `${phase} failed`, event.fix, event.detail, at);
}
