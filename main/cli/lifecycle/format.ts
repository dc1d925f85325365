import type { CostResource, ScanResult } from '../../../shared/domain/cost';
import type { PreflightReport } from '../../../shared/domain/preflight';
import { type CleanupReport, confirmedDeleted } from '../../lifecycle/cost/kill-all';

const MARKS = { pass: '✓', warn: '!', fail: '✗', skipped: '-' } as const;

/** Preflight as aligned lines, each fix indented under its check. */
export function formatPreflight(report: PreflightReport): string {
  const width = Math.max(...report.checks.map((c) => c.label.length));
  const lines = report.checks.flatMap((c) => {
    const line = `${MARKS[c.status]} ${c.label.padEnd(width)}  ${c.value}`;
    return c.fix ? [line, `  ${' '.repeat(width)}  → ${c.fix}`] : [line];
  });
  lines.push(report.ok ? 'Preflight passed.' : 'Preflight failed: nothing was created.');
  return lines.join('\n') + '\n';
}

const usd = (value: number | null) => (value === null ? '?' : `$${value.toFixed(4)}`);

/** A fixed-width table of resources. */
export function formatResources(resources: CostResource[]): string {
  if (resources.length === 0) return '';
  const rows = resources.map((r) => [
    r.region,
    r.kind,
    r.id,
    r.type,
    r.state,
    r.ageHours === undefined ? '' : `${r.ageHours}h`,
    usd(r.hourlyUsd),
    r.ours ? `ours ${r.runId ?? ''}`.trim() : 'untracked',
  ]);
  const header = ['REGION', 'KIND', 'ID', 'TYPE', 'STATE', 'AGE', '$/H', 'OWNER'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  return (
    [header, ...rows]
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** The scan table, the regions that did not answer, and the total. */
export function formatScan(scan: ScanResult): string {
  const refused = scan.regions.filter((r) => r.status !== 'ok');
  const lines = [
    formatResources(scan.resources) || 'No cost resources found.\n',
    `Regions: ${scan.regions.length - refused.length} scanned${refused.length ? `, ${refused.length} not readable (${refused.map((r) => `${r.region}: ${r.reason}`).join('; ')})` : ''}`,
    `Total: ${usd(scan.totalHourlyUsd)}/h${scan.unpricedCount ? ` + ${scan.unpricedCount} resource(s) without a price` : ''} (estimate: ${scan.pricesNote ?? `bundled us-east-1 prices of ${scan.priceTableDate}.`})`,
  ];
  return lines.join('\n') + '\n';
}

/** The verified end of a kill-all or teardown. */
export function formatCleanup(report: CleanupReport): string {
  const deleted = confirmedDeleted(report).length;
  const gone = report.outcomes.filter((o) => o.outcome === 'gone').length;
  // What a stopped run's own teardown deleted is its deletion, said apart (never counted twice).
  const theirs = gone ? ` (${gone} more already deleted by their run's own teardown)` : '';
  const unverified = report.unverifiedRegions.length
    ? ` (not verified: ${report.unverifiedRegions.map((r) => `${r.region}: ${r.reason}`).join('; ')})`
    : '';
  if (report.survivors.length === 0) {
    return `Deleted ${deleted} resource(s)${theirs}. Rescan: 0 cost resources remain${unverified}.\n`;
  }
  const survivors = report.survivors.map(
    (s) => `  ${s.resource.region}  ${s.resource.kind} ${s.resource.id}: ${s.reason}`,
  );
  return [
    `Deleted ${deleted} resource(s)${theirs}. Rescan: ${report.survivors.length} remain (${usd(report.remainingHourlyUsd)}/h)${unverified}:`,
    ...survivors,
    '',
  ].join('\n');
}
