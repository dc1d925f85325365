import { lttbIndices } from './lttb';
import type { MonitorDelta, MonitorSnapshot, SeriesView } from './view';

/** Limits the renderer keeps while folding deltas into a snapshot. */
export interface ApplyLimits {
  /** A series longer than twice this is downsampled back to it (LTTB). Default 500. */
  points?: number;
}

/** What {@link applyMonitorFields} returns: the new snapshot, or `reload` after a missed delta. */
export type ApplyResult<S extends MonitorFields = MonitorFields> = { snapshot: S; reload: boolean };

/** A snapshot but its log: what {@link applyMonitorFields} folds (the renderer keeps its log apart). */
export type MonitorFields = Omit<MonitorSnapshot, 'log'>;

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
 * Folds one `monitor.delta` into everything of a snapshot but its log (pure), for a caller that
 * keeps the log in its own structure (the renderer's store: 100k lines are not copied per delta).
 * Deltas at or below the snapshot's seq are ignored (the same object comes back); a gap (a delta
 * lost while reconnecting) asks the caller to reload the snapshot instead of showing a chart with a hole.
 */
export function applyMonitorFields<S extends MonitorFields>(
  snapshot: S,
  delta: MonitorDelta,
  limits: ApplyLimits = {},
): ApplyResult<S> {
  if (delta.runId !== snapshot.runId || delta.seq <= snapshot.seq) return { snapshot, reload: false };
  if (delta.seq > snapshot.seq + 1) return { snapshot, reload: true };
  const next: S = { ...snapshot, seq: delta.seq, at: delta.at };
  if (delta.points) next.series = appendSeries(snapshot.series, delta.points, limits.points ?? 500);
  if (delta.progress) next.progress = delta.progress;
  if (delta.health) next.health = delta.health;
  if (delta.cloud) next.cloud = delta.cloud;
  if (delta.cost) next.cost = delta.cost;
  if (delta.budget) next.budget = delta.budget;
  if (delta.alerts) next.alerts = [...snapshot.alerts, ...delta.alerts].slice(-50);
  return { snapshot: next, reload: false };
}
