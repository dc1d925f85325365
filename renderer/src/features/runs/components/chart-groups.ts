import type { SeriesView } from '../../../../../shared/monitor/view';

/** One chart: a title, a unit, and the series drawn on it. */
export interface ChartGroup {
  id: string;
  title: string;
  unit: string;
  series: SeriesView[];
  /** Fixed axis maximum (e.g. 100 for %), else automatic. */
  max?: number;
  /** The training's leading metric (the loss): first, and drawn larger. */
  lead?: boolean;
}

/** The loss leads, as on W&B: "loss", "train_loss", "train/loss" (not "val_loss": the training's own). */
export function isLeadMetric(name: string): boolean {
  return /^(train[/_.-]?)?loss$/i.test(name);
}

const GPU = /^gpu(\d+)\.(util|mem|temp|power)$/;
const GPU_TITLES: Record<string, string> = {
  util: 'GPU utilization',
  mem: 'GPU memory',
  temp: 'GPU temperature',
  power: 'GPU power',
};
const FIXED: Record<string, { title: string; order: number; max?: number }> = {
  cpu: { title: 'CPU', order: 0, max: 100 },
  memory: { title: 'Memory used', order: 5 },
  disk: { title: 'Disk used', order: 6 },
};

/** Groups the monitor's series into charts: training metrics first (the loss leads), then CPU, GPU (one line per GPU), memory, disk, network. */
export function chartGroups(series: SeriesView[]): ChartGroup[] {
  const groups = new Map<string, ChartGroup & { order: number }>();
  const put = (id: string, title: string, order: number, s: SeriesView, max?: number) => {
    const group = groups.get(id) ?? {
      id,
      title,
      unit: s.unit,
      series: [],
      order,
      ...(max === undefined ? {} : { max }),
    };
    group.series.push(s);
    groups.set(id, group);
  };
  for (const s of series) {
    const gpu = GPU.exec(s.name);
    const fixed = FIXED[s.name];
    if (fixed) put(s.name, fixed.title, fixed.order, s, fixed.max);
    else if (gpu?.[2]) {
      put(
        `gpu.${gpu[2]}`,
        GPU_TITLES[gpu[2]] ?? 'GPU',
        1 + ['util', 'mem', 'temp', 'power'].indexOf(gpu[2]) * 0.1,
        s,
        gpu[2] === 'util' ? 100 : undefined,
      );
    } else if (s.name.startsWith('net.')) put('net', 'Network', 7, s);
    else {
      // main names training metrics "metric.<name>" (from metrics.jsonl or the log); the chart shows the name.
      const metric = s.name.replace(/^metric\./, '');
      put(`metric.${metric}`, metric, isLeadMetric(metric) ? -20 : -10, s);
    }
  }
  const sorted = [...groups.values()].sort((a, b) => a.order - b.order || a.title.localeCompare(b.title));
  return sorted.map(({ order, ...group }) => (order === -20 ? { ...group, lead: true } : group));
}

/** A value with its unit, short: "42 %", "3.1 GiB", "12 MB/s", "71 °C". */
export function formatValue(value: number, unit: string): string {
  if (unit === 'B' || unit === 'B/s') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = value;
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}${unit === 'B/s' ? '/s' : ''}`;
  }
  if (unit === 'MiB') return formatValue(value * 1024 * 1024, 'B');
  const abs = Math.abs(value);
  const digits = abs === 0 || abs >= 10 ? 0 : abs >= 1 ? 1 : abs >= 0.01 ? 2 : 4;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** A series' short name in its chart: "in"/"out" for network, "GPU 0" for per-GPU series. */
export function seriesLabel(name: string): string {
  if (name === 'net.rx') return 'in';
  if (name === 'net.tx') return 'out';
  const gpu = /^gpu(\d+)\./.exec(name);
  return gpu ? `GPU ${gpu[1]}` : name;
}

/**
 * The charts over the last `ms` before their newest point (the range picked: 15 min, 1 h), or
 * everything without `ms`. A series with nothing to cut keeps its identity (the charts redraw only
 * on change).
 */
export function lastSpan(groups: ChartGroup[], ms: number | undefined): ChartGroup[] {
  if (ms === undefined) return groups;
  let latest = -Infinity;
  for (const group of groups) for (const s of group.series) latest = Math.max(latest, s.t.at(-1) ?? -Infinity);
  const from = latest - ms;
  return groups.map((group) => ({
    ...group,
    series: group.series.map((s) => {
      const first = s.t.findIndex((t) => t >= from);
      if (first === 0) return s;
      return first < 0 ? { ...s, t: [], v: [] } : { ...s, t: s.t.slice(first), v: s.v.slice(first) };
    }),
  }));
}
