import type { SeriesView } from '../../shared/monitor/view';
import { SeriesRing } from './series-ring';

/** Enough for 24 h at 5 s (17,280 points) with room to spare. */
const DEFAULT_SERIES_CAPACITY = 20_000;
/** New series beyond this are refused: a log that invents a metric name per line stays bounded. */
const MAX_SERIES = 64;

/**
 * The named series of one run, each in a fixed-size ring, plus the points added since the
 * last `takeNew()` (what the next delta carries to the renderer).
 */
export class SeriesStore {
  private readonly series = new Map<string, SeriesRing>();
  private pending = new Map<string, { t: number[]; v: number[]; unit: string }>();

  constructor(private readonly capacity = DEFAULT_SERIES_CAPACITY) {}

  /**
   * Adds a point; false when the value is not finite or the series limit is reached. With
   * `minSpacingMs`, a point closer than that to the previous one replaces its value: a metric
   * logged 1,000 times a second keeps one point per bucket, so 24 h still fit the ring.
   */
  add(name: string, unit: string, t: number, v: number, minSpacingMs = 0): boolean {
    let ring = this.series.get(name);
    if (!ring) {
      if (this.series.size >= MAX_SERIES) return false;
      ring = new SeriesRing(name, unit, this.capacity);
      this.series.set(name, ring);
    }
    let fresh = this.pending.get(name);
    if (minSpacingMs > 0 && t - ring.lastTime < minSpacingMs) {
      if (!Number.isFinite(v)) return false;
      ring.replaceLast(v);
      if (fresh?.v.length) fresh.v[fresh.v.length - 1] = v;
      else this.pending.set(name, { t: [ring.lastTime], v: [v], unit });
      return true;
    }
    if (!ring.push(t, v)) return false;
    if (!fresh) this.pending.set(name, (fresh = { t: [], v: [], unit }));
    // Pending points are bounded too: a renderer that never drains gets the ring's view instead.
    if (fresh.t.length < this.capacity) {
      fresh.t.push(t);
      fresh.v.push(v);
    }
    return true;
  }

  get(name: string): SeriesRing | undefined {
    return this.series.get(name);
  }

  /** Every series downsampled to at most `points` points. */
  view(points: number): SeriesView[] {
    return [...this.series.values()].map((ring) => ({ name: ring.name, unit: ring.unit, ...ring.downsample(points) }));
  }

  /** The points added since the previous call, then forgets them. */
  takeNew(): Record<string, { t: number[]; v: number[]; unit: string }> | undefined {
    if (!this.pending.size) return undefined;
    const out = Object.fromEntries(this.pending);
    this.pending = new Map();
    return out;
  }
}
