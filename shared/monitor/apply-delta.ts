import { lttbIndices } from './lttb';
import type { MonitorDelta, MonitorSnapshot, SeriesView } from './view';

/** Limits the renderer keeps while folding deltas into a snapshot. */
export interface ApplyLimits {
  /** A series longer than twice this is downsampled back to it (LTTB). Default 500. */
  points?: number;
  /** Log lines kept. Default 10,000. */
  logLines?: number;
}

/** What {@link applyMonitorDelta} returns: the new snapshot, or `reload` after a missed delta. */
export type ApplyResult = { snapshot: MonitorSnapshot; reload: false } | { snapshot: MonitorSnapshot; reload: true };

function appendSeries(series: SeriesView[], points: NonNullable<MonitorDelta['points']>, limit: number): SeriesView[] {
  const byName = new Map(series.map((s) => [s.name, s]));
  for (const [name, fresh] of Object.entries(points)) {
    const old = byName.get(name);
    let t = old ? [...old.t] : [];
    let v = old ? [...old.v] : [];
    // Main keeps one metric point per bucket and re-sends the bucket's point with its newer value.
    const sameBucket = t.length > 0 && fresh.t[0] === t[t.length - 1];
    if (sameBucket) {
      t.pop();
      v.pop();
    }
    t = t.concat(fresh.t);
    v = v.concat(fresh.v);
    if (t.length > limit * 2) {
      const keep = lttbIndices(t, v, limit);
      t = keep.map((i) => t[i] as number);
      v = keep.map((i) => v[i] as number);
    }
    byName.set(name, { name, unit: fresh.unit, t, v });
  }
  return [...byName.values()];
}

/**
 * Folds one `monitor.delta` into a snapshot (pure; the renderer's store uses it). Deltas at or
 * below the snapshot's seq are ignored; a gap (a delta lost while reconnecting) asks the caller
 * to reload the snapshot instead of showing a chart with a hole.
 */
export function applyMonitorDelta(snapshot: MonitorSnapshot, delta: MonitorDelta, limits: ApplyLimits = {}): ApplyResult {
  if (delta.runId !== snapshot.runId || delta.seq <= snapshot.seq) return { snapshot, reload: false };
  if (delta.seq > snapshot.seq + 1) return { snapshot, reload: true };
  const next: MonitorSnapshot = { ...snapshot, seq: delta.seq, at: delta.at };
  if (delta.points) next.series = appendSeries(snapshot.series, delta.points, limits.points ?? 500);
  if (delta.log) {
    const maxLines = limits.logLines ?? 10_000;
    // Lines before the delta's first that the snapshot lacks were dropped by main's ring: the tail restarts there.
    const contiguous = snapshot.log.first + snapshot.log.lines.length === delta.log.first;
    const lines = contiguous ? [...snapshot.log.lines, ...delta.log.lines] : [...delta.log.lines];
    const first = contiguous ? snapshot.log.first : delta.log.first;
    const cut = Math.max(0, lines.length - maxLines);
    next.log = { first: first + cut, lines: cut ? lines.slice(cut) : lines };
  }
  if (delta.progress) next.progress = delta.progress;
  if (delta.health) next.health = delta.health;
  if (delta.cloud) next.cloud = delta.cloud;
  if (delta.cost) next.cost = delta.cost;
  if (delta.alerts) next.alerts = [...snapshot.alerts, ...delta.alerts].slice(-50);
  return { snapshot: next, reload: false };
}
