import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

import type { ExecutorPhase, ExecutorSecrets, ExecutorSpec, ExecutorStatus } from '../../shared/executor/protocol';
import { imdsBaseOf } from '../../shared/monitor/spot-notice';
import { machineNotDeliveredReason, machineNotifiedReason } from '../../shared/notify/machine-webhook';
import type { WebhookTarget } from '../../shared/notify/webhook';
import { sealLine } from '../core/line-seal';
import { postWebhook } from '../core/webhook-post';
import { writeFileAtomic } from '../core/write-file-atomic';
import { checkout } from './checkout';
import { checkDiskSpace, openRunStorage, pull, push, pushLogs, withLogs } from './data-sync';
import { trainingEndMessage } from './end-message';
import { EventLog } from './event-log';
import { PhaseError, reasonOf } from './phase-error';
import { powerOff } from './power-off';
import { stopPushNow } from './push-now';
import { resumeEnv } from './resume-checkpoint';
import { SecretRedactor } from './secret-redactor';
import { createRamFolder } from './secrets';
import { watchSpotInterruption } from './spot-watch';
import {
  assertTrainingEnvClean,
  dropDeployKey,
  splitSecrets,
  withheldFromTraining,
  withoutAwsCredentials,
} from './step-secrets';
import { syncReporter } from './sync-reporter';
import { startTraining, type Training, type TrainingExit } from './train';
import { verifyDatasets } from './verify-data';
import { type WorkLayout, workLayout } from './work-layout';

/** Inputs of one executor run. */
export interface ExecutorRun {
  workDir: string;
  spec: ExecutorSpec;
  secrets: ExecutorSecrets;
  onInstance: boolean;
  /** Stop requests (SIGTERM from the desktop's cancel); the TTL is armed here. */
  stopSignal: AbortSignal;
  now?: () => number;
  /** IMDS address to watch for spot notices off-instance (tests); on an instance it is watched by default. */
  imdsBase?: string;
}

const PUSH_LIMIT_MS = 60 * 60_000;
/** The last push after `done` moves a few small log files. */
const FINAL_LOGS_PUSH_LIMIT_MS = 5 * 60_000;

const STOP_REASONS = {
  'ttl-expired': 'time-to-live reached',
  cancelled: 'stopped by request',
  'spot-interrupted': 'spot interruption notice',
} as const;

/**
 * checkout → pull → verify → train, then push whatever happened (failure, cancel, TTL), write
 * status.json, and power off if asked. Every phase is one `started` and one `succeeded` or
 * `failed` line in executor.jsonl.
 */
export async function runExecutor(run: ExecutorRun): Promise<ExecutorStatus> {
  const { spec, secrets, workDir } = run;
  const layout = workLayout(workDir, spec);
  await mkdir(layout.logsDir, { recursive: true });
  const log = new EventLog(layout.eventsFile, run.now);
  let training: Training | undefined;
  const stops = armStops(run, log, () => training);
  const stop = stops.controller;

  let failure: { phase: ExecutorPhase; reason: string } | undefined;
  const phase = async <T>(
    name: ExecutorPhase,
    work: () => Promise<T>,
    describe: (value: T) => Record<string, unknown> = () => ({}),
  ): Promise<T> => {
    log.write(name, 'started');
    try {
      // A stop skips the phases still to come, except the push, which always runs.
      if (name !== 'pushing') stop.signal.throwIfAborted();
      const value = await work();
      log.write(name, 'succeeded', { detail: describe(value) });
      return value;
    } catch (error) {
      const why = reasonOf(error);
      failure ??= { phase: name, reason: why.reason };
      log.write(name, 'failed', why);
      throw error;
    }
  };

  // Each step gets only its own secrets; the training's environment is built (and checked against
  // every other secret, the deploy key included) before the checkout drops the deploy key.
  const steps = splitSecrets(secrets);
  const env = trainingEnv(spec, layout, steps.training);
  const ram = createRamFolder(spec.runId, workDir);
  const storage = openRunStorage(spec, steps.storage, layout.dataDir);
  // Per-folder figures as `info` lines in sync.jsonl, throttled (the desktop follows and journals them).
  const syncLog = new EventLog(layout.syncFile, run.now);
  const figures = (direction: 'pull' | 'push') =>
    syncReporter(
      direction,
      spec.storage.folders,
      (sync) => syncLog.write(direction === 'pull' ? 'pulling' : 'pushing', 'info', { sync }),
      run.now ? { now: run.now } : {},
    );
  let facts: { exitCode: number | null; signal: NodeJS.Signals | null } | undefined;
  try {
    await phase(
      'checkout',
      () => {
        assertTrainingEnvClean(env, withheldFromTraining(steps));
        return checkout({
          spec,
          workDir,
          repoDir: layout.repoDir,
          ramDir: ram.dir,
          signal: stop.signal,
          ...(steps.checkout.deployKey ? { deployKey: steps.checkout.deployKey } : {}),
        });
      },
      (r) => r,
    ).finally(() => {
      // The deploy key is needed by the clone only: its RAM file goes, its bytes are zeroed.
      ram.remove();
      dropDeployKey(steps);
    });
    await phase(
      'pulling',
      async () => ({
        ...(await checkDiskSpace(storage, spec.diskReserveBytes, stop.signal)),
        ...(await pull(storage, stop.signal, figures('pull'))),
      }),
      (r) => r,
    );
    await phase(
      'verifying',
      () =>
        verifyDatasets(storage, stop.signal, (folders) =>
          syncLog.write('verifying', 'info', { sync: { type: 'sync-verified', direction: 'pull', folders } }),
        ),
      (r) => ({ ...r }),
    );
    facts = await phase(
      'training',
      async () => {
        const startedAt = (run.now ?? Date.now)();
        // After the pull: a relaunch resumes from the newest checkpoint it brought back.
        const resume = await resumeEnv(spec.attempt ?? 1, env.TRAINDECK_CHECKPOINTS_DIR!);
        if ((spec.attempt ?? 1) > 1) {
          const from = resume.TRAINDECK_RESUME_FROM;
          log.write('training', 'info', {
            reason: `attempt ${spec.attempt}: ${from ? `TRAINDECK_RESUME_FROM=${from}` : 'no checkpoint was pulled, so TRAINDECK_RESUME_FROM is not set'}`,
          });
        }
        training = startTraining(spec.training.command, {
          cwd: layout.repoDir,
          env: { ...env, ...resume },
          redactor: new SecretRedactor(steps.training),
          logFile: layout.trainLog,
          liveBarFile: layout.liveBarFile,
          ...(run.now ? { now: run.now } : {}),
        });
        log.write('training', 'info', { detail: { pid: training.pid } });
        const ended = await training.exited;
        const outcome = { exitCode: ended.code, signal: ended.signal, durationMs: (run.now ?? Date.now)() - startedAt };
        const stopReason = stops.reason();
        if (stopReason) {
          throw new PhaseError(`${STOP_REASONS[stopReason]}; training ${describeExit(ended)}`, undefined, {
            ...outcome,
            cancelled: stopReason === 'cancelled',
          });
        }
        if (ended.code !== 0) {
          throw new PhaseError(
            `training ${describeExit(ended)}`,
            ended.signal === 'SIGKILL'
              ? 'Killed by SIGKILL: often the out-of-memory killer; check memory use.'
              : `See ${relative(layout.dataDir, layout.trainLog)}.`,
            outcome,
          );
        }
        return outcome;
      },
      (r) => r,
    );
  } catch {
    // Recorded by phase(); whatever failed, the push below still runs.
  } finally {
    ram.remove();
  }
  const exit: TrainingExit | undefined = facts
    ? { code: facts.exitCode, signal: facts.signal }
    : training
      ? await training.exited
      : undefined;
  stops.disarm();

  let pushed: Awaited<ReturnType<typeof push>> | undefined;
  try {
    pushed = await phase(
      'pushing',
      () => finalPush(layout, log, () => push(storage, AbortSignal.timeout(PUSH_LIMIT_MS), figures('push'))),
      (r) => ({ files: r.manifest.length, failures: r.failures }),
    );
  } catch {
    // Recorded; status.json says pushed: false and the desktop's verification will say what is missing.
  }
  return finish(run, layout, storage, log, {
    stopReason: stops.reason(),
    failure,
    exit,
    pushed,
    ...(steps.notify.webhook ? { webhook: steps.notify.webhook } : {}),
    ...(steps.notify.lineKey ? { lineKey: steps.notify.lineKey } : {}),
  });
}

/**
 * The push after training: a push the user asked for during training gives way (stopped, then
 * killed if it lingers); one that started in between holds the sync lock for a moment, so a
 * locked start is tried again, a bounded number of times.
 */
async function finalPush<T>(layout: WorkLayout, log: EventLog, push: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const pushNow = await stopPushNow(layout);
    if (pushNow !== 'none') {
      log.write('pushing', 'info', { reason: `the push asked for during training was ${pushNow}` });
    }
    try {
      return await push();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SYNC_LOCKED' || attempt >= 3) throw error;
    }
  }
}

function describeExit(exit: TrainingExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * The training's environment: the executor's own without AWS credentials, the config's env, the
 * secret env, and the data folders, so a training script finds them without configuration (logs:
 * the run's own).
 */
function trainingEnv(spec: ExecutorSpec, layout: WorkLayout, secretEnv: Record<string, string>): NodeJS.ProcessEnv {
  const folder = (name: string) => join(layout.dataDir, layout.folders.find((f) => f.name === name)?.local ?? name);
  return {
    ...withoutAwsCredentials(process.env),
    ...spec.training.env,
    ...secretEnv,
    TRAINDECK_RUN_ID: spec.runId,
    TRAINDECK_DATA_DIR: layout.dataDir,
    TRAINDECK_DATASETS_DIR: folder('cached_datasets'),
    TRAINDECK_MODELS_DIR: folder('models'),
    TRAINDECK_CHECKPOINTS_DIR: folder('checkpoints'),
    TRAINDECK_LOGS_DIR: layout.logsDir,
  };
}

type StopReason = keyof typeof STOP_REASONS;

/**
 * What stops the training early: the TTL, a spot interruption notice (on an instance, or with a
 * test IMDS) and the desktop's cancel. The first one wins; it is logged, aborts the phases still
 * to come and stops the training (a spot notice leaves two minutes: at most 30 s of grace).
 */
function armStops(run: ExecutorRun, log: EventLog, training: () => Training | undefined) {
  const { spec } = run;
  const controller = new AbortController();
  let stopReason: StopReason | undefined;
  const requestStop = (reason: StopReason) => {
    if (stopReason) return;
    stopReason = reason;
    log.write('training', 'info', { reason: STOP_REASONS[reason] });
    controller.abort(new PhaseError(STOP_REASONS[reason]));
    void training()?.stop(
      reason === 'spot-interrupted' ? Math.min(spec.training.graceSeconds, 30) : spec.training.graceSeconds,
    );
  };
  const ttl = setTimeout(() => requestStop('ttl-expired'), spec.ttlSeconds * 1000);
  // A spot reclaim leaves about two minutes: stop at once and push (the outcome says why).
  const spotWatch = new AbortController();
  if (run.onInstance || run.imdsBase) {
    void watchSpotInterruption({
      signal: spotWatch.signal,
      // On an instance: where the SDK finds IMDS too (AWS_EC2_METADATA_SERVICE_ENDPOINT, else EC2's address).
      ...(run.imdsBase ? { imdsBase: run.imdsBase, intervalMs: 100 } : { imdsBase: imdsBaseOf(process.env) }),
      onInterruption: (notice) => {
        log.write('training', 'info', {
          reason: `spot interruption notice (${JSON.stringify(notice)}): stopping and pushing now`,
        });
        requestStop('spot-interrupted');
      },
    });
  }
  run.stopSignal.addEventListener('abort', () => requestStop('cancelled'), { once: true });
  return {
    controller,
    reason: () => stopReason,
    /** Training is over: no TTL or spot notice stops anything any more. */
    disarm() {
      clearTimeout(ttl);
      spotWatch.abort();
    },
  };
}

/** How the executor's work ended, for status.json. */
interface Ending {
  stopReason: StopReason | undefined;
  failure: { phase: ExecutorPhase; reason: string } | undefined;
  exit: TrainingExit | undefined;
  pushed: Awaited<ReturnType<typeof push>> | undefined;
  /** Posted "finished/failed" from the machine itself, so a closed laptop still hears. */
  webhook?: WebhookTarget;
  /** Seals the line saying how that post went: the desktop believes only a sealed one. */
  lineKey?: string;
}

/**
 * status.json and the `done` line: the outcome, the final logs push (so the S3 copy of the logs
 * ends with `done`), status.json with the logs as they now are in S3, then the power-off if asked.
 */
async function finish(
  run: ExecutorRun,
  layout: WorkLayout,
  storage: ReturnType<typeof openRunStorage>,
  log: EventLog,
  ending: Ending,
): Promise<ExecutorStatus> {
  const status: ExecutorStatus = {
    runId: run.spec.runId,
    outcome: ending.stopReason ?? (ending.failure ? 'failed' : 'succeeded'),
    ...(ending.failure ? { failedPhase: ending.failure.phase, reason: ending.failure.reason } : {}),
    ...(ending.exit ? { exitCode: ending.exit.code, signal: ending.exit.signal } : {}),
    timings: log.timings,
    pushed: Boolean(ending.pushed && ending.pushed.failures === 0),
    manifest: ending.pushed?.manifest ?? [],
    prefixes: ending.pushed?.prefixes ?? [],
    finishedAt: new Date((run.now ?? Date.now)()).toISOString(),
  };
  if (ending.webhook) {
    // One bounded attempt, before `done` so the desktop reads its outcome in the run's events (and
    // stays quiet when it arrived); logged without the URL, and never changes the run's outcome.
    const message = trainingEndMessage(status, run.now);
    const sent = await postWebhook(ending.webhook, message);
    const { lineKey } = ending;
    log.write(
      'done',
      'info',
      { reason: sent.ok ? machineNotifiedReason(message.title) : machineNotDeliveredReason(sent.reason) },
      lineKey ? (event) => sealLine(lineKey, run.spec.runId, event) : undefined,
    );
  }
  log.write('done', status.outcome === 'succeeded' ? 'succeeded' : 'failed', {
    ...(status.reason ? { reason: status.reason } : {}),
    // The attempt: a later TrainDeck that finds the machine gone reads the S3 copy of this line (its push
    // done, after an interruption), and every attempt appends to the same log (main/runs/reattach/interrupted-away.ts).
    detail: { outcome: status.outcome, exitCode: status.exitCode ?? null, attempt: run.spec.attempt ?? 1 },
  });
  // The S3 copy of the logs must end with `done`: one last small push of the logs folder, then
  // status.json (the desktop waits for it after `done`) with the logs as they now are in S3.
  const logs = await pushLogs(storage, AbortSignal.timeout(FINAL_LOGS_PUSH_LIMIT_MS)).catch(() => undefined);
  if (logs) status.manifest = withLogs(status.manifest, logs, storage);
  await writeFileAtomic(layout.statusFile, JSON.stringify(status, null, 2));
  if (ending.stopReason === 'ttl-expired' || run.spec.powerOffAtEnd) {
    log.write('done', 'info', { reason: await powerOff(run.spec.powerOff, run.onInstance) });
  }
  return status;
}
