/** Dollars per hour as a person reads them: "$1.23", "$0.016", "$0.0069"; null is "unknown", never $0. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'unknown';
  if (value === 0) return '$0.00';
  const abs = Math.abs(value);
  const digits = abs >= 1 ? 2 : abs >= 0.01 ? 3 : 4;
  return `$${value.toFixed(digits)}`;
}

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
