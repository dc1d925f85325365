import { describe, expect, it } from 'vitest';

import type { SeriesView } from '../../../../../shared/monitor/view';
import { chartGroups } from './chart-groups';

const series = (name: string, unit = ''): SeriesView => ({ name, unit, t: [1, 2], v: [3, 4] });

describe('chartGroups', () => {
  it('titles a training metric by its own name (main sends "metric.<name>"), after the health charts', () => {
    const groups = chartGroups([
      series('metric.loss'),
      series('cpu', '%'),
      series('gpu0.util', '%'),
      series('gpu1.util', '%'),
      series('net.rx', 'B/s'),
      series('net.tx', 'B/s'),
    ]);
    expect(groups.map((g) => [g.id, g.title, g.series.length])).toEqual([
      ['cpu', 'CPU', 1],
      ['gpu.util', 'GPU utilization', 2],
      ['net', 'Network', 2],
      ['metric.loss', 'loss', 1],
    ]);
  });
});
