import { formatUsd } from '../../../shared/report/format';

// One formatter for the pages and the saved run reports, so a figure reads the same in both.
export { formatUsd };

/** "$1.23/h". */
export function formatHourly(value: number | null | undefined): string {
  return value === null || value === undefined ? 'unknown' : `${formatUsd(value)}/h`;
}

/** Hours of age as "12 min", "3.2 h", "4 d 6 h". */
export function formatAgeHours(hours: number | undefined): string {
  if (hours === undefined || !Number.isFinite(hours)) return '—';
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  const days = Math.floor(hours / 24);
  return `${days} d ${Math.round(hours - days * 24)} h`;
}
