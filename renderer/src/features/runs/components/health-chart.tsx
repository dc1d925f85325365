import { memo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { useThrottled } from '../../../hooks/use-throttled';
import type { ChartGroup } from './chart-groups';
import { formatValue, seriesLabel } from './chart-groups';
import { tickLabel, timeTicks, valueTicks } from './chart-ticks';

import './health-chart.css';

const COLORS = [
  'var(--accent)',
  'var(--teal)',
  'var(--warn)',
  'var(--danger)',
  'var(--info)',
  'var(--success)',
  '#a855f7',
  '#ec4899',
];
// One formatter for every tick: toLocaleTimeString builds an Intl.DateTimeFormat per call, which
// took a tenth of the page's script time in bench:ui.
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const clock = (t: number) => TIME.format(t);
/**
 * The plot redraws at most this often. Health points come every 5 s, but a metric's current
 * 5-s bucket is re-sent with every log delta (up to 10/s), and one recharts redraw costs tens of
 * ms: at 10/s the page fell to a few frames per second (bench:ui). The value above stays live.
 */
const PLOT_REFRESH_MS = 1_000;

/** One chart of the monitor: the latest value(s) in the caption, then the plot. */
export const HealthChart = memo(function HealthChart({ group }: { group: ChartGroup }) {
  const plotted = useThrottled(group, PLOT_REFRESH_MS);
  const many = group.series.length > 1;
  const last = group.series.flatMap((s) => {
    const v = s.v.at(-1);
    return v === undefined ? [] : [`${many ? `${seriesLabel(s.name)} ` : ''}${formatValue(v, group.unit)}`];
  });
  return (
    <figure className={`health-chart${group.lead ? ' health-chart--lead' : ''}`} data-testid={`chart-${group.id}`}>
      <figcaption className="health-chart__head">
        <span className="health-chart__title">{group.title}</span>
        <span className="health-chart__value tabular">{last.length ? last.join(' · ') : '—'}</span>
      </figcaption>
      <div className="health-chart__plot">
        <Plot group={plotted} height={group.lead ? LEAD_HEIGHT : HEIGHT} />
      </div>
    </figure>
  );
}, sameSeries);

/**
 * The page re-renders every second (its clock) and on every delta, each time with new group
 * objects: a chart redraws only when one of its series really changed.
 */
function sameSeries(a: { group: ChartGroup }, b: { group: ChartGroup }): boolean {
  const [x, y] = [a.group, b.group];
  return (
    x.id === y.id &&
    x.title === y.title &&
    x.unit === y.unit &&
    x.max === y.max &&
    x.lead === y.lead &&
    x.series.length === y.series.length &&
    x.series.every((s, i) => s === y.series[i])
  );
}

const HEIGHT = 140;
const LEAD_HEIGHT = 220;

/** Time on x, the group's unit on y (round ticks in both), a line per series; no animation (it redraws often). */
const Plot = memo(function Plot({ group, height }: { group: ChartGroup; height: number }) {
  const rows = merge(group);
  const max = Math.max(0, ...group.series.flatMap((s) => s.v.filter(Number.isFinite)));
  const y = valueTicks(max, group.unit, 4, group.max);
  const x = rows.length ? timeTicks(rows[0]!.t as number, rows.at(-1)!.t as number) : [];
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart
        data={rows}
        margin={{ top: 4, right: 8, bottom: 0, left: 0 }}
        title={`${group.title} over time`}
        desc={`Arrow keys move through the samples (${group.unit || 'value'} by time).`}
      >
        <CartesianGrid stroke="var(--border)" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          domain={['dataMin', 'dataMax']}
          ticks={x}
          tickFormatter={clock}
          stroke="var(--text-subtle)"
          fontSize={11}
          tickLine={false}
          minTickGap={40}
        />
        <YAxis
          domain={[0, y.top]}
          ticks={y.ticks}
          interval={0}
          tickFormatter={(v: number) => tickLabel(v, group.unit)}
          stroke="var(--text-subtle)"
          fontSize={11}
          tickLine={false}
          width={64}
        />
        <Tooltip
          labelFormatter={(t) => clock(Number(t))}
          formatter={(v) => formatValue(Number(v), group.unit)}
          contentStyle={{
            background: 'var(--surface)',
            border: '1px solid var(--border)',
            borderRadius: 6,
            fontSize: 12,
          }}
        />
        {group.series.map((s, i) => (
          <Line
            key={s.name}
            dataKey={s.name}
            name={seriesLabel(s.name)}
            stroke={COLORS[i % COLORS.length]!}
            dot={false}
            strokeWidth={1.6}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});

// Recharts wants rows: one per timestamp, a column per series.
function merge(group: ChartGroup): Array<Record<string, number>> {
  const byT = new Map<number, Record<string, number>>();
  for (const s of group.series) {
    s.t.forEach((t, i) => {
      const row = byT.get(t) ?? { t };
      row[s.name] = s.v[i] as number;
      byT.set(t, row);
    });
  }
  return [...byT.values()].sort((a, b) => (a.t as number) - (b.t as number));
}
