/**
 * The node side of `npm run bench:ui`, bundled by run.mjs: what main would send the page.
 * The log stream goes through the real RunMonitor (real timers), so lines are batched and
 * deltas coalesced exactly as main does it; chart series live in main's own SeriesStore, so
 * "as served" snapshots are downsampled by the same LTTB. The browser side is in lib/*.mjs.
 */
import { RUN_ID, runSnapshot } from '../../e2e/web/monitor-fixture';
import { systemClock } from '../../main/core/clock';
import { localHost } from '../../main/host/local-host';
import { HealthSampler } from '../../main/monitor/health-sampler';
import { RunMonitor } from '../../main/monitor/run-monitor';
import { SeriesStore } from '../../main/monitor/series-store';
import type { MonitorDelta, MonitorSnapshot } from '../../shared/monitor/view';
import { healthOutput, makeLines } from '../monitor/workload';

export { startWebHost } from '../../e2e/support/web-host';
export { RUN_ID, runSnapshot };

const HEALTH_MS = 5_000;
const TICK_MS = 100;

/** A watched run fed with `rate` log lines/s and a health sample every 5 s, in real time. */
export class LogFeed {
  private readonly monitor: RunMonitor;
  private readonly sampler = new HealthSampler({ shell: localHost(), clock: systemClock, dataDir: '/data' });
  private sink: ((delta: MonitorDelta) => void) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sent = 0;
  private healthTick = 0;
  /** The last line pushed and its absolute number (1-based, as the tail numbers lines). */
  last = { number: 0, text: '' };
  deltas = 0;

  constructor(private readonly rate: number) {
    this.monitor = new RunMonitor({ runId: RUN_ID, clock: systemClock, onDelta: (delta) => this.sink?.(delta) });
    // An hour of history and 5,000 lines, as a run that has been training a while has.
    const now = systemClock.now();
    for (let i = 720; i > 0; i--) {
      this.monitor.addHealth(this.sampler.parse(healthOutput(this.healthTick++), now - i * HEALTH_MS));
    }
    this.push(5_000);
  }

  /** What `monitor.snapshot {points}` answers (pending changes are flushed first, as in main). */
  snapshot(points: number): MonitorSnapshot {
    return this.monitor.snapshot(points);
  }

  /** Starts the stream; deltas go to `sink` as the coalescer emits them (≤ 10/s). */
  start(sink: (delta: MonitorDelta) => void): void {
    this.sink = (delta) => {
      this.deltas++;
      sink(delta);
    };
    const started = performance.now();
    const base = this.sent;
    let nextHealth = started + HEALTH_MS;
    // Lines due are computed from elapsed time, so timer drift cannot change the rate.
    this.timer = setInterval(() => {
      const now = performance.now();
      this.push(Math.floor(((now - started) / 1000) * this.rate) - (this.sent - base));
      if (now >= nextHealth) {
        nextHealth += HEALTH_MS;
        this.monitor.addHealth(this.sampler.parse(healthOutput(this.healthTick++), systemClock.now()));
      }
    }, TICK_MS);
  }

  /** Stops feeding; the coalescer's last delta still goes out within its interval. */
  stop(): void {
    clearInterval(this.timer);
  }

  close(): void {
    this.stop();
    this.monitor.close();
  }

  private push(count: number): void {
    if (count <= 0) return;
    const lines = makeLines(Math.floor(this.sent / this.rate), count, this.sent).split('\n');
    lines.pop();
    this.monitor.addTrainLines(lines);
    this.sent += lines.length;
    this.last = { number: this.sent, text: lines.at(-1) ?? '' };
  }
}

/** One series per chart group of the monitor (chart-groups.ts): 8 charts. */
const CHART_SERIES = [
  ['cpu', '%', 40, 15],
  ['gpu0.util', '%', 90, 6],
  ['gpu0.mem', 'MiB', 18_400, 300],
  ['gpu0.temp', '°C', 71, 3],
  ['memory', 'B', 9.6e9, 0.4e9],
  ['disk', 'B', 61e9, 1e9],
  ['net.rx', 'B/s', 18e6, 9e6],
  ['metric.loss', '', 1.2, 0.8],
] as const;

/** 24 h at 5 s per series (17,280 points) in main's SeriesStore; deltas append one point per series. */
export class ChartFeed {
  readonly store = new SeriesStore();
  private t: number;
  private i = 0;
  private seq = 0;

  constructor(readonly pointsPerSeries = 17_280) {
    this.t = systemClock.now() - pointsPerSeries * HEALTH_MS;
    for (let n = 0; n < pointsPerSeries; n++) this.addSample();
    this.store.takeNew();
  }

  /** `monitor.snapshot`: downsampled to `points` as main serves it, or every point when `points` is undefined. */
  snapshot(points: number | undefined): MonitorSnapshot {
    return {
      runId: RUN_ID,
      seq: this.seq,
      at: this.t,
      series: this.store.view(points ?? this.pointsPerSeries),
      progress: { step: 5200, totalSteps: 13000, metrics: {} },
      log: { first: 0, lines: [] },
      alerts: [],
    };
  }

  /**
   * The next delta: one new 5-s sample per series. Sent 10 times a second this is 50× real
   * time, the most chart work the ≤ 10 deltas/s contract allows.
   */
  delta(): MonitorDelta {
    this.addSample();
    return { runId: RUN_ID, seq: ++this.seq, at: this.t, points: this.store.takeNew() ?? {} };
  }

  private addSample(): void {
    const x = this.i++;
    for (const [k, [name, unit, base, amp]] of CHART_SERIES.entries()) {
      const wave =
        name === 'metric.loss'
          ? base * Math.exp(-x / 4000) + 0.2
          : base + amp * Math.sin(x / (40 + k * 7)) + amp * 0.2 * Math.sin(x * 7.3);
      this.store.add(name, unit, this.t, Math.max(0, wave));
    }
    this.t += HEALTH_MS;
  }
}
