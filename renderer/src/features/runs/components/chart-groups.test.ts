import { describe, expect, it } from 'vitest';

import type { SeriesView } from '../../../../../shared/monitor/view';
import { chartGroups, isLeadMetric, lastSpan } from './chart-groups';

const series = (name: string, unit = ''): SeriesView => ({ name, unit, t: [1, 2], v: [3, 4] });

describe('chartGroups', () => {
  it('titles a training metric by its own name (main sends "metric.<name>"), before the health charts, the loss leading', () => {
    const groups = chartGroups([
      series('metric.accuracy'),
      series('metric.loss'),
      series('cpu', '%'),
      series('gpu0.util', '%'),
      series('gpu1.util', '%'),
      series('net.rx', 'B/s'),
      series('net.tx', 'B/s'),
    ]);
    expect(groups.map((g) => [g.id, g.title, g.series.length, g.lead ?? false])).toEqual([
      ['metric.loss', 'loss', 1, true],
      ['metric.accuracy', 'accuracy', 1, false],
      ['cpu', 'CPU', 1, false],
      ['gpu.util', 'GPU utilization', 2, false],
      ['net', 'Network', 2, false],
    ]);
  });
});

describe('the leading metric', () => {
  it('is the training loss under its usual names, not a validation loss or another metric', () => {
    for (const name of ['loss', 'train_loss', 'train/loss', 'Loss']) expect(isLeadMetric(name), name).toBe(true);
    for (const name of ['val_loss', 'eval/loss', 'accuracy', 'loss_scale']) {
      expect(isLeadMetric(name), name).toBe(false);
    }
  });
});

describe('the chart range', () => {
  it('keeps the span before the newest point of all series; "all" and uncut series stay as they are', () => {
    const minute = 60_000;
    const long: SeriesView = { name: 'cpu', unit: '%', t: [0, 30, 50, 60].map((m) => m * minute), v: [1, 2, 3, 4] };
    const recent: SeriesView = { name: 'memory', unit: 'B', t: [55, 60].map((m) => m * minute), v: [5, 6] };
    const old: SeriesView = { name: 'disk', unit: 'B', t: [10].map((m) => m * minute), v: [7] };
    const groups = chartGroups([long, recent, old]);
    expect(lastSpan(groups, undefined)).toBe(groups);
    const cut = lastSpan(groups, 15 * minute);
    const byId = Object.fromEntries(cut.map((g) => [g.id, g.series[0]!]));
    expect(byId.cpu!.v).toEqual([3, 4]);
    expect(byId.memory).toBe(recent);
    expect(byId.disk!.v).toEqual([]);
  });
});
