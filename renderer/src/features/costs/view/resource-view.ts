import type { CostResource } from '../../../../../shared/domain/cost';
import { countOf } from '../../../../../shared/text/plural';

/** Which resources the table shows: all, TrainDeck's, or the untracked ones. */
export type OwnerFilter = 'all' | 'ours' | 'untracked';

/** The table's order: as the scan listed them (by region), or by $/h, dearest or cheapest first. */
export type ResourceOrder = 'scan' | 'hourly-desc' | 'hourly-asc';

/**
 * The resources to show, filtered by owner and ordered. An unknown price sorts as the dearest
 * going down and last going up: "unknown" may be anything, so it is never hidden among the cents.
 * Ties keep the scan's order (a stable sort).
 */
export function arrangeResources(
  resources: readonly CostResource[],
  filter: OwnerFilter,
  order: ResourceOrder,
): CostResource[] {
  const shown = resources.filter((r) => filter === 'all' || (filter === 'ours') === r.ours);
  if (order === 'scan') return shown;
  const price = (r: CostResource) => r.hourlyUsd ?? Number.POSITIVE_INFINITY;
  const sign = order === 'hourly-desc' ? -1 : 1;
  // Two unknown prices give Infinity − Infinity = NaN: equal, as `|| 0` makes them.
  return shown.sort((a, b) => sign * (price(a) - price(b)) || 0);
}

/** One run's resources (or the untracked ones, `runId` undefined), as the kill dialog lists them. */
export interface RunGroup {
  runId: string | undefined;
  resources: CostResource[];
}

/**
 * TrainDeck's resources grouped by the run that made them (runs in the order first seen), then
 * ours without a run id; each resource in exactly one group.
 */
export function groupByRun(resources: readonly CostResource[]): RunGroup[] {
  const groups = new Map<string | undefined, CostResource[]>();
  for (const resource of resources) {
    const list = groups.get(resource.runId) ?? [];
    list.push(resource);
    groups.set(resource.runId, list);
  }
  const withRun = [...groups].filter(([runId]) => runId !== undefined);
  const without = groups.get(undefined);
  return [
    ...withRun.map(([runId, list]) => ({ runId, resources: list })),
    ...(without ? [{ runId: undefined, resources: without }] : []),
  ];
}

/** The Name tag AWS consoles show for a resource, when it has one. */
export function nameTag(resource: CostResource): string | undefined {
  const name = resource.tags.Name ?? resource.tags.name;
  return name && name.trim() ? name.trim() : undefined;
}

/** A scan older than this is redone in the background when the Costs page opens. */
export const SCAN_FRESH_MS = 60_000;

/** Whether the Costs page should rescan on open: no scan yet, or one older than {@link SCAN_FRESH_MS}. */
export function scanIsStale(scannedAt: string | undefined, now: number, freshMs = SCAN_FRESH_MS): boolean {
  if (!scannedAt) return true;
  const at = Date.parse(scannedAt);
  return !Number.isFinite(at) || now - at >= freshMs;
}

/** "Scanning 3 / 17 regions…" while a scan reports, "Scanning every region…" before its first report. */
export function scanningText(progress: { done: number; total: number } | undefined): string {
  return progress ? `Scanning ${progress.done} / ${countOf(progress.total, 'region')}…` : 'Scanning every region…';
}
