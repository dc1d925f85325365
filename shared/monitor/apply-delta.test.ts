import { describe, expect, it } from 'vitest';

import { applyMonitorFields, type MonitorFields } from './apply-delta';

const base: MonitorFields = {
  runId: 'r1',
  seq: 3,
  at: 0,
  series: [{ name: 'cpu', unit: '%', t: [0, 5000], v: [10, 20] }],
  progress: { metrics: {} },
  alerts: [],
};

describe('applyMonitorFields (the renderer folds deltas into its snapshot)', () => {
  it('appends points, replaces progress, advances seq', () => {
    const { snapshot, reload } = applyMonitorFields(base, {
      runId: 'r1',
      seq: 4,
      at: 10_000,
      points: { cpu: { t: [10_000], v: [30], unit: '%' }, 'gpu0.util': { t: [10_000], v: [90], unit: '%' } },
      log: { first: 2, lines: ['c'] },
      progress: { step: 5, metrics: { loss: 1 } },
    });
    expect(reload).toBe(false);
    expect(snapshot.seq).toBe(4);
    expect(snapshot.series).toEqual([
      { name: 'cpu', unit: '%', t: [0, 5000, 10_000], v: [10, 20, 30] },
      { name: 'gpu0.util', unit: '%', t: [10_000], v: [90] },
    ]);
    expect(snapshot.progress.step).toBe(5);
    expect(base.series[0]?.t).toHaveLength(2);
  });

  it('replaces the budget with the delta’s, and keeps it when a delta has none', () => {
    const under = { maxCostUsd: 15, state: 'under' as const, stopCostUsd: 0.2 };
    const first = applyMonitorFields(base, { runId: 'r1', seq: 4, at: 1, budget: under }).snapshot;
    expect(first.budget).toEqual(under);
    const stopped = { ...under, state: 'stopped' as const, stopReason: 'stopped by the budget: $14.70 of $15.00' };
    const second = applyMonitorFields(first, { runId: 'r1', seq: 5, at: 2, budget: stopped }).snapshot;
    expect(second.budget).toEqual(stopped);
    expect(applyMonitorFields(second, { runId: 'r1', seq: 6, at: 3 }).snapshot.budget).toEqual(stopped);
  });

  it('a re-sent point of the same time bucket replaces the value instead of adding a point', () => {
    const { snapshot } = applyMonitorFields(base, {
      runId: 'r1',
      seq: 4,
      at: 1,
      points: { cpu: { t: [5000, 10_000], v: [25, 30], unit: '%' } },
    });
    expect(snapshot.series[0]).toMatchObject({ t: [0, 5000, 10_000], v: [10, 25, 30] });
  });

  it('ignores old deltas, asks for a reload after a gap', () => {
    expect(applyMonitorFields(base, { runId: 'r1', seq: 3, at: 1 })).toEqual({ snapshot: base, reload: false });
    expect(applyMonitorFields(base, { runId: 'r1', seq: 6, at: 1 }).reload).toBe(true);
    expect(applyMonitorFields(base, { runId: 'other', seq: 4, at: 1 }).snapshot).toBe(base);
  });

  it('keeps series bounded', () => {
    const t = Array.from({ length: 30 }, (_, i) => i);
    const { snapshot } = applyMonitorFields(
      base,
      { runId: 'r1', seq: 4, at: 1, points: { cpu: { t, v: t, unit: '%' } } },
      { points: 10 },
    );
    expect(snapshot.series[0]?.t).toHaveLength(10);
  });

  it('folds all but the log and keeps the caller’s own log (the page keeps it apart)', () => {
    const own = { ...base, log: 'kept by the caller' };
    const { snapshot, reload } = applyMonitorFields(own, {
      runId: 'r1',
      seq: 4,
      at: 7,
      log: { first: 2, lines: ['c'] },
      progress: { step: 9, metrics: {} },
    });
    expect(reload).toBe(false);
    expect(snapshot).toMatchObject({ seq: 4, at: 7, log: 'kept by the caller', progress: { step: 9 } });
    expect(applyMonitorFields(own, { runId: 'r1', seq: 3, at: 1 }).snapshot).toBe(own);
  });
});
