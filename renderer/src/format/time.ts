import { formatDuration } from '../../../shared/report/format';

/** Wall-clock time of an ISO instant in the user's locale, e.g. "14:03:27". */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? '—'
    : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Date and time of an ISO instant, e.g. "24 Nov 2025, 14:03". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? '—'
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// The same durations as the saved run reports ("45 s", "12 min", "3 h 05 min").
export { formatDuration };

/** How long ago `iso` was, relative to `now` (epoch ms): "just now", "5 min ago". */
export function formatAgo(iso: string, now: number): string {
  const elapsed = (now - new Date(iso).getTime()) / 1000;
  if (!Number.isFinite(elapsed)) return '—';
  if (elapsed < 10) return 'just now';
  return `${formatDuration(elapsed)} ago`;
}
