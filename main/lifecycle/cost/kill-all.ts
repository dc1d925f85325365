import {
  type CostResource,
  isBillable,
  type RegionScan,
  type ResourceKind,
  type ScanResult,
} from '../../../shared/domain/cost';
import type { AwsPorts } from '../../aws/ports/aws-ports';
import type { Clock } from '../../core/clock';
import type { Sleep } from '../../core/sleep';
import { deleteResources, DELETION_ORDER, type DeletionOutcome } from './delete-resources';
import { scanAccount } from './scanner';

/** What kill-all would delete, and what it leaves alone. */
export interface KillAllPlan {
  targets: CostResource[];
  /** Untracked billable resources left alone (no --include-untracked). */
  untouchedUntracked: CostResource[];
}

/** A survivor of kill-all or teardown, with the reason it is still there. */
export interface Survivor {
  resource: CostResource;
  reason: string;
}

/** The verified end of a kill-all or teardown. */
export interface CleanupReport {
  outcomes: DeletionOutcome[];
  rescan: ScanResult;
  survivors: Survivor[];
  /** Regions the rescan could not read: nothing is claimed about them. */
  unverifiedRegions: RegionScan[];
  /** $/hour still burning among the survivors. */
  remainingHourlyUsd: number;
}

/**
 * The deletions the rescan confirms: a delete call that succeeded while the resource is still
 * listed (a survivor) is not counted. "Deleted N" is this count.
 */
export function confirmedDeleted(report: Pick<CleanupReport, 'outcomes' | 'survivors'>): DeletionOutcome[] {
  const surviving = new Set(report.survivors.map((s) => s.resource.id));
  return report.outcomes.filter((o) => o.outcome === 'deleted' && !surviving.has(o.resource.id));
}

/** Ours always; untracked billable resources only when asked. Sorted in deletion order. */
export function planKillAll(scan: ScanResult, includeUntracked: boolean): KillAllPlan {
  const byOrder = (a: CostResource, b: CostResource) =>
    DELETION_ORDER.indexOf(a.kind) - DELETION_ORDER.indexOf(b.kind) || a.region.localeCompare(b.region);
  return {
    targets: scan.resources.filter((r) => r.ours || (includeUntracked && isBillable(r))).sort(byOrder),
    untouchedUntracked: includeUntracked ? [] : scan.resources.filter((r) => !r.ours && isBillable(r)),
  };
}

/** Options of {@link executeCleanup}. */
export interface CleanupOptions {
  ports: Pick<AwsPorts, 'ec2' | 'regions'>;
  clock: Clock;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Regions to rescan for verification; omitted means every enabled region. */
  regions?: string[];
  onProgress?: Parameters<typeof deleteResources>[1]['onProgress'];
  instanceWaitMs?: number;
  /**
   * Runs whose own teardown the caller waited for (a kill-all stops a run first): their targets are
   * looked for again before the deletions, and one already gone is reported `gone` (that run deleted it),
   * not deleted a second time and counted as this cleanup's.
   */
  tornDownBy?: readonly string[];
}

/**
 * Deletes `targets`, then rescans and keeps as survivors every target (by id) the rescan
 * still finds, plus anything `stillInScope` picks from the rescan: verification by looking,
 * not by trusting the delete calls.
 */
export async function executeCleanup(
  targets: CostResource[],
  stillInScope: (resource: CostResource) => boolean,
  options: CleanupOptions,
): Promise<CleanupReport> {
  const { gone, remaining } = await goneSincePlan(targets, options);
  for (const outcome of gone) options.onProgress?.(outcome);
  const deleted = await deleteResources(remaining, {
    ec2: options.ports.ec2,
    clock: options.clock,
    sleep: options.sleep,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.instanceWaitMs ? { instanceWaitMs: options.instanceWaitMs } : {}),
  });
  const outcomes = [...gone, ...deleted];
  const rescan = await scanAccount({
    ports: options.ports,
    clock: options.clock,
    sleep: options.sleep,
    ...(options.regions ? { regions: options.regions } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const targetIds = new Set(targets.map((t) => t.id));
  const reasons = new Map(outcomes.filter((o) => o.reason).map((o) => [o.resource.id, o.reason ?? '']));
  const survivors = rescan.resources
    .filter((r) => targetIds.has(r.id) || stillInScope(r))
    .map((resource) => ({
      resource,
      reason:
        reasons.get(resource.id) ??
        (targetIds.has(resource.id) ? `still ${resource.state} after deletion` : 'appeared after the plan was made'),
    }));
  const remainingHourlyUsd = survivors.reduce((sum, s) => sum + (s.resource.hourlyUsd ?? 0), 0);
  const unverifiedRegions = rescan.regions.filter((r) => r.status !== 'ok');
  return {
    outcomes,
    rescan,
    survivors,
    unverifiedRegions,
    remainingHourlyUsd: Math.round(remainingHourlyUsd * 10_000) / 10_000,
  };
}

/**
 * The targets of the runs in `tornDownBy` that a scan of their regions no longer finds: their run's
 * own teardown deleted them while the caller waited. A region the scan cannot read keeps its targets
 * (deleting twice is harmless; claiming a deletion that did not happen is not).
 */
async function goneSincePlan(
  targets: CostResource[],
  options: CleanupOptions,
): Promise<{ gone: DeletionOutcome[]; remaining: CostResource[] }> {
  const runs = new Set(options.tornDownBy ?? []);
  const ofRuns = targets.filter((target) => target.runId !== undefined && runs.has(target.runId));
  if (!ofRuns.length) return { gone: [], remaining: targets };
  const scan = await scanAccount({
    ports: options.ports,
    clock: options.clock,
    sleep: options.sleep,
    regions: [...new Set(ofRuns.map((target) => target.region))],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const read = new Set(scan.regions.filter((region) => region.status === 'ok').map((region) => region.region));
  const present = new Set(scan.resources.map((resource) => resource.id));
  const isGone = (target: CostResource) =>
    ofRuns.includes(target) && read.has(target.region) && !present.has(target.id);
  return {
    gone: targets.filter(isGone).map((resource) => ({
      resource,
      outcome: 'gone' as const,
      reason: `already deleted by run ${resource.runId}'s own teardown`,
    })),
    remaining: targets.filter((target) => !isGone(target)),
  };
}

/**
 * How long a kill-all waits, before it deletes, for the runs it stopped to end: their graceful stop
 * (60 s by default) and push, then their own teardown. Past it the kill-all deletes anyway.
 */
export const RUNS_END_LIMIT_MS = 5 * 60_000;

/**
 * What a live run needs to go on or to launch again (a spot relaunch): deleting one of these stops the
 * run first. A row's Delete of its stray snapshot, a leftover volume or its in-use root volume does not.
 */
const RUN_NEEDS: ReadonlySet<ResourceKind> = new Set(['instance', 'security-group', 'key-pair']);

/** The runs a kill-all of `targets` must stop (and let end) before it deletes: those whose instance, security group or key pair goes. */
export function runsToStopFirst(targets: readonly CostResource[]): string[] {
  return [...new Set(targets.flatMap((target) => (target.runId && RUN_NEEDS.has(target.kind) ? [target.runId] : [])))];
}
