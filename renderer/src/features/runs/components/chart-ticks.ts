/** Axis ticks at round values: what a reader can add up at a glance ("5 GiB, 10 GiB, 15 GiB", "10:20, 10:30"). */
export interface AxisTicks {
  ticks: number[];
  /** The axis' end (the last tick): the plot's domain is [0 or first, top]. */
  top: number;
}

const STEPS = [1, 2, 2.5, 5, 10];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** The smallest round step (1, 2, 2.5 or 5 × 10^n) that covers `span` in at most `count` steps. */
function roundStep(span: number, count: number): number {
  const rough = span / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  return (STEPS.find((s) => s * power >= rough - 1e-12 * power) ?? 10) * power;
}

/** The binary unit byte values read in (GiB for 18 GiB), as its size in bytes. */
function byteScale(max: number): number {
  let scale = 1;
  for (let i = 0; i < BINARY.length - 1 && max >= scale * 1024; i++) scale *= 1024;
  return scale;
}

/**
 * Ticks from 0 to at least `max` at a round step, about `count` of them. Byte units (B, B/s, MiB)
 * are round in the unit they are read in (0, 5, 10, 15, 20 GiB, not 0, 4.9, 9.8 GiB); a fixed
 * maximum (100 %) is kept as the top.
 */
export function valueTicks(max: number, unit: string, count = 4, fixedMax?: number): AxisTicks {
  const top = fixedMax ?? Math.max(max, 0);
  if (!(top > 0) || !Number.isFinite(top)) return { ticks: [0, 1], top: 1 };
  const bytesPer = unit === 'MiB' ? 1024 * 1024 : 1;
  const scale = unit === 'B' || unit === 'B/s' || unit === 'MiB' ? byteScale(top * bytesPer) / bytesPer : 1;
  const step = roundStep(top / scale, count) * scale;
  const last = fixedMax ?? Math.ceil(top / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; i * step <= last + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { ticks, top: ticks.at(-1) ?? last };
}

const MINUTE = 60_000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE);

/** Clock ticks at a round interval (every 5, 10, 15, 30 min, 1 h…) between `from` and `to`, at most `count`. */
export function timeTicks(from: number, to: number, count = 5): number[] {
  if (!(to > from)) return [from];
  const step = TIME_STEPS.find((s) => (to - from) / s <= count) ?? (TIME_STEPS.at(-1) as number);
  // Round in local time: "10:30" is round where the user reads it, whatever the time zone's offset.
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const ticks: number[] = [];
  for (let t = first; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** A tick's label in the unit it is read in, without trailing zeros: "5 GiB", "2.5 MiB/s", "75 %", "0.25". */
export function tickLabel(value: number, unit: string): string {
  if (unit === 'B' || unit === 'B/s' || unit === 'MiB') {
    const bytes = unit === 'MiB' ? value * 1024 * 1024 : value;
    const scale = byteScale(Math.abs(bytes));
    const name = BINARY[Math.round(Math.log2(scale) / 10)] as string;
    return `${Number((bytes / scale).toPrecision(4))} ${name}${unit === 'B/s' ? '/s' : ''}`;
  }
  return `${Number(value.toPrecision(4))}${unit ? ` ${unit}` : ''}`;
}

/** The monitor's chart ranges: the last 15 minutes, the last hour, everything. */
export const CHART_RANGES = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE },
  { id: '1h', label: '1 h', ms: 60 * MINUTE },
  { id: 'all', label: 'All', ms: undefined },
] as const;

/** One of {@link CHART_RANGES}. */
export type ChartRange = (typeof CHART_RANGES)[number]['id'];
