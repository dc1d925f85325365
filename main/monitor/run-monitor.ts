import type { LiveBarRecord } from '../../shared/executor/protocol';
import type { BudgetView } from '../../shared/monitor/budget';
import { type CostBurn, unpricedParts } from '../../shared/monitor/cost';
import type { CloudHealth, HealthSample } from '../../shared/monitor/health';
import { splitTimestamp } from '../../shared/monitor/log-line';
import { type LogParseOptions, parseLogLine } from '../../shared/monitor/log-patterns';
import { parseExecutorLine, parseMetricsRecord } from '../../shared/monitor/metrics-record';
import { formatDurationMs, type MonitorNotice } from '../../shared/monitor/notices';
import type { ProgressUpdate, TrainingProgress } from '../../shared/monitor/progress';
import type { StallRule } from '../../shared/monitor/stall';
import type { MonitorAlert, MonitorDelta, MonitorSnapshot } from '../../shared/monitor/view';
import { formatUsd } from '../../shared/report/format';
import { redactUrlUserinfo } from '../../shared/security/redact-url';
import { asSentence } from '../../shared/text/sentences';
import type { Clock } from '../core/clock';
import { AutoStopper, type AutoStopSettings } from './auto-stop';
import { Coalescer, type Timers } from './coalescer';
import { addHealthSeries } from './health-series';
import { LineRing } from './line-ring';
import { ProgressTracker, type UpdateOrigin } from './progress-tracker';
import { SeriesStore } from './series-store';
import { StallDetector } from './stall-detector';

/** Metric series keep one point per this many ms (the health cadence), whatever the log rate. */
const METRIC_SPACING_MS = 5000;
const MAX_ALERTS = 50;

// A copy: the stopper keeps changing its own view, a delta already sent must not change with it.
function budgetField(view: BudgetView | undefined): { budget?: BudgetView } {
  return view ? { budget: { ...view } } : {};
}

/** Settings of one run's monitor. */
export interface RunMonitorOptions {
  runId: string;
  clock: Clock;
  timers?: Timers;
  /** Receives every coalesced delta (the service forwards it as `monitor.delta`). */
  onDelta: (delta: MonitorDelta) => void;
  /** Receives notices worth a notification (stall, spot interruption). */
  onNotice?: (notice: MonitorNotice) => void;
  stallRule?: StallRule;
  /** What the monitor may stop the run for (budget, stall, NaN loss); absent: it only watches. */
  autoStop?: AutoStopSettings;
  parse?: LogParseOptions;
  logLines?: number;
  seriesCapacity?: number;
  minIntervalMs?: number;
}

/**
 * Everything known about one watched run: series, log tail, progress, health, cost, alerts.
 * Inputs arrive from the watcher (log lines, samples); outputs leave as a snapshot on
 * request and as coalesced deltas (≤ 10/s) carrying only what changed.
 */
export class RunMonitor {
  readonly series: SeriesStore;
  readonly log: LineRing;
  private readonly progress = new ProgressTracker();
  private readonly stall: StallDetector;
  private readonly autoStop: AutoStopper;
  /** What a graceful stop's push may move, as last measured on the machine (the pushed folders' size). */
  private pushBytes: number | undefined;
  private readonly coalescer: Coalescer;
  private health: HealthSample | undefined;
  private cloud: CloudHealth = {};
  private cost: CostBurn | undefined;
  private readonly alerts: MonitorAlert[] = [];
  private newAlerts: MonitorAlert[] = [];
  private dirty = { progress: false, health: false, cloud: false, cost: false, budget: false };
  private seq = 0;

  constructor(private readonly options: RunMonitorOptions) {
    this.series = new SeriesStore(options.seriesCapacity);
    this.log = new LineRing(options.logLines);
    this.stall = new StallDetector(options.clock, options.stallRule);
    this.autoStop = new AutoStopper(
      options.autoStop,
      (cause, reason) => {
        this.alert(
          'auto-stop',
          `${reason[0]!.toUpperCase()}${reason.slice(1)}: stopping training, pushing, then tearing down.`,
        );
        this.options.onNotice?.({ kind: 'auto-stop', runId: this.options.runId, cause, reason });
        this.changed('progress');
      },
      (maxCostUsd, cost) => this.alert('budget-unpriced', budgetUnpricedMessage(maxCostUsd, cost)),
      (maxCostUsd, why) =>
        this.alert(
          'budget-upper-bound',
          `The budget of ${formatUsd(maxCostUsd)} counts this spot instance at an upper bound: ${asSentence(why.replace(/^At most: /, ''))} It may stop the run sooner than the spot price would need, never later.`,
        ),
    );
    this.coalescer = new Coalescer(() => this.flush(), options.clock, options.timers, options.minIntervalMs);
  }

  /** Lines of `logs/<run-id>/train.log`: tail, progress from patterns, activity for the stall detector. */
  addTrainLines(lines: readonly string[]): void {
    if (!lines.length) return;
    const now = this.options.clock.now();
    this.stall.onLine(now);
    this.progress.touch(now);
    for (const line of lines) {
      // The training's own output may print a URL with a token in it; the window never shows one.
      const raw = redactUrlUserinfo(line);
      this.log.push(raw);
      // Rates use the line's own time (a backlog read after a reconnect keeps its pace); the
      // stall detector and "last line" use arrival time, immune to a skewed instance clock.
      const { at = now, text } = splitTimestamp(raw);
      this.checkLoss(text);
      const update = parseLogLine(text, this.options.parse);
      if (update) this.applyProgress(update, at);
    }
    this.changed('progress');
  }

  /** Lines of `logs/<run-id>/metrics.jsonl`; a line that is not a JSON object is skipped. */
  addMetricsLines(lines: readonly string[]): void {
    const now = this.options.clock.now();
    for (const line of lines) {
      this.checkLoss(line);
      const update = parseMetricsRecord(line);
      if (update) this.applyProgress(update, update.at ?? now, 'metrics');
    }
    if (lines.length) this.changed('progress');
  }

  /**
   * The training's progress bar as last redrawn (`train-live.json`): shown as it is, and read as
   * progress like a log line (rate and ETA follow the bar between its closes). Not a log line.
   */
  addLiveBar(record: LiveBarRecord): void {
    const at = Date.parse(record.at);
    if (!Number.isFinite(at)) return;
    const previous = this.progress.snapshot().liveBar;
    if (previous && previous.at === at && previous.text === record.text) return;
    const text = redactUrlUserinfo(record.text);
    this.progress.setLiveBar({ text, at, open: record.open });
    const update = parseLogLine(text, this.options.parse);
    if (update) this.applyProgress(update, at);
    this.changed('progress');
  }

  /** Lines of `logs/<run-id>/executor.jsonl`: the executor's current phase. */
  addExecutorLines(lines: readonly string[]): void {
    for (const line of lines) {
      const phase = parseExecutorLine(line);
      if (phase) this.progress.setPhase(phase);
    }
    if (lines.length) this.changed('progress');
  }

  addHealth(sample: HealthSample): void {
    const previousGpuError = this.health?.gpuError;
    this.health = sample;
    addHealthSeries(this.series, sample);
    this.stall.onSample(sample);
    if (sample.gpuError && sample.gpuError !== previousGpuError) this.alert('gpu-unavailable', sample.gpuError);
    this.checkStall(sample);
    this.changed('health');
  }

  /** CloudWatch points and instance state (AWS runs). */
  addCloud(cloud: CloudHealth, points: { name: string; unit: string; t: number; v: number }[] = []): void {
    for (const p of points) this.series.add(p.name, p.unit, p.t, p.v);
    if (cloud.spotInterruption && !this.cloud.spotInterruption) {
      const { action, time } = cloud.spotInterruption;
      this.alert('spot-interruption', `AWS will ${action} this spot instance at ${time}; the executor is pushing now.`);
      this.options.onNotice?.({ kind: 'spot-interruption', runId: this.options.runId, action, time });
    }
    if (cloud.statusCheckFailed && !this.cloud.statusCheckFailed) {
      this.alert('status-check', 'An EC2 status check failed.');
    }
    this.cloud = { ...this.cloud, ...cloud };
    this.changed('cloud');
  }

  /** The burn rate and cost so far; with a budget, also the budget's check. */
  setCost(cost: CostBurn): void {
    this.cost = cost;
    this.changed('cost');
    // Unmeasured push: the data disk's used bytes (an upper bound: the datasets are never pushed).
    this.autoStop.onCost(cost, this.pushBytes ?? this.health?.disk?.usedBytes ?? 0);
    if (this.autoStop.budgetView()) this.changed('budget');
  }

  /** The size of the folders a push would move, measured on the machine (the budget's stop model). */
  setPushBytes(bytes: number): void {
    if (Number.isFinite(bytes) && bytes >= 0) this.pushBytes = bytes;
  }

  /** The log was truncated or rotated: say so in the tail and as an alert. */
  noteLogReset(kind: 'rotated' | 'truncated'): void {
    this.alert('log-rotated', `The training log was ${kind}; reading the new file from its start.`);
    this.changed('progress');
  }

  /** The training progress as of now (no delta flushed, no series or log copied). */
  progressSnapshot(): TrainingProgress {
    return this.progress.snapshot();
  }

  /** ETA of the training, for the cost projection. */
  etaSeconds(): number | undefined {
    return this.progress.snapshot().etaSeconds;
  }

  /**
   * Everything, series downsampled to `points` each, as of `seq`. Pending changes go out as a
   * delta first rather than being folded silently: another window subscribed to the deltas
   * must not lose them because this one asked for a snapshot.
   */
  snapshot(points: number): MonitorSnapshot {
    this.coalescer.flushNow();
    return {
      runId: this.options.runId,
      seq: this.seq,
      at: this.options.clock.now(),
      series: this.series.view(points),
      progress: this.progress.snapshot(),
      ...(this.health ? { health: this.health } : {}),
      cloud: this.cloud,
      ...(this.cost ? { cost: this.cost } : {}),
      ...budgetField(this.autoStop.budgetView()),
      log: this.log.tail(),
      alerts: [...this.alerts],
    };
  }

  /** Stops pending deltas (the run is no longer watched). */
  close(): void {
    this.coalescer.cancel();
  }

  private applyProgress(update: ProgressUpdate, at: number, origin: UpdateOrigin = 'log'): void {
    const changed = this.progress.apply(update, at, origin);
    for (const [name, value] of Object.entries(changed ?? {})) {
      this.series.add(`metric.${name}`, '', at, value, METRIC_SPACING_MS);
    }
  }

  private checkStall(sample: HealthSample): void {
    const verdict = this.stall.check();
    if (!verdict.stalled || !verdict.justNow) return;
    const gpu = Boolean(sample.gpus?.length);
    this.alert('stall', `No new log line and ${gpu ? 'GPU' : 'CPU'} idle for ${formatDurationMs(verdict.quietMs)}.`);
    this.options.onNotice?.({ kind: 'stall', runId: this.options.runId, quietMs: verdict.quietMs, gpu });
    this.autoStop.onStall(`no new log line and ${gpu ? 'GPU' : 'CPU'} idle for ${formatDurationMs(verdict.quietMs)}`);
  }

  // A NaN or infinite loss: one alert (and a notification unless the stop says it).
  private checkLoss(text: string): void {
    const loss = this.autoStop.onText(text);
    if (!loss) return;
    this.alert('loss-not-finite', `${loss.name} is ${loss.value}: the training learns nothing any more.`);
    if (!this.autoStop.stopsOnLoss) {
      this.options.onNotice?.({ kind: 'loss-not-finite', runId: this.options.runId, ...loss });
    }
  }

  private alert(kind: MonitorAlert['kind'], message: string): void {
    const alert = { kind, message, at: this.options.clock.now() };
    this.alerts.push(alert);
    if (this.alerts.length > MAX_ALERTS) this.alerts.shift();
    this.newAlerts.push(alert);
  }

  private changed(part: keyof RunMonitor['dirty']): void {
    this.dirty[part] = true;
    this.coalescer.mark();
  }

  private flush(): void {
    const delta: MonitorDelta = { runId: this.options.runId, seq: ++this.seq, at: this.options.clock.now() };
    const points = this.series.takeNew();
    if (points) delta.points = points;
    const log = this.log.takeNew();
    if (log) delta.log = log;
    if (this.dirty.progress) delta.progress = this.progress.snapshot();
    if (this.dirty.health && this.health) delta.health = this.health;
    if (this.dirty.cloud) delta.cloud = this.cloud;
    if (this.dirty.cost && this.cost) delta.cost = this.cost;
    if (this.dirty.budget) Object.assign(delta, budgetField(this.autoStop.budgetView()));
    if (this.newAlerts.length) delta.alerts = this.newAlerts;
    this.newAlerts = [];
    this.dirty = { progress: false, health: false, cloud: false, cost: false, budget: false };
    this.options.onDelta(delta);
  }
}

/**
 * The budget cannot stop a run TrainDeck cannot price: which part has no price (this instance, its
 * disk, or an earlier attempt, named with why), and what still ends the run.
 */
export function budgetUnpricedMessage(maxCostUsd: number, cost: CostBurn): string {
  const parts = unpricedParts(cost);
  const what = parts.length ? parts.join('; ') : 'this run';
  return `TrainDeck has no price for ${what}, so the budget of ${formatUsd(maxCostUsd)} cannot stop the run: it runs until its time limit or until you stop it.`;
}
