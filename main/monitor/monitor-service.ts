import type { CostResource } from '../../shared/domain/cost';
import type { RunEvent } from '../../shared/domain/run';
import { TypedError } from '../../shared/ipc/result';
import type { MonitorNotice } from '../../shared/monitor/notices';
import type { TrainingProgress } from '../../shared/monitor/progress';
import type { MonitoredRun, MonitorSnapshot } from '../../shared/monitor/view';
import type { PriceTable } from '../../shared/pricing/price-table';
import type { SpotNowAnswer } from '../../shared/pricing/spot-now-price';
import type { InstanceMetricsPort } from '../aws/ports/metrics-port';
import { raceAbort } from '../core/abort';
import type { Clock } from '../core/clock';
import type { EventBus } from '../core/event-bus';
import type { Logger } from '../core/logger';
import { realSleep, type Sleep } from '../core/sleep';
import type { RemoteShell } from '../host/remote-host';
import { CloudWatcher } from './cloud-watcher';
import type { Timers } from './coalescer';
import type { MonitorNotifier } from './monitor-notifier';
import { notifyRunEvents } from './run-event-bridge';
import { RunMonitor, type RunMonitorOptions } from './run-monitor';
import { RunWatcher, type WatchOptions } from './run-watcher';
import type { SpotRead } from './spot-reread';

/** Points per series in a snapshot unless the page asks otherwise: a chart's width in pixels. */
const DEFAULT_SNAPSHOT_POINTS = 500;

/** What the pipeline passes when a run starts training. */
export interface WatchRequest extends Pick<
  WatchOptions,
  'paths' | 'burn' | 'intervalMs' | 'checkSpot' | 'source' | 'measurePush'
> {
  runId: string;
  shell: RemoteShell;
  stallRule?: RunMonitorOptions['stallRule'];
  parse?: RunMonitorOptions['parse'];
  /** The run's budget, stall and NaN-loss actions, and its graceful stop. */
  autoStop?: RunMonitorOptions['autoStop'];
  /** AWS runs: CloudWatch and EC2 state, which keep working when SSH does not. */
  cloud?: { port: InstanceMetricsPort; instanceId: string; intervalMs?: number };
}

interface Watched {
  monitor: RunMonitor;
  watcher: RunWatcher;
  abort: AbortController;
  /** The polling loop; settles soon after `abort`. */
  loop: Promise<void>;
  since: number;
}

/** How long the last round at the end of a run may take (the machine may already be unreachable). */
const FINAL_ROUND_LIMIT_MS = 15_000;

/**
 * The monitor's service: one {@link RunMonitor} per watched run, its polling loops, the
 * `monitor.delta` events and the notifications. The pipeline calls `watch` when training
 * starts, `setShell` after a reconnect, `stop` at the end; handlers call `snapshot`.
 */
export class MonitorService {
  private readonly runs = new Map<string, Watched>();

  constructor(
    private readonly deps: {
      bus: EventBus;
      clock: Clock;
      log: Logger;
      notifier: MonitorNotifier;
      timers?: Timers;
      sleep?: Sleep;
    },
  ) {
    notifyRunEvents(deps.bus, deps.notifier);
  }

  watch(request: WatchRequest): RunMonitor {
    this.stop(request.runId);
    const { bus, clock, log, notifier, timers } = this.deps;
    const monitor = new RunMonitor({
      runId: request.runId,
      clock,
      ...(timers ? { timers } : {}),
      onDelta: (delta) => bus.emit('monitor.delta', delta),
      onNotice: (notice: MonitorNotice) => notifier.notify(notice),
      ...(request.stallRule ? { stallRule: request.stallRule } : {}),
      ...(request.autoStop ? { autoStop: request.autoStop } : {}),
      ...(request.parse ? { parse: request.parse } : {}),
    });
    const sleep = this.deps.sleep ?? realSleep;
    const watcher = new RunWatcher({ ...request, monitor, clock, log, sleep });
    const abort = new AbortController();
    const loop = watcher.run(abort.signal);
    this.runs.set(request.runId, { monitor, watcher, abort, loop, since: clock.now() });
    if (request.cloud) void this.cloudLoop(request.cloud, monitor, abort.signal, sleep);
    return monitor;
  }

  /**
   * For aws-ec2 runs, once the instance is known: the burn rate (instance type, volumes, launch
   * time), the IMDS spot check when it is a spot instance, and CloudWatch + EC2 state polling,
   * which keeps going when SSH does not. Unknown run → false.
   */
  attachAws(
    runId: string,
    aws: {
      burn: NonNullable<WatchRequest['burn']>;
      spot: boolean;
      cloud?: WatchRequest['cloud'];
      /** A spot instance's price reader: read now, then every `spotEveryMs` while the watch lasts. */
      readSpot?: SpotRead;
      spotEveryMs?: number;
    },
  ): boolean {
    const run = this.runs.get(runId);
    if (!run || run.abort.signal.aborted) return false;
    run.watcher.setAws({
      burn: aws.burn,
      checkSpot: aws.spot,
      ...(aws.readSpot ? { readSpot: aws.readSpot, signal: run.abort.signal } : {}),
      ...(aws.spotEveryMs !== undefined ? { spotEveryMs: aws.spotEveryMs } : {}),
    });
    if (aws.cloud) void this.cloudLoop(aws.cloud, run.monitor, run.abort.signal, this.deps.sleep ?? realSleep);
    return true;
  }

  /** A spot instance's spot price arrived (main's spot-now.ts, as the Costs page reads it): the burn uses it from now on. */
  setSpot(runId: string, spot: SpotNowAnswer): void {
    this.runs.get(runId)?.watcher.setSpot(spot);
  }

  /** The run region's prices arrived (main's price source): the burn rate uses them from now on. */
  setPrices(runId: string, prices: PriceTable): void {
    this.runs.get(runId)?.watcher.setPrices(prices);
  }

  /** The pipeline reconnected: keep watching through the new session, from the same offsets. */
  setShell(runId: string, shell: RemoteShell): void {
    this.runs.get(runId)?.watcher.setShell(shell);
  }

  /**
   * The end of a run: stops the loop, then reads one last time (health, train.log, metrics,
   * executor.jsonl) so the final step, loss and log lines are shown even when training ended
   * between two samples; then stops. The whole of it (the round in flight included) is bounded
   * by `limitMs`: a machine that no longer answers cannot hold the run's end. Unknown run → nothing.
   */
  async finish(runId: string, limitMs = FINAL_ROUND_LIMIT_MS): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return;
    run.abort.abort();
    const limit = AbortSignal.timeout(limitMs);
    const lastRound = async () => {
      // The loop's round in flight must end first: two rounds at once would read the same bytes twice.
      await run.loop;
      if (!limit.aborted) await run.watcher.tick(limit);
    };
    try {
      await raceAbort(lastRound(), limit);
    } catch (error) {
      const why = limit.aborted
        ? `did not end within ${limitMs / 1000} s`
        : error instanceof Error
          ? error.message
          : String(error);
      this.deps.log.warn('monitor: the last round was cut short', { runId, why });
    } finally {
      this.stop(runId);
    }
  }

  /** Stops the loops; the run's data stays until `forget`, so the page can still show it. */
  stop(runId: string): void {
    const run = this.runs.get(runId);
    run?.abort.abort();
    run?.monitor.close();
  }

  /** The run's training progress (step, ETA, metrics, phase) as of now, without a snapshot's side effects; undefined when the run is not monitored. */
  progress(runId: string): TrainingProgress | undefined {
    return this.runs.get(runId)?.monitor.progressSnapshot();
  }

  stopAll(): void {
    for (const runId of this.runs.keys()) this.stop(runId);
  }

  list(): MonitoredRun[] {
    return [...this.runs].map(([runId, run]) => ({ runId, since: run.since }));
  }

  snapshot(runId: string, points = DEFAULT_SNAPSHOT_POINTS): MonitorSnapshot {
    const run = this.runs.get(runId);
    if (!run) {
      throw new TypedError('NOT_FOUND', `Run ${runId} is not being monitored.`, {
        fix: 'Start the run, or pick one from the run list.',
      });
    }
    return run.monitor.snapshot(points);
  }

  /**
   * Pipeline events that deserve a notification (training finished, sync verified, teardown).
   * Events emitted on the bus as `runs.event` arrive here by themselves; this is for callers
   * without the bus.
   */
  onRunEvent(event: RunEvent, runStartedAt?: number): void {
    this.deps.notifier.onRunEvent(event, runStartedAt);
  }

  /** A finished cost scan: untracked billable resources raise one notification (MonitorNotifier.onScan). */
  onScan(resources: readonly CostResource[]): void {
    this.deps.notifier.onScan(resources);
  }

  private async cloudLoop(
    cloud: NonNullable<WatchRequest['cloud']>,
    monitor: RunMonitor,
    signal: AbortSignal,
    sleep: Sleep,
  ): Promise<void> {
    const watcher = new CloudWatcher({
      port: cloud.port,
      instanceId: cloud.instanceId,
      monitor,
      clock: this.deps.clock,
    });
    while (!signal.aborted) {
      try {
        await watcher.poll(signal);
      } catch (error) {
        this.deps.log.debug('monitor: CloudWatch poll skipped', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      try {
        await sleep(cloud.intervalMs ?? 60_000, signal);
      } catch {
        return;
      }
    }
  }
}
