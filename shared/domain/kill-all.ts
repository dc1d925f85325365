import type { CostResource, RegionScan, ScanResult } from './cost';

/**
 * The phrase that confirms deleting untracked resources: typed by the user, and tied to the
 * count the confirmation showed, so a changed account cannot ride on an old "yes".
 */
export function untrackedPhrase(count: number): string {
  return `delete ${count} untracked`;
}

/**
 * What happens to one resource during a kill-all, as it happens; `gone`: already deleted by a stopped
 * run's own teardown (the reason says which), so not this kill-all's deletion.
 */
export type DeletionState = 'deleting' | 'deleted' | 'failed' | 'gone';

/** One per-resource step of a running kill-all (the `costs.deletion` event). */
export interface DeletionEvent {
  jobId: string;
  resourceId: string;
  region: string;
  state: DeletionState;
  /** Why it failed, or who deleted it (`gone`); never a secret. */
  reason?: string;
}

/** A resource the verifying rescan still found, with the reason. */
export interface KillAllSurvivor {
  resource: CostResource;
  reason: string;
}

/** The verified end of a kill-all: the job's `succeeded` result. */
export interface KillAllResult {
  /** What this kill-all (or teardown) deleted itself. */
  deleted: number;
  /** What a stopped run's own teardown had deleted before this kill-all came to it (absent: none). */
  alreadyGone?: number;
  failed: number;
  survivors: KillAllSurvivor[];
  /** Regions the rescan could not read: nothing is claimed about them. */
  unverifiedRegions: RegionScan[];
  /** $/hour still burning among the survivors. */
  remainingHourlyUsd: number;
  rescan: ScanResult;
}
