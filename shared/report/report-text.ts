import type { PhaseStatus } from '../domain/run';
import { formatBytes, formatDuration, formatUtc } from './format';
import type { ReportData } from './report-data';
import type { ResourceFate } from './report-resources';
import {
  attemptCostWords,
  attemptDurationSeconds,
  attemptEndWords,
  attemptsTotalCost,
  attemptsTotalWords,
  type RunAttempt,
} from './run-attempts';

/**
 * The wording both renderers share (Markdown and HTML say the same things): data lines,
 * resource fates. Plain text; each renderer escapes it for its own format.
 */

/** A file count: "1 file", "12 files". */
export const files = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;

/** A file count and, when known, their size: "12 files, 4.7 GiB". */
export const withBytes = (n: number, bytes: number | undefined): string =>
  `${files(n)}${bytes === undefined ? '' : `, ${formatBytes(bytes)}`}`;

const CHECK: Record<PhaseStatus, string> = {
  succeeded: 'verified',
  failed: 'FAILED',
  running: 'in progress',
  pending: 'not run',
  skipped: 'skipped',
};

/** The data section as label/value lines. */
export function dataLines(data: ReportData): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  lines.push([
    'Pulled (S3 → machine)',
    data.pulled ? withBytes(data.pulled.files, data.pulled.bytes) : 'nothing pulled',
  ]);
  const d = data.datasets;
  const datasetFigures =
    d.files === undefined
      ? ''
      : `: ${withBytes(d.files, d.bytes)}${d.parquetFiles ? `, ${d.parquetFiles} Parquet` : ''}`;
  lines.push([
    'Datasets checked (size, SHA-256)',
    `${CHECK[d.status]}${datasetFigures}${d.reason ? ` (${d.reason})` : ''}`,
  ]);
  const p = data.pushed;
  lines.push([
    'Pushed (machine → S3)',
    p
      ? `${withBytes(p.files, p.bytes)}${p.uploaded !== undefined ? `, ${p.uploaded} uploaded` : ''}${p.failures ? `, ${p.failures} failed` : ''}`
      : 'nothing pushed',
  ]);
  const s = data.syncCheck;
  const checked =
    s.checked === undefined
      ? ''
      : `: ${files(s.checked)} compared with S3${s.rePushes ? ` after ${s.rePushes} re-push(es)` : ''}`;
  lines.push(['S3 verification', `${CHECK[s.status]}${checked}${s.reason ? ` (${s.reason})` : ''}`]);
  return lines;
}

/** How each resource fate reads in the "verified" column. */
export const FATE_LABELS: Record<ResourceFate, string> = {
  'deleted-verified': 'deleted, verified by rescan',
  deleted: 'deleted, not yet verified',
  'gone-verified': 'gone (with its instance), verified by rescan',
  survivor: 'STILL EXISTS',
  kept: 'kept: shared between runs, no cost',
  unconfirmed: 'NOT CONFIRMED DELETED',
};

/** How the outcome reads, with its exit code. */
export function outcomeText(outcome: string, exitCode: number | null | undefined): string {
  return `${outcome}${exitCode !== undefined && exitCode !== null ? ` (exit code ${exitCode})` : ''}`;
}

/** The columns of the attempts table, in order (the cells of {@link attemptCells}). */
export const ATTEMPT_COLUMNS = [
  'Attempt',
  'Instance',
  'Type',
  'Zone',
  'Market',
  'Started',
  'Duration',
  'Ended by',
  'Cost',
] as const;

/**
 * One attempt as text cells, in {@link ATTEMPT_COLUMNS} order. A running attempt's duration is
 * counted to `now` and says "so far"; a cost that cannot be priced is "unknown", never $0.
 */
export function attemptCells(attempt: RunAttempt, now: number): string[] {
  const seconds = attemptDurationSeconds(attempt, now);
  const duration = seconds === undefined ? '—' : `${formatDuration(seconds)}${attempt.end ? '' : ' so far'}`;
  return [
    String(attempt.attempt),
    attempt.instanceId || '—',
    attempt.instanceType,
    attempt.zone,
    attempt.market,
    formatUtc(attempt.startedAt),
    duration,
    attemptEndWords(attempt),
    attemptCostWords(attempt),
  ];
}

/**
 * The sentence over the attempts table: how many launches, how many spot interruptions, and
 * what they cost together ("unknown" naming the attempts that could not be priced).
 */
export function attemptsLead(attempts: readonly RunAttempt[]): string {
  const launches = attempts.length === 1 ? 'One launch' : `${attempts.length} launches`;
  const interrupted = attempts.filter((a) => a.end === 'interrupted').length;
  const interruptions = interrupted ? `, ${interrupted} ended by a spot interruption` : '';
  const total = attemptsTotalCost(attempts);
  const unpriced = attempts.filter((a) => total.unpriced.includes(a.attempt));
  const cost =
    total.usd === null
      ? `unknown (attempt${unpriced.length === 1 ? '' : 's'} ${unpriced.map((a) => a.attempt).join(', ')} ${unpriced.length === 1 ? 'has' : 'have'} no price${unpriced.some((a) => !a.end) ? ' yet' : ''})`
      : attemptsTotalWords(total);
  return `${launches} of the instance${interruptions}; together ${cost}.`;
}
