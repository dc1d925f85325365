import type { ExecutorPhaseReport, ProgressUpdate } from './progress';

const STEP_KEYS = ['step', 'global_step', 'iteration', 'iter'];
const TOTAL_STEP_KEYS = ['total_steps', 'max_steps', 'num_steps', 'total'];
const TOTAL_EPOCH_KEYS = ['total_epochs', 'max_epochs', 'num_epochs', 'epochs'];
// Keys that are bookkeeping, not metrics worth a chart.
const NOT_METRICS = new Set([
  ...STEP_KEYS,
  ...TOTAL_STEP_KEYS,
  ...TOTAL_EPOCH_KEYS,
  'epoch',
  'time',
  'timestamp',
  'ts',
  'at',
  'wall_time',
  'pid',
]);

function parseObject(line: string): Record<string, unknown> | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function pick(record: Record<string, unknown>, keys: string[]): number | undefined {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * One line of the `logs/metrics.jsonl` convention: a JSON object whose numeric fields are
 * metrics (one level of nesting is flattened as `a/b`); `step`, `epoch` and their totals are
 * progress. Not JSON, or not an object → undefined (the line is skipped, the next one counts).
 */
export function parseMetricsRecord(line: string): ProgressUpdate | undefined {
  const record = parseObject(line);
  if (!record) return undefined;
  const update: ProgressUpdate = {};
  const step = pick(record, STEP_KEYS);
  const totalSteps = pick(record, TOTAL_STEP_KEYS);
  const epoch = pick(record, ['epoch']);
  const totalEpochs = pick(record, TOTAL_EPOCH_KEYS);
  if (step !== undefined) update.step = step;
  if (totalSteps !== undefined) update.totalSteps = totalSteps;
  if (epoch !== undefined) update.epoch = epoch;
  if (totalEpochs !== undefined) update.totalEpochs = totalEpochs;
  // The record's own time makes the rate exact though the file is read in batches.
  const at = toMs(record.time ?? record.timestamp ?? record.wall_time ?? record.ts);
  if (at !== undefined) update.at = at;
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) {
    if (NOT_METRICS.has(key)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v === 'number' && Number.isFinite(v)) metrics[`${key}/${inner}`] = v;
      }
    }
  }
  if (Object.keys(metrics).length) update.metrics = metrics;
  return Object.keys(update).length ? update : undefined;
}

/** Epoch ms from an ISO string or a number of seconds/milliseconds; undefined otherwise. */
function toMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  return undefined;
}

/**
 * One line of `logs/executor.jsonl` (shared/executor/protocol.ts `ExecutorEvent`). Read
 * leniently (`phase` or `event`, `status`, `at`/`time`, `exitCode` also under `detail`,
 * `reason`), since the executor's format may grow; a line without a phase is ignored.
 */
export function parseExecutorLine(line: string): ExecutorPhaseReport | undefined {
  const record = parseObject(line);
  const phase = record?.phase ?? record?.event;
  if (!record || typeof phase !== 'string') return undefined;
  const out: ExecutorPhaseReport = { phase };
  const status = record.status ?? record.state;
  if (typeof status === 'string') out.status = status;
  const at = toMs(record.at ?? record.time ?? record.ts);
  if (at !== undefined) out.at = at;
  const detail = record.detail && typeof record.detail === 'object' ? (record.detail as Record<string, unknown>) : {};
  const exitCode = record.exitCode ?? record.exit_code ?? detail.exitCode;
  if (typeof exitCode === 'number') out.exitCode = exitCode;
  const message = record.message ?? record.reason ?? record.error;
  if (typeof message === 'string') out.message = message.slice(0, 500);
  return out;
}
