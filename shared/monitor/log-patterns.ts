import type { ProgressUpdate } from './progress';
import { compileUserPattern, describeRefusal } from './user-pattern';

/**
 * A progress pattern: its named groups `step`, `totalSteps` (or `total`), `epoch` and `totalEpochs`
 * (or `epochs`) fill the matching fields. Users add their own in the run config ({@link compilePatterns}).
 */
export interface ProgressPattern {
  /** The named groups' values where the pattern matches the line, or undefined. */
  match(line: string): Record<string, string> | undefined;
}

/** A built-in pattern from a RegExp of ours (bounded quantifiers only: see {@link DEFAULT_PROGRESS_PATTERNS}). */
function builtIn(regex: RegExp): ProgressPattern {
  return { match: (line) => regex.exec(line)?.groups };
}

/**
 * Defaults that cover the common trainers. Earlier patterns win a field over later ones,
 * so the specific forms come first.
 * - tqdm / Hugging Face / Lightning bars: `45%|████▌ | 450/1000 [01:23<01:42, 5.37it/s]`
 * - Keras 2 and 3 bars: `1875/1875 [=====…] - 5s` and `1875/1875 ━━━━ 3s`
 * - `epoch 3/10`, `Epoch 3/10` (Keras), `Epoch [3/10]`, `epoch: 3/10`
 * - Lightning's `Epoch 2: 100%|…` (no total)
 * - `step=120`, `step: 120`, `Step 120/5000`, `global_step=120`
 *
 * Every quantifier is bounded (`\d{1,15}`, `\s{0,8}`): the main process runs these on every log line,
 * and an unbounded `\d+` before a failing literal costs time quadratic in a long line of digits.
 */
export const BUILT_IN_PATTERN_SOURCES: readonly RegExp[] = [
  /(?<step>\d{1,15})\/(?<totalSteps>\d{1,15})\s{0,8}(?:\[|━)/,
  /\bepoch\s{0,8}[:[]?\s{0,8}(?<epoch>\d{1,15})\s{0,8}\/\s{0,8}(?<totalEpochs>\d{1,15})/i,
  /^\s{0,64}Epoch (?<epoch>\d{1,15}):/,
  /\b(?:global_)?step\s{0,8}[=:\s]\s{0,8}(?<step>\d{1,15})(?:\s{0,8}\/\s{0,8}(?<totalSteps>\d{1,15}))?/i,
];

/** The built-in patterns, tried after the user's. */
export const DEFAULT_PROGRESS_PATTERNS: readonly ProgressPattern[] = BUILT_IN_PATTERN_SOURCES.map(builtIn);

/**
 * Which `name=value` pairs of a plain log are metrics. Plain logs say `Num examples = 25,000`
 * or `device = 8` too, so only names that look like training metrics count; metrics.jsonl
 * has no such filter (every numeric field is a metric there).
 */
const DEFAULT_METRIC_NAMES =
  /loss|acc|^lr$|learning_rate|perplexity|ppl|f1|auc|grad_norm|bleu|rouge|score|reward|mse|mae|precision|recall|error|top_?\d|iou|dice|wer|cer|per_second|throughput|tokens/i;

// `name=value`, `name: value`, `'name': value` (Python dict repr of the HF Trainer). A value
// followed by `:` or another digit is a clock time ("ETA: 1:23"), not a metric.
// Bounded like the progress patterns (a number has at most 30 digits on either side of its point).
export const METRIC =
  /['"]?([A-Za-z_][\w./-]{0,63})['"]?\s{0,8}[=:]\s{0,8}(-?(?:\d{1,30}\.?\d{0,30}|\.\d{1,30})(?:[eE][-+]?\d{1,4})?)(?![\d:.%\w]|,\d)/g;
const STEP_KEYS = new Set(['step', 'global_step']);
const FIELDS = ['step', 'totalSteps', 'epoch', 'totalEpochs'] as const;
/** Short group names users write (the config's documentation used them): `total` and `epochs`. */
const FIELD_ALIASES: Record<string, (typeof FIELDS)[number]> = { total: 'totalSteps', epochs: 'totalEpochs' };
const MAX_METRICS_PER_LINE = 32;

/** Options of {@link parseLogLine}. */
export interface LogParseOptions {
  patterns?: readonly ProgressPattern[];
  /** Names accepted as metrics (besides `epoch` and `step`); default {@link DEFAULT_METRIC_NAMES}. */
  metricNames?: RegExp;
}

/**
 * Compiles user patterns (strings from the run config) with RE2, so matching stays linear in the
 * line's length; invalid or unsupported ones are reported, not thrown.
 */
export function compilePatterns(sources: readonly string[]): { patterns: ProgressPattern[]; errors: string[] } {
  const patterns: ProgressPattern[] = [];
  const errors: string[] = [];
  for (const source of sources) {
    try {
      patterns.push(compileUserPattern(source));
    } catch (error) {
      errors.push(`${source}: ${describeRefusal(error)}`);
    }
  }
  return { patterns, errors };
}

/** What one plain log line says about progress, or undefined when it says nothing. */
export function parseLogLine(line: string, options: LogParseOptions = {}): ProgressUpdate | undefined {
  // Cheap rejection: a line without a digit can carry neither progress nor a metric.
  if (!/\d/.test(line)) return undefined;
  const update: ProgressUpdate = {};
  for (const pattern of options.patterns ?? DEFAULT_PROGRESS_PATTERNS) {
    const groups = pattern.match(line);
    if (!groups) continue;
    for (const [name, raw] of Object.entries(groups)) {
      const key = FIELD_ALIASES[name] ?? (FIELDS as readonly string[]).find((field) => field === name);
      if (raw === undefined || key === undefined || update[key as (typeof FIELDS)[number]] !== undefined) continue;
      const value = Number(raw);
      if (Number.isFinite(value)) update[key as (typeof FIELDS)[number]] = value;
    }
  }
  const metrics = parseMetrics(line, options.metricNames ?? DEFAULT_METRIC_NAMES);
  if (metrics) {
    for (const [key, value] of Object.entries(metrics)) {
      const lower = key.toLowerCase();
      if (lower === 'epoch') update.epoch ??= value;
      else if (STEP_KEYS.has(lower)) update.step ??= value;
      else (update.metrics ??= {})[key] = value;
    }
  }
  return Object.keys(update).length ? update : undefined;
}

function parseMetrics(line: string, names: RegExp): Record<string, number> | undefined {
  if (line.indexOf('=') < 0 && line.indexOf(':') < 0) return undefined;
  let out: Record<string, number> | undefined;
  let count = 0;
  METRIC.lastIndex = 0;
  for (let m = METRIC.exec(line); m && count < MAX_METRICS_PER_LINE; m = METRIC.exec(line)) {
    const key = m[1] as string;
    const value = Number(m[2]);
    const lower = key.toLowerCase();
    if (!Number.isFinite(value) || (lower !== 'epoch' && !STEP_KEYS.has(lower) && !names.test(key))) continue;
    (out ??= {})[key] = value;
    count++;
  }
  return out;
}
