import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

import { z } from 'zod';

import {
  applyRunEvent,
  COMPUTE_BACKENDS,
  type ComputeBackendKind,
  emptyRunSnapshot,
  type RunEvent,
  type RunSnapshot,
} from '../../shared/domain/run';
import { RUN_PHASES, type RunPhase } from '../../shared/domain/run';
import { makeRunId } from '../../shared/domain/tags';
import type { ExecutorSecrets, PushNowFolder, PushNowReport } from '../../shared/executor/protocol';
import { TypedError } from '../../shared/ipc/result';
import type { UnfinishedRun } from '../../shared/ipc/run-commands';
import type { AutoStopCause } from '../../shared/monitor/notices';
import { MACHINE_WILL_NOTIFY, machineWebhookFacts } from '../../shared/notify/machine-webhook';
import type { WebhookTarget } from '../../shared/notify/webhook';
import type { SpotPricing } from '../../shared/pricing/spot-history';
import type { RunAttempt } from '../../shared/report/run-attempts';
import { type RunConfig, runConfigSchema } from '../../shared/run-config/schema';
import { redactStrings } from '../../shared/security/redact-url';
import type { ObjectStore } from '../aws/ports/object-store';
import { resolveConfigPaths } from '../config/resolve-config-paths';
import type { Logger } from '../core/logger';
import { ownTicks } from '../core/process-identity';
import { appendRegularFileSync, openRegularFileSync, readRegularFileSync } from '../core/regular-file';
import { writeFileAtomicSync } from '../core/write-file-atomic';
import { journalClosedSync, runDir } from '../lifecycle/journal/run-journal';
import type { KeyVault } from '../sync/key-vault';
import type { SpotWindow, SpotWindowPricing } from './pipeline/attempt-log';
import type { ComputeBackend } from './pipeline/compute-backend';
import type { ReconnectPolicy } from './pipeline/follow-executor';
import type { RunEventBody } from './pipeline/phase-tracker';
import { createPhaseRunner } from './pipeline/phase-tracker';
import { prepareRun } from './pipeline/prepare-run';
import type { RunControls } from './pipeline/push-now';
import { type PipelineResult, RunStopRequest } from './pipeline/run-ending';
import type { RunObserver, RunStopGuard } from './pipeline/run-observer';
import { type PipelineInput, runPipeline } from './pipeline/run-pipeline';
import { Waker } from './pipeline/waker';
import { appendAttach, type AttachState, type OwnerAlive, ownerAlive, readAttach } from './reattach/attach-journal';
import { interruptedAway } from './reattach/interrupted-away';
import type { AttachableState, ReattachPort } from './reattach/reattach-resources';
import { isBetweenAttempts, resumeBetween } from './reattach/resume-between';
import { resumeRun } from './reattach/resume-run';
import { needsSpotPricing, runCostEvent } from './run-cost-event';
import { describePushNow, pushNowDetached, pushNowLive } from './run-push-now';
import {
  askOwnersToStop,
  liveRunsOfOthers,
  STOP_REQUEST_POLL_MS,
  type StoppedRuns,
  takeStopRequest,
} from './stop-request';
import {
  type BillingSources,
  UnfinishedBillings,
  type UnfinishedPlacement,
  unfinishedPlacement,
} from './unfinished-billing';

/** The file in a run's folder holding the settings it was started with (see {@link RunService.recordedStart}). */
const START_FILE = 'start.json';
const recordedStartSchema = z.object({ backend: z.enum(COMPUTE_BACKENDS), config: runConfigSchema });
// A run config is a few KiB; the events of a week-long run a few MiB (training log lines are not journaled).
const MAX_START_BYTES = 1024 * 1024;
const MAX_EVENTS_BYTES = 64 * 1024 * 1024;

/** What the UI or the CLI asks for. */
export interface StartRunRequest {
  config: RunConfig;
  /** Folder relative config paths are resolved against. */
  baseDir: string;
  backend: ComputeBackendKind;
  host?: { address: string; identityFile: string; hostKeyFingerprint?: string | undefined };
}

/** The pieces of one run that depend on the environment (AWS, SSH, where the bundle is). */
export interface RunResources {
  backend: ComputeBackend;
  store: ObjectStore;
  s3Credentials?: ExecutorSecrets['s3'];
  bundleDir: string;
}

/** What the service needs; the composition root (or a test) provides it. */
export interface RunServiceDeps {
  dataDir: string;
  emit(event: RunEvent): void;
  now(): number;
  log: Logger;
  resources(request: StartRunRequest, runId: string): Promise<RunResources>;
  pollMs?: number;
  /** How a dropped connection to a run's machine is retried (tests shorten it). */
  reconnect?: ReconnectPolicy;
  /** Rebuilds connection, secrets, S3 view and teardown of a run a killed TrainDeck left (reattach). */
  reattach?: ReattachPort;
  /** Whether the process that ran a run still runs (its run is then not ours to take over); pid and start time. */
  isAlive?: OwnerAlive;
  /** Follows each run's machine while it trains (the monitor). */
  observer?: RunObserver;
  /** Opens SSE-C key files sealed by the desktop app. */
  keyVault?: KeyVault;
  /**
   * Prices a spot run's instance from EC2's price history (bounded, never throws); without
   * it, or when it has nothing, spot is priced at the on-demand upper bound.
   */
  spotPricing?(runId: string, request: StartRunRequest): Promise<SpotPricing | undefined>;
  /** Prices one spot attempt's window from EC2's price history as it ends (each attempt its own zone and times). */
  spotHistory?(request: StartRunRequest, window: SpotWindow): Promise<SpotPricing>;
  /** The notification webhook, if set: sent to the executor with the secrets, for its own "finished/failed". */
  webhook?(): Promise<WebhookTarget | undefined>;
  /** How often stop requests of other TrainDeck processes are looked for (tests shorten it). */
  stopRequestPollMs?: number;
  /**
   * The monitor's prices (the region's, spot now): what an unfinished run still bills is priced with
   * them; absent, the bundled table (said so) and spot at most on-demand.
   */
  billing?: BillingSources;
  /** How long the unfinished runs' answer waits for their prices (tests shorten it). */
  billingWaitMs?: number;
}

interface LiveRun {
  snapshot: RunSnapshot;
  /** The latest time its machine runs on by itself (time-to-live or max runtime). */
  until: string;
  controller: AbortController;
  done: Promise<RunSnapshot>;
  waker: Waker;
  /** Appends an info line to the run's events. */
  note(line: string): void;
  /** What the user may ask of it while its executor is followed (push now). */
  controls: RunControls;
}

/**
 * Starts runs in the background and keeps their snapshots. Every event is appended to
 * `<data>/runs/<id>/events.jsonl` (the run's pipeline journal: phases, the host key seen first,
 * the outcome), so past runs are listed after a restart and a late renderer can catch up.
 */
export class RunService {
  private readonly runs = new Map<string, LiveRun>();
  /** Runs this service took over ({@link RunService.reattach}), as they were listed, and what was asked. */
  private readonly takenOver = new Map<string, UnfinishedRunInfo>();
  private history: Map<string, RunSnapshot> | undefined;
  private stopRequests: NodeJS.Timeout | undefined;
  private readonly billings: UnfinishedBillings;

  constructor(private readonly deps: RunServiceDeps) {
    this.billings = new UnfinishedBillings(deps.billing ?? {}, deps.now, deps.billingWaitMs);
  }

  /** Returns the run id at once; the work continues in the background. */
  start(request: StartRunRequest): { runId: string } {
    const runId = makeRunId(request.config.name, new Date(this.deps.now()), randomBytes(2).toString('hex'));
    const snapshot = emptyRunSnapshot(runId, request.config.name ?? runId, request.backend, this.iso());
    const { live, emit, dir } = this.open(snapshot, untilOf(request, snapshot.startedAt));
    const { aws, storage } = resolveConfigPaths(request.config, request.baseDir);
    // Who runs it and where its data goes: what a later TrainDeck needs if this one is killed.
    appendAttach(dir, {
      type: 'run',
      pid: process.pid,
      ...ownTicks(),
      backend: request.backend,
      name: snapshot.name,
      aws,
      storage,
      baseDir: request.baseDir,
      ...(request.config.monitoring ? { monitoring: request.config.monitoring } : {}),
    });
    // The settings it was started with, for "Retry with the same settings" (paths only: keys never travel).
    writeFileAtomicSync(join(dir, START_FILE), JSON.stringify({ backend: request.backend, config: request.config }));
    emit({
      type: 'started',
      name: live.snapshot.name,
      backend: request.backend,
      ...(request.host ? { host: request.host.address } : {}),
    });
    live.done = this.execute(runId, request, emit, live).then(() => live.snapshot);
    return { runId };
  }

  /**
   * The backend and config a run was started with, as {@link RunService.start} recorded them
   * (absolute paths), for a retry; a clear error for a run that recorded none.
   */
  recordedStart(runId: string): { backend: ComputeBackendKind; config: RunConfig } {
    let text: string | undefined;
    try {
      text = readRegularFileSync(join(runDir(this.deps.dataDir, runId), START_FILE), {
        what: 'the settings of a run',
        maxBytes: MAX_START_BYTES,
      });
    } catch (error) {
      // A link, a FIFO or a huge file there is said as such (RefusedFileError); an unreadable one as missing.
      if (error instanceof TypedError) throw error;
    }
    if (text === undefined) {
      throw new TypedError('NOT_FOUND', `Run ${runId} has no recorded settings to retry with.`, {
        fix: 'Runs started by an older TrainDeck did not record them: start it again from Launch (a saved template keeps the settings).',
      });
    }
    const parsed = recordedStartSchema.safeParse(parseJson(text));
    if (!parsed.success) {
      throw new TypedError('PRECONDITION_FAILED', `The recorded settings of run ${runId} are not a valid run config.`, {
        fix: 'Start it again from Launch.',
      });
    }
    return parsed.data;
  }

  /**
   * Takes over a run that a killed TrainDeck (CLI or app) left unfinished: reconnects to its
   * still-running executor, follows it from the journaled offsets to its end, verifies the push
   * and tears down. `stop` first stops the training gracefully (push, verify, tear down): the
   * teardown of a run whose executor may still train. Returns at once; `wait` waits.
   */
  reattach(runId: string, options: { stop?: boolean } = {}): { runId: string } {
    const found = this.unfinished().find((run) => run.runId === runId);
    if (!found) {
      throw new TypedError('NOT_FOUND', `No unfinished run ${runId} to reattach.`, {
        fix: 'The runs a killed TrainDeck left are listed at start; a finished run needs nothing more.',
      });
    }
    if (found.unreadable) {
      const { message, fix } = found.unreadable;
      throw new TypedError('PRECONDITION_FAILED', message, fix ? { fix } : {});
    }
    const dir = runDir(this.deps.dataDir, runId);
    const attach = readAttach(dir) ?? {};
    const pastEvents = readRunEvents(dir);
    const before = this.loadHistory().get(runId)!;
    this.history?.delete(runId);
    const until = attach.machine ? new Date(attach.machine.deadline).toISOString() : this.iso();
    const { live, emit } = this.open(before, until);
    appendAttach(dir, { type: 'owner', pid: process.pid, ...ownTicks() });
    this.takenOver.set(runId, { ...found, takenOver: options.stop ? 'teardown' : 'reattach' });
    if (options.stop) live.controller.abort(new Error('teardown requested'));
    emit({
      type: 'log',
      source: 'info',
      line: `reattaching: the TrainDeck that ran this (pid ${attach.owner ?? '?'}) stopped during ${found.phase ?? 'the run'}${options.stop ? '; stopping it: training is stopped, data pushed, then torn down' : ''}`,
    });
    // The webhook tee decides the desktop's copy of the run's end from the run's events, and a restarted
    // app has forgotten them: said again, what the machine was given and what it said of its own post.
    for (const line of machineWebhookFacts(pastEvents)) {
      emit({ type: 'log', source: 'info', line });
    }
    // The attempt whose executor runs, from this desktop's own record (never from the machine).
    const attempt = before.attempts?.at(-1)?.attempt ?? 1;
    live.done = this.resume(runId, attach, found.phase ?? 'training', attempt, live, emit, before.attempts ?? []).then(
      () => live.snapshot,
    );
    return { runId };
  }

  /**
   * Runs that a killed TrainDeck left unfinished: their events have no `finished` and the process
   * that ran them is gone. `canFollow` when the machine was reached (an executor may run). An EC2
   * run's billing is the last that {@link RunService.unfinishedPriced} found (none before it asked).
   */
  unfinished(): UnfinishedRunInfo[] {
    return this.listUnfinished().map(({ run, placement }) => {
      const billing = placement && this.billings.known(run.runId, placement);
      return billing ? { ...run, billing } : run;
    });
  }

  /**
   * {@link RunService.unfinished}, each EC2 run priced as the monitor prices its instance (its region,
   * market, zone, type and disk): within a bounded wait, "being read" past it (asked again, it has it).
   */
  async unfinishedPriced(): Promise<UnfinishedRunInfo[]> {
    const listed = this.listUnfinished();
    this.billings.keepOnly(new Set(listed.map(({ run }) => run.runId)));
    return Promise.all(
      listed.map(async ({ run, placement }) =>
        placement ? { ...run, billing: await this.billings.price(run.runId, placement) } : run,
      ),
    );
  }

  // The unfinished runs, each EC2 one with where its instance runs once it may bill (provisioning began).
  private listUnfinished(): Array<{ run: UnfinishedRunInfo; placement?: UnfinishedPlacement }> {
    const found: Array<{ run: UnfinishedRunInfo; placement?: UnfinishedPlacement }> = [];
    for (const [runId, snapshot] of this.loadHistory()) {
      if (snapshot.state !== 'running' || this.runs.has(runId)) continue;
      const attach = readAttach(runDir(this.deps.dataDir, runId));
      if (attach?.unreadable) {
        // Who owns it and where its machine is cannot be known: said, never guessed (nor followed through a link).
        found.push({ run: { ...listedOf(runId, snapshot), canFollow: false, unreadable: attach.unreadable } });
        continue;
      }
      // The owner is the same process, not a later one given its pid (old journals without start times: the pid alone).
      if (!attach?.run || ownerAlive(attach, this.deps.isAlive)) continue;
      // An EC2 run torn down meanwhile (`traindeck teardown`): its journal is closed, nothing is left. Between
      // two attempts of a spot relaunch the journal is closed too (the interrupted machine's verified
      // teardown), yet the run is not over: its relaunch waits for a TrainDeck.
      const closed = snapshot.backend === 'aws-ec2' && journalClosedSync(this.deps.dataDir, runId);
      if (closed && !attach.relaunch) continue;
      const phase = lastPhaseOf(snapshot);
      const placement = snapshot.backend === 'aws-ec2' ? unfinishedPlacement(snapshot, attach) : undefined;
      const planned = snapshot.phases.preflight.detail?.instanceType;
      const instanceType = placement?.instanceType ?? (typeof planned === 'string' ? planned : undefined);
      // Before provisioning nothing was launched: nothing bills.
      const mayBill = phase !== undefined && RUN_PHASES.indexOf(phase) >= RUN_PHASES.indexOf('provisioning');
      found.push({
        run: {
          ...listedOf(runId, snapshot),
          canFollow: attach.machine !== undefined,
          ...(snapshot.backend === 'aws-ec2' && instanceType ? { instanceType } : {}),
          ...(attach.relaunch ? { betweenAttempts: attach.relaunch.attempt } : {}),
          // Between attempts with its journal closed, nothing of it is left to bill: a true $0, no price to read.
          ...(attach.relaunch && closed
            ? { billing: { hourlyUsd: 0, region: attach.run.aws.region, market: 'spot' as const } }
            : {}),
        },
        ...(mayBill && placement && !(attach.relaunch && closed) ? { placement } : {}),
      });
    }
    return found;
  }

  /**
   * The runs {@link RunService.reattach} took over that are still going, as they were listed:
   * the banner keeps showing them (with their progress) until their end, also after a reload.
   */
  underWay(): UnfinishedRunInfo[] {
    return [...this.takenOver.values()].filter((run) => this.runs.get(run.runId)?.snapshot.state === 'running');
  }

  private async resume(
    runId: string,
    attach: AttachState,
    phase: RunPhase,
    attempt: number,
    live: LiveRun,
    emit: (body: RunEventBody) => void,
    attempts: RunAttempt[],
  ): Promise<void> {
    const dir = runDir(this.deps.dataDir, runId);
    // The settings it was started with: its budget, its relaunch and its cost, as before the restart.
    const request = this.recordedRequest(runId, attach);
    let ending: Omit<PipelineResult, 'status'>;
    try {
      const port = this.deps.reattach;
      if (!port) throw new Error('this TrainDeck cannot reattach runs');
      if (!attach.run || !attach.machine) {
        // Killed before the machine was reached: no executor can run; only what was created needs deleting.
        await createPhaseRunner(emit)
          .run(
            'tearing-down',
            () => port.release(runId, attach, AbortSignal.timeout(30 * 60_000)),
            (facts) => facts,
          )
          .catch(() => undefined);
        ending = { outcome: 'failed', reason: `${phase}: TrainDeck stopped before the executor started` };
      } else if (isBetweenAttempts(attach)) {
        // AWS took the machine back and the next attempt never got one: nothing to follow, the relaunch goes on.
        const rebuilt = request && (await this.rebuiltPipeline(runId, request, live, emit));
        const result = await resumeBetween({
          runId,
          dataDir: this.deps.dataDir,
          attach,
          attempts,
          ...(rebuilt && 'pipeline' in rebuilt ? { pipeline: rebuilt.pipeline } : {}),
          ...(rebuilt && 'why' in rebuilt ? { unavailable: rebuilt.why } : {}),
          release: (signal) => port.release(runId, attach, signal),
          emit,
          signal: live.controller.signal,
        });
        ending = endingOf(result);
      } else {
        const attachable = attach as AttachableState;
        const resources = await port.resources(runId, attachable);
        const relaunch = request && (await this.relaunchOf(runId, request, attachable, attempts, live, emit));
        // Killed before it read the interruption: AWS took the followed machine back meanwhile.
        const away = await interruptedAway({
          runId,
          attach: attachable,
          lastAttempt: attempt,
          end: await port.instanceEnd?.(attachable, AbortSignal.timeout(60_000)).catch(() => undefined),
          store: resources.store,
          signal: AbortSignal.any([live.controller.signal, AbortSignal.timeout(10 * 60_000)]),
        });
        if (away) {
          emit({ type: 'log', source: 'info', line: away.said });
          const result = await resumeBetween({
            runId,
            dataDir: this.deps.dataDir,
            attach: away.between,
            attempts,
            ...(relaunch ? { pipeline: relaunch.pipeline } : { unavailable: 'its pipeline could not be rebuilt' }),
            pushVerified: away.pushVerified,
            release: resources.release,
            emit,
            signal: live.controller.signal,
          });
          ending = endingOf(result);
        } else {
          const result = await resumeRun({
            runId,
            attach: attachable,
            phase,
            attempt,
            ...resources,
            emit,
            signal: live.controller.signal,
            ...this.followSettings(),
            waker: live.waker,
            controls: live.controls,
            onOffsets: (offsets) => appendAttach(dir, { type: 'offsets', ...offsets }),
            // The monitor follows a reattached run again (health, log tail, progress) as it did the first time.
            ...(attachable.run.monitoring ? { monitoring: attachable.run.monitoring } : {}),
            ...(request ? { guard: this.guardOf(live, request.config) } : {}),
            ...(relaunch ? { relaunch } : {}),
          });
          ending = endingOf(result);
        }
      }
    } catch (error) {
      ending = { outcome: 'failed', reason: `reattach: ${failedBefore('connecting', error, emit)}` };
    }
    if (request) await this.emitCostOf(runId, request, emit, live);
    emit({ type: 'finished', ...ending });
  }

  // The recorded start of a reattached run (start.json), its paths resolved against its folder; none: older runs.
  private recordedRequest(runId: string, attach: AttachState): StartRunRequest | undefined {
    if (!attach.run) return undefined;
    try {
      return { ...this.recordedStart(runId), baseDir: attach.run.baseDir };
    } catch {
      return undefined;
    }
  }

  /**
   * What relaunches a reattached EC2 spot run after this restart: its pipeline rebuilt from the
   * recorded config as a fresh run builds it (a fresh plan at the relaunch), and its attempts so far.
   * None when it cannot be rebuilt (a key file gone): said, and the run then ends with its attempt.
   */
  private async relaunchOf(
    runId: string,
    request: StartRunRequest,
    attach: AttachableState,
    attempts: RunAttempt[],
    live: LiveRun,
    emit: (body: RunEventBody) => void,
  ): Promise<{ pipeline: PipelineInput; attempts: RunAttempt[] } | undefined> {
    if (request.backend !== 'aws-ec2' || !attach.machine.aws) return undefined;
    const rebuilt = await this.rebuiltPipeline(runId, request, live, emit);
    if ('pipeline' in rebuilt) return { pipeline: rebuilt.pipeline, attempts };
    emit({
      type: 'log',
      source: 'info',
      line: `after this restart the run cannot be launched again (a spot interruption ends it): ${rebuilt.why}`,
    });
    return undefined;
  }

  // The run's pipeline as a fresh run builds it from its recorded config, or why it cannot be (a key file gone).
  private async rebuiltPipeline(
    runId: string,
    request: StartRunRequest,
    live: LiveRun,
    emit: (body: RunEventBody) => void,
  ): Promise<{ pipeline: PipelineInput } | { why: string }> {
    try {
      return { pipeline: await this.pipelineInput(runId, request, emit, live, false) };
    } catch (error) {
      return { why: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown' };
    }
  }

  // A live run: its snapshot, controls, and the one emit that journals and publishes its events.
  private open(snapshot: RunSnapshot, until: string) {
    const runId = snapshot.runId;
    const dir = runDir(this.deps.dataDir, runId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const eventsFile = join(dir, 'events.jsonl');
    endTornLine(eventsFile);
    // Never through a link or into a FIFO at its name; refused, the run goes on unjournaled (said once):
    // an emit that threw could cost the run its teardown.
    let refused = false;
    const journal = (line: string) => {
      try {
        appendRegularFileSync(eventsFile, line);
      } catch (error) {
        if (!refused) this.deps.log.warn(`run ${runId}: events not journaled: ${String(error)}`);
        refused = true;
      }
    };
    let seq = snapshot.lastSeq;
    const live: LiveRun = {
      snapshot,
      until,
      controller: new AbortController(),
      done: Promise.resolve(undefined as never),
      waker: new Waker(),
      note: (line) => emit({ type: 'log', source: 'info', line }),
      controls: {},
    };
    const emit = (body: RunEventBody) => {
      // One gate for everything a run says (journal, window, report): no URL credentials pass it.
      // An executor phase keeps the time it happened on the machine (events are read in batches).
      const at = body.at !== undefined && Number.isFinite(Date.parse(body.at)) ? body.at : this.iso();
      const event = redactStrings({ ...body, runId, seq: ++seq, at } as RunEvent);
      live.snapshot = applyRunEvent(live.snapshot, event);
      if (journaled(event)) journal(JSON.stringify(event) + '\n');
      this.deps.emit(event);
    };
    this.runs.set(runId, live);
    this.watchStopRequests();
    return { live, emit, dir };
  }

  /**
   * Looks for stop requests another TrainDeck process wrote for this service's running runs
   * (`traindeck kill-all` in a terminal while the app runs the run; stop-request.ts) while any runs.
   */
  private watchStopRequests(): void {
    if (this.stopRequests) return;
    this.stopRequests = setInterval(() => {
      const running = [...this.runs.values()].filter((live) => live.snapshot.state === 'running');
      if (!running.length) {
        clearInterval(this.stopRequests);
        this.stopRequests = undefined;
        return;
      }
      for (const live of running) {
        // Never thrown out of a timer (it would end the app): a request that cannot be taken waits for the next look.
        try {
          const reason = takeStopRequest(this.deps.dataDir, live.snapshot.runId);
          if (reason && this.cancel(live.snapshot.runId, reason)) {
            live.note(`${reason}: stopping training, pushing, verifying, then tearing down; nothing new is launched`);
          }
        } catch (error) {
          this.deps.log.warn(`stop requests of ${live.snapshot.runId} not read: ${String(error)}`);
        }
      }
    }, this.deps.stopRequestPollMs ?? STOP_REQUEST_POLL_MS);
    this.stopRequests.unref();
  }

  private async execute(
    runId: string,
    request: StartRunRequest,
    emit: (body: RunEventBody) => void,
    live: LiveRun,
  ): Promise<void> {
    let ending: Omit<PipelineResult, 'status'>;
    try {
      ending = endingOf(await runPipeline(await this.pipelineInput(runId, request, emit, live, true)));
    } catch (error) {
      // Only preparation can throw here (bad key file, unreadable override): nothing was created yet.
      const message = failedBefore('preflight', error, emit);
      ending = { outcome: 'failed', reason: `preflight: ${message}` };
      this.deps.log.warn('run failed before provisioning', { runId, message });
    }
    await this.emitCostOf(runId, request, emit, live);
    emit({ type: 'finished', ...ending });
  }

  /**
   * Everything a run's pipeline needs, from its config: what a fresh run starts with, and what a
   * restarted desktop relaunches a reattached run with (secrets read again from their files, never
   * from disk of ours; the webhook from Settings).
   */
  private async pipelineInput(
    runId: string,
    request: StartRunRequest,
    emit: (body: RunEventBody) => void,
    live: LiveRun,
    /** A fresh run says it (a reattached one said it at its start, and its past events say it again). */
    sayWebhook: boolean,
  ): Promise<PipelineInput> {
    const prepared = await prepareRun(runId, request.config, request.baseDir, this.deps.keyVault);
    const webhook = await this.deps.webhook?.();
    if (webhook) {
      prepared.secrets.webhook = webhook;
      // Said in the run's events: the desktop's copy of the run's end then waits for the machine's word.
      if (sayWebhook) emit({ type: 'log', source: 'info', line: MACHINE_WILL_NOTIFY });
    }
    const resources = await this.deps.resources(request, runId);
    return {
      runId,
      ...prepared,
      ...resources,
      ...(resources.s3Credentials ? { s3Credentials: resources.s3Credentials } : {}),
      emit,
      signal: live.controller.signal,
      ...this.followSettings(),
      waker: live.waker,
      controls: live.controls,
      onAttach: (entry) => appendAttach(runDir(this.deps.dataDir, runId), entry),
      ...(request.config.monitoring ? { monitoring: request.config.monitoring } : {}),
      guard: this.guardOf(live, request.config),
      ...this.spotHistoryOf(request),
    };
  }

  // The monitor's stop (budget, stall, NaN loss) takes the user's graceful path, with its reason.
  private guardOf(live: LiveRun, config: RunConfig): RunStopGuard {
    return {
      graceSeconds: config.training?.graceSeconds ?? 60,
      ...(config.training?.maxCostUsd !== undefined ? { maxCostUsd: config.training.maxCostUsd } : {}),
      requestStop: (cause: AutoStopCause, reason: string) => {
        if (live.snapshot.state !== 'running' || live.controller.signal.aborted) return;
        live.note(`${reason}: stopping training, pushing, verifying, then tearing down`);
        live.controller.abort(new RunStopRequest(cause, reason));
      },
    };
  }

  // The itemized cost goes out (and into events.jsonl) just before `finished`, however the run
  // ended; a cost that cannot be computed costs the run its cost line, never its outcome or finish.
  private async emitCostOf(
    runId: string,
    request: StartRunRequest,
    emit: (body: RunEventBody) => void,
    live: LiveRun,
  ): Promise<void> {
    await this.emitCost(runId, request, emit, () => live.snapshot).catch((error: unknown) =>
      this.deps.log.warn('run cost not computed', {
        runId,
        message: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  private async emitCost(
    runId: string,
    request: StartRunRequest,
    emit: (body: RunEventBody) => void,
    current: () => RunSnapshot,
  ): Promise<void> {
    const spot = await this.spotPricing(runId, request, current());
    emit(runCostEvent(current(), request, this.deps.now(), spot));
  }

  // A spot run's attempts are priced from the price history as each ends (absent: on-demand, at most).
  private spotHistoryOf(request: StartRunRequest): { spotHistory?: SpotWindowPricing } {
    const read = this.deps.spotHistory;
    if (!read || !needsSpotPricing(request)) return {};
    return { spotHistory: (window) => read(request, window) };
  }

  // The one guard around the lookup (priceSpotRun never throws; an injected pricing might): a
  // lookup that fails anyway (a bug, not AWS) costs the run its exact spot figure, never its cost line.
  private async spotPricing(
    runId: string,
    request: StartRunRequest,
    snapshot: RunSnapshot,
  ): Promise<SpotPricing | undefined> {
    if (!this.deps.spotPricing || !needsSpotPricing(request, snapshot)) return undefined;
    try {
      return await this.deps.spotPricing(runId, request);
    } catch (error) {
      this.deps.log.warn('spot price history failed', {
        runId,
        message: error instanceof Error ? error.message : String(error),
      });
      return { source: 'unavailable', reason: 'the spot price history could not be read' };
    }
  }

  /** Resolves when the run has finished (the CLI waits on it). */
  wait(runId: string): Promise<RunSnapshot> {
    const live = this.runs.get(runId);
    if (!live) throw new TypedError('NOT_FOUND', `No running run ${runId}.`);
    return live.done;
  }

  /**
   * Pushes the chosen folders while the run trains (the training goes on; files still being
   * written are skipped). A run of this TrainDeck goes through its follow; a run another
   * TrainDeck runs is reached again from its attach journal. The run's events say what moved.
   */
  async pushNow(runId: string, folders: readonly PushNowFolder[]): Promise<PushNowReport> {
    const live = this.runs.get(runId);
    if (live?.snapshot.state === 'running') {
      const report = await pushNowLive(runId, live.controls, folders);
      live.note(describePushNow(report));
      return report;
    }
    return pushNowDetached(
      { dataDir: this.deps.dataDir, reattach: this.deps.reattach, snapshot: this.loadHistory().get(runId) },
      runId,
      folders,
    );
  }

  /** The newest checkpoint of a run in training, in S3 (undefined: none, or the run is not followed here). */
  async newestCheckpoint(runId: string): Promise<{ key: string; at: string } | undefined> {
    const live = this.runs.get(runId);
    return live?.controls.newestCheckpoint?.(AbortSignal.timeout(60_000));
  }

  /** Graceful stop (`why` goes to the run's story); false when the run is unknown or already over. */
  cancel(runId: string, why = 'cancelled by the user'): boolean {
    const live = this.runs.get(runId);
    if (!live || live.snapshot.state !== 'running' || live.controller.signal.aborted) return false;
    live.controller.abort(new Error(why));
    return true;
  }

  /**
   * A kill-all's first step: stops this app's live runs among `runIds` (with `everyLiveRun`, also every
   * live EC2 run of this app with nothing in the kill-all's scan, e.g. a relaunch between two attempts)
   * and asks the other TrainDeck processes (a `traindeck run` in a terminal) to stop the rest, and, with
   * `everyLiveRun`, every live EC2 run they own; `signal` (the kill-all's cancel) ends the asking. Says
   * which runs it stopped, when they have ended, and which other processes took the request.
   */
  stopRuns(
    runIds: readonly string[],
    { everyLiveRun = false, signal }: { everyLiveRun?: boolean; signal?: AbortSignal } = {},
  ): StoppedRuns {
    const ownEc2Runs = everyLiveRun
      ? this.active()
          .filter(({ snapshot }) => snapshot.backend === 'aws-ec2')
          .map(({ snapshot }) => snapshot.runId)
      : [];
    const wanted = [...new Set([...runIds, ...ownEc2Runs])];
    const stopped = wanted.filter((runId) => this.cancel(runId, 'stopped by kill-all'));
    // Already stopping (a Stop, the budget): its teardown is under way, and goes first as a stopped run's does.
    const stopping = wanted.filter((runId) => {
      const live = this.runs.get(runId);
      return !stopped.includes(runId) && live?.snapshot.state === 'running' && live.controller.signal.aborted;
    });
    const others = new Set([
      ...wanted.filter((runId) => !stopped.includes(runId) && !stopping.includes(runId)),
      ...(everyLiveRun ? liveRunsOfOthers(this.deps.dataDir) : []),
    ]);
    return {
      runIds: stopped,
      ...(stopping.length ? { stopping } : {}),
      ended: Promise.allSettled([...stopped, ...stopping].map(async (runId) => this.wait(runId))),
      // The kill-all's cancel ends the asking too.
      asked: askOwnersToStop(
        this.deps.dataDir,
        [...others],
        `stopped by kill-all in the TrainDeck app (pid ${process.pid})`,
        signal ? { signal } : {},
      ),
    };
  }

  /**
   * Retries every lost connection now instead of at the end of its pause, and checks the
   * ones believed open: the app calls it when the computer wakes from sleep or the network
   * returns, the UI for "retry now". Returns how many running runs were told.
   */
  wake(): number {
    let told = 0;
    for (const live of this.runs.values()) {
      if (live.snapshot.state === 'running') {
        live.waker.wake();
        told += 1;
      }
    }
    return told;
  }

  /**
   * The runs going on now, each with the latest time its machine runs on by itself: the
   * instance's time-to-live (aws-ec2) or the training's max runtime (ssh-host, local).
   */
  active(): Array<{ snapshot: RunSnapshot; until: string }> {
    return [...this.runs.values()]
      .filter((live) => live.snapshot.state === 'running')
      .map((live) => ({ snapshot: live.snapshot, until: live.until }));
  }

  /** Adds a note to a running run's events (journaled): why it is left without a watcher. */
  note(runId: string, line: string): void {
    const live = this.runs.get(runId);
    if (live?.snapshot.state === 'running') live.note(line);
  }

  get(runId: string): RunSnapshot {
    const snapshot = this.runs.get(runId)?.snapshot ?? this.loadHistory().get(runId);
    if (!snapshot) {
      throw new TypedError('NOT_FOUND', `No run ${runId}.`, { fix: 'runs.list shows the runs this app knows.' });
    }
    return snapshot;
  }

  list(): RunSnapshot[] {
    const all = new Map(this.loadHistory());
    for (const [id, live] of this.runs) all.set(id, live.snapshot);
    return [...all.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  // Past runs, folded once from their events.jsonl files.
  private loadHistory(): Map<string, RunSnapshot> {
    if (this.history) return this.history;
    this.history = new Map();
    const root = join(this.deps.dataDir, 'runs');
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      return this.history;
    }
    for (const name of names) {
      if (this.runs.has(name)) continue;
      let snapshot: RunSnapshot | undefined;
      let events: RunEvent[];
      try {
        events = readRunEventsOrThrow(join(root, name));
      } catch (error) {
        // Not a run this app can know (a link, a FIFO, a huge file): said in the log, and the list goes on.
        this.deps.log.warn(
          `run ${name} left out of the runs list: ${error instanceof Error ? error.message : String(error)}`,
        );
        continue;
      }
      for (const event of events) {
        snapshot ??= emptyRunSnapshot(event.runId, event.runId, 'local', event.at);
        snapshot = applyRunEvent(snapshot, event);
      }
      if (snapshot) this.history.set(name, snapshot);
    }
    return this.history;
  }

  // What a fresh run and a reattached one both follow with: the service's poll, reconnect and monitor.
  private followSettings() {
    return {
      ...(this.deps.pollMs ? { pollMs: this.deps.pollMs } : {}),
      ...(this.deps.reconnect ? { reconnect: this.deps.reconnect } : {}),
      ...(this.deps.observer ? { observer: this.deps.observer } : {}),
    };
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString();
  }
}

/** The `finished` event's outcome, reason and exit code, from the pipeline's result. */
function endingOf(result: PipelineResult): Omit<PipelineResult, 'status'> {
  return {
    outcome: result.outcome,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
  };
}

/** A run that failed before its pipeline could: `phase` fails with the error's first line (and fix); returns that line. */
function failedBefore(phase: RunPhase, error: unknown, emit: (body: RunEventBody) => void): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'failed';
  emit({
    type: 'phase',
    phase,
    status: 'failed',
    reason: message,
    ...(error instanceof TypedError && error.fix ? { fix: error.fix } : {}),
  });
  return message;
}

/**
 * Whether an event goes into events.jsonl. Training log lines do not: they can be thousands a
 * second, and train.log is in S3. Nor do the sync figures of a transfer still running (about
 * one a second per direction): the executor always reports a direction's final figures, and
 * only those count afterwards (history, report, cost). Verification results always do.
 */
function journaled(event: RunEvent): boolean {
  if (event.type === 'log') return event.source !== 'train';
  if (event.type === 'sync') return !event.folders.some((f) => f.state === 'running');
  return true;
}

/** A run a killed TrainDeck left unfinished (see {@link RunService.unfinished}). */
export type UnfinishedRunInfo = UnfinishedRun;

// How long a run's machine runs on by itself: the instance's time-to-live, or the training's max runtime + grace.
function untilOf(request: StartRunRequest, startedAt: string): string {
  const { config, backend } = request;
  const minutes =
    backend === 'aws-ec2' && config.compute
      ? config.compute.ttlMinutes
      : (config.training?.maxRuntimeMinutes ?? 1440) + Math.ceil((config.training?.graceSeconds ?? 0) / 60);
  return new Date(Date.parse(startedAt) + minutes * 60_000).toISOString();
}

// An unfinished run as the list shows it, from its events alone.
function listedOf(runId: string, snapshot: RunSnapshot): Omit<UnfinishedRun, 'canFollow'> {
  const phase = lastPhaseOf(snapshot);
  return {
    runId,
    name: snapshot.name,
    backend: snapshot.backend,
    ...(snapshot.host ? { host: snapshot.host } : {}),
    startedAt: snapshot.startedAt,
    ...(phase ? { phase } : {}),
  };
}

function lastPhaseOf(snapshot: RunSnapshot): RunPhase | undefined {
  return RUN_PHASES.filter((p) => snapshot.phases[p].status !== 'pending').at(-1);
}

// A torn or edited file is "not a valid run config", never an exception of its own.
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A run's journaled events (events.jsonl); a torn last line from a crash is skipped, the lines before
 * it count. Only a regular file of a sane size is read (readRegularFileSync: a link is not followed, a
 * FIFO does not block the main loop); anything else throws its sentence.
 */
function readRunEventsOrThrow(dir: string): RunEvent[] {
  const text = readRegularFileSync(join(dir, 'events.jsonl'), { what: "a run's events", maxBytes: MAX_EVENTS_BYTES });
  const lines = (text ?? '').split('\n').filter(Boolean);
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as RunEvent];
    } catch {
      return [];
    }
  });
}

// The events of a run, [] when they cannot be read (a reattach's past events are a courtesy).
function readRunEvents(dir: string): RunEvent[] {
  try {
    return readRunEventsOrThrow(dir);
  } catch {
    return [];
  }
}

// A kill mid-write leaves a last line without its newline: end it, so the next event is a line of its own.
function endTornLine(file: string): void {
  let opened: { fd: number; size: number } | undefined;
  try {
    opened = openRegularFileSync(file);
  } catch {
    return; // not a file of ours: the first append says so
  }
  if (!opened) return; // no events yet
  try {
    const last = Buffer.alloc(1);
    if (opened.size > 0 && readSync(opened.fd, last, 0, 1, opened.size - 1) === 1 && last[0] !== 0x0a) {
      appendRegularFileSync(file, '\n');
    }
  } finally {
    closeSync(opened.fd);
  }
}
