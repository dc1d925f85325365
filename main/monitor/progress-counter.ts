/** Rate is measured over this much recent time, so it follows speed changes within a minute. */
export const RATE_WINDOW_MS = 60_000;
const MARK_SPACING_MS = 1000;

interface Mark {
  at: number;
  work: number;
}

/**
 * One step counter of one source (metrics.jsonl's `step`, or a log's progress bar `n/total`),
 * folded into work done (for the rate) and passes (for the position). A counter that drops is a
 * new pass (the next epoch's bar), never negative work; the pass before it ran to its end when
 * the epoch counter moved on meanwhile or it was seen at its total (tqdm's last redraws are
 * throttled away), otherwise it counts as far as it was seen (a restarted bar).
 */
export class ProgressCounter {
  /** The counter's own length (a bar's total, metrics' total_steps). */
  total: number | undefined;
  /** The latest value. */
  value: number | undefined;
  /** Passes completed (drops seen). */
  passes = 0;
  /** Epoch ms of the latest value (the source's own time). */
  lastAt: number | undefined;
  /** An integer epoch counter moved on while this counter kept growing: it counts over all epochs. */
  spansEpochs = false;
  /** The bar names its epoch in its own text (Lightning's "Epoch 0: … 12/300"): it is that epoch's bar. */
  labeledWithEpoch = false;
  /** The (integer) epoch counter when the current pass began. */
  epochAtPassStart: number | undefined;
  private work = 0;
  private readonly marks: Mark[] = [];

  feed(value: number, total: number | undefined, at: number, epoch: number | undefined): void {
    if (total !== undefined && total > 0) this.total = total;
    const last = this.value;
    if (last === undefined) {
      this.epochAtPassStart = epoch;
    } else if (
      value >= last &&
      this.total !== undefined &&
      last >= this.total &&
      epoch !== undefined &&
      this.epochAtPassStart !== undefined &&
      epoch > this.epochAtPassStart
    ) {
      // At its end, then again in a later epoch (Keras `verbose=2`: one `300/300` line per epoch):
      // a whole new pass, not a counter standing still.
      this.work += value;
      this.passes++;
      this.epochAtPassStart = epoch;
    } else if (value >= last) {
      this.work += value - last;
      // The epoch moved on and this counter did not restart: a global step, not a per-epoch bar.
      const epochMoved = epoch !== undefined && this.epochAtPassStart !== undefined && epoch > this.epochAtPassStart;
      if (epochMoved && this.passes === 0 && last > 0 && value > last) this.spansEpochs = true;
    } else {
      const epochMoved = epoch !== undefined && this.epochAtPassStart !== undefined && epoch !== this.epochAtPassStart;
      const seenAtEnd = this.total !== undefined && last >= this.total;
      if ((epochMoved || seenAtEnd) && this.total !== undefined) this.work += Math.max(0, this.total - last);
      this.work += value;
      this.passes++;
      this.spansEpochs = false;
      this.epochAtPassStart = epoch;
    }
    this.value = value;
    // A line older than the last one (a backlog out of order) does not move time backwards.
    const time = Math.max(at, this.lastAt ?? at);
    this.lastAt = time;
    const lastMark = this.marks.at(-1);
    if (!lastMark || time - lastMark.at >= MARK_SPACING_MS) {
      this.marks.push({ at: time, work: this.work });
      while (this.marks.length > 2 && (this.marks[1] as Mark).at <= time - RATE_WINDOW_MS) this.marks.shift();
    }
  }

  /** Steps per second over the recent window (the latest value included); undefined before time has passed. */
  rate(): number | undefined {
    const first = this.marks[0];
    if (!first || this.lastAt === undefined) return undefined;
    const seconds = (this.lastAt - first.at) / 1000;
    if (seconds <= 0) return undefined;
    const rate = (this.work - first.work) / seconds;
    return rate > 0 && Number.isFinite(rate) ? rate : undefined;
  }
}
