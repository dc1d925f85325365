import type { ExecutorPhase, ProgressUpdate, TrainingProgress } from '../../shared/monitor/progress';

/** Rate is measured over this much recent time, so it follows speed changes within a minute. */
const RATE_WINDOW_MS = 60_000;
const MAX_METRICS = 64;
const MARK_SPACING_MS = 1000;

interface Mark {
  at: number;
  steps: number;
  fraction?: number;
}

/**
 * Folds progress updates (from log lines and metrics.jsonl) into the current picture, with
 * it/s from the step counter and an ETA from the rate at which the done fraction grows.
 * A step counter that restarts (a new epoch's bar) counts as continued work, not negative.
 */
export class ProgressTracker {
  private readonly state: TrainingProgress = { metrics: {} };
  private readonly marks: Mark[] = [];
  private cumulative = 0;
  private lastStep: number | undefined;

  /** Applies one update seen at `at` (epoch ms). Returns the metrics it changed. */
  apply(update: ProgressUpdate, at: number): Record<string, number> | undefined {
    const s = this.state;
    if (update.epoch !== undefined) s.epoch = update.epoch;
    if (update.totalEpochs !== undefined) s.totalEpochs = update.totalEpochs;
    if (update.totalSteps !== undefined) s.totalSteps = update.totalSteps;
    if (update.step !== undefined) {
      const delta =
        this.lastStep === undefined ? 0 : update.step >= this.lastStep ? update.step - this.lastStep : update.step;
      this.cumulative += delta;
      this.lastStep = update.step;
      s.step = update.step;
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

  setPhase(phase: ExecutorPhase): void {
    this.state.phase = phase;
  }

  /** A copy of the current progress. */
  snapshot(): TrainingProgress {
    return { ...this.state, metrics: { ...this.state.metrics } };
  }

  private fraction(): number | undefined {
    const { step, totalSteps, epoch, totalEpochs } = this.state;
    const inner = step !== undefined && totalSteps ? Math.min(1, step / totalSteps) : undefined;
    if (totalEpochs && epoch !== undefined) {
      // "Epoch 3/10" is the third epoch: two are done, plus the share of this one.
      const done = Number.isInteger(epoch) ? Math.max(0, epoch - 1) + (inner ?? 0) : epoch;
      return Math.min(1, done / totalEpochs);
    }
    return inner;
  }

  private recompute(at: number): void {
    const fraction = this.fraction();
    if (fraction === undefined) delete this.state.fraction;
    else this.state.fraction = fraction;
    // One mark per second at most: a log at 1,000 lines/s keeps ≤ 60 marks in the window.
    const lastMark = this.marks.at(-1);
    if (!lastMark || at - lastMark.at >= MARK_SPACING_MS || at < lastMark.at) {
      this.marks.push({ at, steps: this.cumulative, ...(fraction !== undefined ? { fraction } : {}) });
      while (this.marks.length > 2 && (this.marks[1] as Mark).at <= at - RATE_WINDOW_MS) this.marks.shift();
    }
    const first = this.marks[0] as Mark;
    const seconds = (at - first.at) / 1000;
    if (seconds <= 0) return;
    const rate = (this.cumulative - first.steps) / seconds;
    if (rate > 0) this.state.itPerSec = rate;
    if (fraction !== undefined && first.fraction !== undefined && fraction > first.fraction) {
      this.state.etaSeconds = ((1 - fraction) * seconds) / (fraction - first.fraction);
    } else if (fraction === 1) this.state.etaSeconds = 0;
  }
}
