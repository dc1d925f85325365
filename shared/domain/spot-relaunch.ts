/**
 * Spot relaunch: after a spot interruption (the executor pushed, the desktop verified the push and
 * tore the instance down), whether the run launches again, on which market, and in which order it
 * tries the placements. Pure: the run pipeline asks, the EC2 backend launches.
 */
import type { LaunchMarket, PlacementCandidate } from './capacity-failover';

/** The most relaunches a run config may ask for (`compute.spot.maxRelaunches`). */
export const MAX_SPOT_RELAUNCHES = 10;

/** How one attempt's training ended, as far as a relaunch cares. */
export type AttemptEnding = 'interrupted' | 'finished' | 'failed' | 'stopped';

/** What the decision after an attempt looks at. */
export interface RelaunchFacts {
  /** How the attempt that just ended ended. */
  ending: AttemptEnding;
  /** The executor's push after the interruption is verified in S3 (a relaunch resumes from it). */
  pushVerified: boolean;
  /** The run's Stop (the user, kill-all, the budget): never relaunched. */
  cancelled: boolean;
  /** The market of every attempt so far that got to train, in launch order (at least the one that just ended). */
  markets: readonly LaunchMarket[];
  /**
   * Every attempt so far, a launch that never trained included (default: `markets.length`): it numbers the
   * next. A relaunch a killed TrainDeck left half-launched (its instance terminated and billed after the
   * restart) is such a launch: it takes an attempt number (EC2's idempotency token is per number), not a relaunch.
   */
  launched?: number;
  /** `compute.spot.maxRelaunches`. */
  maxRelaunches: number;
  /** `compute.spot.fallbackOnDemand`. */
  fallbackOnDemand: boolean;
}

/** Launch again (attempt `attempt`, 1-based), on `market`; or end, saying why when a relaunch was withheld. */
export type RelaunchDecision =
  | { relaunch: true; attempt: number; market: LaunchMarket; why: string }
  | { relaunch: false; why?: string; fix?: string };

/**
 * The rule: only an interrupted attempt whose push is verified, in a run nobody stopped, is
 * relaunched; on spot while fewer than `maxRelaunches` relaunches were made, then once on-demand
 * when `fallbackOnDemand` (an on-demand instance is not interrupted, so that is the last). With
 * `maxRelaunches` 0 the feature is off, the on-demand fallback included. So a run has at most
 * 1 + maxRelaunches + 1 attempts that train (and one half-launched attempt per restart of a killed TrainDeck).
 */
export function decideRelaunch(facts: RelaunchFacts): RelaunchDecision {
  if (facts.ending !== 'interrupted') return { relaunch: false };
  if (facts.cancelled) return { relaunch: false, why: 'the run was stopped, so it was not relaunched' };
  if (!facts.pushVerified) {
    return {
      relaunch: false,
      why: 'the push after the spot interruption was not verified, so the run was not relaunched (it would resume from data S3 may not hold)',
      fix: 'Check the run folder in S3, then start the run again: it resumes from the newest checkpoint there if the training reads TRAINDECK_RESUME_FROM.',
    };
  }
  if (facts.maxRelaunches <= 0) {
    return {
      relaunch: false,
      why: 'spot relaunch is off (compute.spot.maxRelaunches is 0)',
      fix: 'Set compute.spot.maxRelaunches (1 to 10) to relaunch after an interruption, or use the on-demand market.',
    };
  }
  const attempt = Math.max(facts.launched ?? 0, facts.markets.length) + 1;
  const relaunches = facts.markets.length - 1;
  // An on-demand attempt is the fallback's last word: it is never followed by another launch.
  if (facts.markets.includes('on-demand')) {
    return { relaunch: false, why: 'an on-demand attempt already ran, so the run was not relaunched again' };
  }
  if (relaunches < facts.maxRelaunches) {
    return {
      relaunch: true,
      attempt,
      market: 'spot',
      why: `spot relaunch ${relaunches + 1} of ${facts.maxRelaunches}`,
    };
  }
  if (facts.fallbackOnDemand) {
    return {
      relaunch: true,
      attempt,
      market: 'on-demand',
      why: `${facts.maxRelaunches} spot relaunch(es) used: relaunching on-demand (compute.spot.fallbackOnDemand)`,
    };
  }
  return {
    relaunch: false,
    why: `interrupted again after ${relaunches} spot relaunch(es), the most compute.spot.maxRelaunches allows`,
    fix: 'Raise compute.spot.maxRelaunches, set compute.spot.fallbackOnDemand to true, or use the on-demand market; starting the run again resumes from the newest checkpoint.',
  };
}

/**
 * The placements a relaunch tries, from the launch's own failover order: on spot, the spot
 * placements with, for each type, the interrupted zone after the others (AWS just reclaimed
 * capacity there), then the plan's on-demand placements (capacity failover with `fallbackOnDemand`);
 * on-demand, every placement of the plan on-demand, each type and zone once, in the plan's order.
 * Never a placement the plan does not hold (on-demand aside, which is the same type and zone).
 */
export function relaunchOrder<C extends PlacementCandidate>(
  candidates: readonly C[],
  market: LaunchMarket,
  interruptedZone: string | undefined,
): C[] {
  if (market === 'on-demand') {
    const seen = new Set<string>();
    const order: C[] = [];
    for (const candidate of candidates) {
      const key = `${candidate.instanceType}/${candidate.zone}`;
      if (seen.has(key)) continue;
      seen.add(key);
      order.push({ ...candidate, market: 'on-demand' });
    }
    return order;
  }
  const spot = candidates.filter((c) => c.market === 'spot');
  const types = [...new Set(spot.map((c) => c.instanceType))];
  const reordered = types.flatMap((type) => {
    const ofType = spot.filter((c) => c.instanceType === type);
    return [...ofType.filter((c) => c.zone !== interruptedZone), ...ofType.filter((c) => c.zone === interruptedZone)];
  });
  return [...reordered, ...candidates.filter((c) => c.market !== 'spot')];
}
