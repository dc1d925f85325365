import type {
  ExecutorPhaseReport,
  LiveBar,
  ProgressSource,
  ProgressUpdate,
  TrainingProgress,
} from '../../shared/monitor/progress';
import { ProgressCounter, RATE_WINDOW_MS } from './progress-counter';

const MAX_METRICS = 64;
// Bars of different lengths are told apart (training vs validation); a few are enough.
const MAX_LOG_COUNTERS = 8;

interface FractionMark {
  at: number;
  fraction: number;
}

/** Where progress comes from, for {@link ProgressTracker.apply}. */
export type UpdateOrigin = 'metrics' | 'log';

/**
 * Folds progress updates (log lines and metrics.jsonl records) into one picture. Every source
 * keeps its own counter, so a global `step` in metrics.jsonl and a per-epoch bar `n/782` in the
 * log never read as each other's restarts. Rate and ETA come from one source, by precedence:
 *
 * 1. metrics.jsonl `step` (the run's own convention, global by design), while it moves;
 * 2. the log's progress bar (`n/total`, tqdm/HF/Lightning/Keras) or `step=` lines; among bars of
 *    different lengths the longest counts (validation and eval bars are the shorter ones);
 * 3. the epoch counter alone (fraction and ETA, no it/s).
 *
 * A bar that restarts is a per-epoch bar: with `totalEpochs` known, epochs × bar length is the
 * total. The done fraction never goes down, and the ETA is never negative.
 */
export class ProgressTracker {
  private readonly state: TrainingProgress = { metrics: {} };
  private readonly metricsCounter = new ProgressCounter();
  private readonly logCounters = new Map<number, ProgressCounter>();
  private readonly fractionMarks: FractionMark[] = [];
  private latestAt = -Infinity;

  /** Applies one update seen at `at` (epoch ms; the line's own time when it has one). Returns the metrics it changed. */
  apply(update: ProgressUpdate, at: number, origin: UpdateOrigin = 'log'): Record<string, number> | undefined {
    const s = this.state;
    this.latestAt = Math.max(this.latestAt, at);
    // Sources lag each other (metrics.jsonl may still be in epoch 1 when the log says "Epoch 2/3"): the epoch never goes back.
    if (update.epoch !== undefined) s.epoch = Math.max(s.epoch ?? update.epoch, update.epoch);
    if (update.totalEpochs !== undefined && update.totalEpochs > 0) s.totalEpochs = update.totalEpochs;
    const epoch = s.epoch !== undefined && Number.isInteger(s.epoch) ? s.epoch : undefined;
    if (update.step !== undefined && update.step >= 0) {
      if (origin === 'metrics') this.metricsCounter.feed(update.step, update.totalSteps, at, epoch);
      else {
        const counter = this.logCounter(update.totalSteps);
        counter?.feed(update.step, update.totalSteps, at, epoch);
        if (counter && update.epoch !== undefined) counter.labeledWithEpoch = true;
      }
    } else if (update.totalSteps !== undefined && origin === 'metrics' && update.totalSteps > 0) {
      this.metricsCounter.total = update.totalSteps;
    }
    let changed: Record<string, number> | undefined;
    for (const [key, value] of Object.entries(update.metrics ?? {})) {
      if (!(key in s.metrics) && Object.keys(s.metrics).length >= MAX_METRICS) continue;
      s.metrics[key] = value;
      (changed ??= {})[key] = value;
    }
    this.recompute(at);
    return changed;
  }

  /** Records that a line arrived (any line), for the stall detector and the UI. */
  touch(at: number): void {
    this.state.lastLineAt = at;
  }

  setPhase(phase: ExecutorPhaseReport): void {
    this.state.phase = phase;
  }

  /** The training's live progress bar (its latest redraw), shown as it is. */
  setLiveBar(bar: LiveBar): void {
    this.state.liveBar = bar;
  }

  /** A copy of the current progress. */
  snapshot(): TrainingProgress {
    return { ...this.state, metrics: { ...this.state.metrics } };
  }

  /** The counter for bars of this length; shorter bars than the longest seen are someone else's (validation). */
  private logCounter(total: number | undefined): ProgressCounter | undefined {
    const key = total ?? 0;
    let counter = this.logCounters.get(key);
    if (!counter) {
      counter = new ProgressCounter();
      this.logCounters.set(key, counter);
      if (this.logCounters.size > MAX_LOG_COUNTERS) {
        const smallest = Math.min(...this.logCounters.keys());
        this.logCounters.delete(smallest);
        if (smallest === key) return undefined;
      }
    }
    return counter;
  }

  private mainLogCounter(): ProgressCounter | undefined {
    let best: [number, ProgressCounter] | undefined;
    for (const entry of this.logCounters) if (!best || entry[0] > best[0]) best = entry;
    return best?.[1];
  }

  /** Where a counter stands in units of the whole training, and how many units the whole is. */
  // metrics.jsonl's step is global by convention (per-epoch only once it restarts); a log bar beside
  // an "Epoch i/N" counter is the epoch's bar until the epoch moves on without it restarting.
  private position(counter: ProgressCounter, globalByDefault: boolean): { done: number; total?: number } {
    const value = counter.value ?? 0;
    const { totalEpochs, epoch } = this.state;
    const besideEpochs = !globalByDefault && epoch !== undefined && Number.isInteger(epoch);
    const epochBar = besideEpochs && !!totalEpochs;
    const perEpoch = !counter.spansEpochs && (counter.passes > 0 || epochBar);
    if (counter.total === undefined) return { done: value };
    // Lightning's "Epoch 0: … 300/300" is the epoch's bar, and how many epochs follow is not said:
    // its end is not the training's (claiming it made "100 % done, ETA 0 s" for the epochs after).
    // (A bar beside HF's fractional epochs of its log dicts is a global one: only a bar that names its epoch.)
    if (counter.labeledWithEpoch && besideEpochs && !totalEpochs && !counter.spansEpochs && counter.passes === 0) {
      return { done: value };
    }
    if (!perEpoch) return { done: value, total: counter.total };
    // "Epoch 3/10" is the third epoch: two are done. The epoch the bar began in counts (the counter
    // may move on before the bar restarts); without an epoch counter, the passes seen are.
    const started = counter.epochAtPassStart;
    const epochsDone = started !== undefined ? Math.max(counter.passes, started - 1) : counter.passes;
    const done = epochsDone * counter.total + Math.min(value, counter.total);
    return totalEpochs ? { done, total: counter.total * totalEpochs } : { done };
  }

  private recompute(at: number): void {
    const s = this.state;
    const log = this.mainLogCounter();
    const logPlace = log?.value !== undefined ? this.position(log, false) : undefined;
    const metrics = this.metricsCounter.value !== undefined ? this.metricsCounter : undefined;
    let metricsPlace: { done: number; total?: number } | undefined;
    if (metrics) {
      metricsPlace = this.position(metrics, true);
      // A global step without a total of its own takes the log's (epochs × bar length) when it fits.
      if (metricsPlace.total === undefined && logPlace?.total !== undefined && metricsPlace.done <= logPlace.total) {
        metricsPlace.total = logPlace.total;
      }
    }
    const fresh = (counter: ProgressCounter | undefined) =>
      counter?.lastAt !== undefined && counter.lastAt >= this.latestAt - RATE_WINDOW_MS;
    let source: ProgressSource | undefined;
    let counter: ProgressCounter | undefined;
    let place: { done: number; total?: number } | undefined;
    if (metrics && (fresh(metrics) || !log)) [source, counter, place] = ['metrics', metrics, metricsPlace];
    else if (log) [source, counter, place] = ['log', log, logPlace];
    else if (s.epoch !== undefined) source = 'epoch';

    // Every source that knows its total says how far the training got; the one read last is ahead.
    let fraction: number | undefined;
    for (const candidate of [metricsPlace, logPlace]) {
      if (candidate?.total) fraction = Math.max(fraction ?? 0, Math.min(1, candidate.done / candidate.total));
    }
    if (fraction === undefined && s.totalEpochs && s.epoch !== undefined) {
      fraction = Math.min(1, (Number.isInteger(s.epoch) ? Math.max(0, s.epoch - 1) : s.epoch) / s.totalEpochs);
    }
    // Total progress never goes back: two sources may disagree by a few steps, the bar must not flicker.
    if (fraction !== undefined) s.fraction = Math.max(s.fraction ?? 0, fraction);
    if (source) s.source = source;
    if (place) {
      s.step = place.done;
      if (place.total !== undefined) s.totalSteps = place.total;
      else delete s.totalSteps;
    }
    const rate = counter?.rate();
    if (rate !== undefined) s.itPerSec = rate;
    else if (source === 'epoch') delete s.itPerSec;
    this.recomputeEta(at, rate, place);
  }

  private recomputeEta(at: number, rate: number | undefined, place: { done: number; total?: number } | undefined) {
    const s = this.state;
    if (s.fraction !== undefined && s.fraction >= 1) {
      // Done, unless the source counts on past the total it was measured against (a bar that read
      // 100 % and restarted): then how long is left is not known, and 0 s would be a lie.
      if (place && place.total === undefined) delete s.etaSeconds;
      else s.etaSeconds = 0;
      return;
    }
    if (rate !== undefined && place?.total !== undefined) {
      s.etaSeconds = Math.max(0, (place.total - place.done) / rate);
      return;
    }
    // No counter with a total: how fast the done fraction grows (epochs alone).
    if (s.fraction === undefined) return;
    const time = Math.max(at, this.fractionMarks.at(-1)?.at ?? at);
    const last = this.fractionMarks.at(-1);
    if (!last || time - last.at >= 1000) this.fractionMarks.push({ at: time, fraction: s.fraction });
    while (this.fractionMarks.length > 2 && (this.fractionMarks[1] as FractionMark).at <= time - 10 * RATE_WINDOW_MS) {
      this.fractionMarks.shift();
    }
    const first = this.fractionMarks[0] as FractionMark;
    const seconds = (time - first.at) / 1000;
    const eta = ((1 - s.fraction) * seconds) / (s.fraction - first.fraction);
    // A denormal step of the fraction makes an infinite ETA: no ETA is more honest.
    if (seconds > 0 && s.fraction > first.fraction && Number.isFinite(eta)) s.etaSeconds = Math.max(0, eta);
  }
}
