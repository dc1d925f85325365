import type { Clock } from '../core/clock';

/** Timer functions, injected so the benchmark and tests can run simulated time. */
export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The real timers. */
const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** At most 10 renderer updates per second: charts and the log tail redraw once per frame batch. */
const DEFAULT_MIN_INTERVAL_MS = 100;

/**
 * Collapses bursts of changes into at most one flush per `minIntervalMs`. The first change
 * after a quiet period flushes after the rest of the interval (at once when it elapsed), so
 * latency stays under the interval and a flood of log lines costs ≤ 10 flushes a second.
 */
export class Coalescer {
  private lastFlush = -Infinity;
  private timer: unknown;
  private scheduled = false;

  constructor(
    private readonly flush: () => void,
    private readonly clock: Clock,
    private readonly timers: Timers = realTimers,
    private readonly minIntervalMs = DEFAULT_MIN_INTERVAL_MS,
  ) {}

  /** Something changed; a flush will follow within the interval. */
  mark(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, this.lastFlush + this.minIntervalMs - this.clock.now());
    this.timer = this.timers.set(() => this.run(), wait);
  }

  /** Runs a pending flush now (before a snapshot, so every subscriber sees the same seq). */
  flushNow(): void {
    if (!this.scheduled) return;
    this.timers.clear(this.timer);
    this.run();
  }

  /** Stops a pending flush (the run is no longer watched). */
  cancel(): void {
    if (this.scheduled) this.timers.clear(this.timer);
    this.scheduled = false;
  }

  private run(): void {
    this.scheduled = false;
    this.lastFlush = this.clock.now();
    this.flush();
  }
}
