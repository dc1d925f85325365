import type { ComputeBackendKind } from '../domain/run';
import type { RunCost } from '../domain/run-cost';

/**
 * Number formats shared by the app's pages and the saved run reports, so a figure reads the
 * same on screen, in Markdown and in the PDF.
 */

/** Dollars as a person reads them: "$1.23", "$0.016", "$0.0069"; null is "unknown", never $0. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'unknown';
  if (value === 0) return '$0.00';
  const abs = Math.abs(value);
  const digits = abs >= 1 ? 2 : abs >= 0.01 ? 3 : 4;
  return `$${value.toFixed(digits)}`;
}

/**
 * A duration in seconds as people say it, the one duration format of the app, the CLI and the
 * reports: "45 s", "1 min 53 s", "12 min", "3 h 05 min". Under an hour the seconds are kept (never
 * floored away: 113 s is not "1 min"); from an hour on, minutes are rounded to the nearest.
 */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds)) return '—';
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const rest = seconds % 60;
    return `${Math.floor(seconds / 60)} min${rest ? ` ${String(rest).padStart(2, '0')} s` : ''}`;
  }
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * Bytes in binary units, as AWS bills them ("GB" there is 2^30): "512 B", "3.4 MiB", "14.2 GiB",
 * "877 MiB" (one decimal below 100, where the tenths still say something). The sync table and the
 * report print the same figures, so they share this one.
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit > 0 && Math.abs(value) < 100 ? 1 : 0)} ${units[unit]}`;
}

/** An ISO instant as a saved report shows it, in UTC (the file outlives the reader's time zone): "2026-11-24 10:01 UTC". */
export function formatUtc(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Backends whose machine is the user's own: no compute is rented. */
export function isOwnMachine(backend: ComputeBackendKind): boolean {
  return backend !== 'aws-ec2';
}

/** A recorded cost's total: "$3.31", "≤ $3.31" (spot: an upper bound), "$0.00 (own machine)", or "—" when unknown. */
export function formatCostTotal(cost: RunCost): string {
  const own = cost.ownMachine ? ' (own machine)' : '';
  if (cost.totalUsd === null) return `—${own}`;
  const amount = `$${cost.totalUsd.toFixed(2)}`;
  return cost.upperBound ? `≤ ${amount}` : `${amount}${own}`;
}

/**
 * A run's total for a list ({@link formatCostTotal}); a run recorded before costs were shows
 * "$0.00 (own machine)" on ssh-host and local (nothing was rented) and "—" on EC2.
 */
export function formatRunTotal(backend: ComputeBackendKind, cost: RunCost | undefined): string {
  if (cost) return formatCostTotal(cost);
  return isOwnMachine(backend) ? '$0.00 (own machine)' : '—';
}
