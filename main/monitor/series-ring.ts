import { lttbIndices } from '../../shared/monitor/lttb';

/**
 * One time series in fixed memory: two typed arrays used as a ring. When full, the oldest
 * point is overwritten, so a run of any length costs `capacity × 16` bytes per series.
 */
export class SeriesRing {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly unit: string,
    readonly capacity: number,
  ) {
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  /** Appends a point; non-finite values are dropped (a garbled sample must not poison a chart). */
  push(t: number, v: number): boolean {
    if (!Number.isFinite(t) || !Number.isFinite(v)) return false;
    const at = (this.start + this.count) % this.capacity;
    this.times[at] = t;
    this.values[at] = v;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
    return true;
  }

  /** Time of the newest point, or -Infinity when empty. */
  get lastTime(): number {
    return this.count ? (this.times[(this.start + this.count - 1) % this.capacity] as number) : -Infinity;
  }

  /** Overwrites the newest point's value (used to keep one point per time bucket). */
  replaceLast(v: number): void {
    if (this.count && Number.isFinite(v)) this.values[(this.start + this.count - 1) % this.capacity] = v;
  }

  /** The points in time order, copied out of the ring. */
  toArrays(): { t: Float64Array; v: Float64Array } {
    const t = new Float64Array(this.count);
    const v = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const at = (this.start + i) % this.capacity;
      t[i] = this.times[at] as number;
      v[i] = this.values[at] as number;
    }
    return { t, v };
  }

  /** At most `points` points that keep the series' shape (largest-triangle-three-buckets). */
  downsample(points: number): { t: number[]; v: number[] } {
    const { t, v } = this.toArrays();
    const picked = lttbIndices(t, v, points);
    return { t: picked.map((i) => t[i] as number), v: picked.map((i) => v[i] as number) };
  }
}
