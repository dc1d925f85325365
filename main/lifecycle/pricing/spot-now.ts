import type { SpotZonePrice } from '../../../shared/domain/account';
import type { SpotPricePoint } from '../../../shared/pricing/spot-history';
import type { SpotNowAnswer } from '../../../shared/pricing/spot-now-price';
import { awsFailure } from '../../aws/aws-failure';
import type { Ec2SpotPricePort } from '../../aws/ports/ec2-spot-price-port';
import type { AwsTarget, LifecycleDeps } from '../lifecycle-deps';

/** The newest spot price per zone of one type, cheapest first; or why it is unknown (a sentence). */
export type SpotNow = SpotNowAnswer;

const DAY_MS = 86_400_000;

/**
 * The one home of "what does spot cost now": the newest price of each zone of `instanceType` in
 * EC2's last day of price history (the wizard's picker and Review, the Costs page, the monitor's
 * burn rate and budget). Never throws:
 * a denied call, a timeout or an empty history comes back as `problem`.
 */
export async function spotNow(
  port: Ec2SpotPricePort,
  instanceType: string,
  where: { region: string; now: number },
  signal?: AbortSignal,
): Promise<SpotNow> {
  try {
    const points = await port.spotPriceHistory(
      instanceType,
      undefined,
      new Date(where.now - DAY_MS),
      new Date(where.now),
      signal ? { signal } : {},
    );
    const zones = newestPerZone(points);
    return zones.length > 0
      ? { zones }
      : { problem: `EC2 has no spot price of ${instanceType} in ${where.region} for the last day.` };
  } catch (error) {
    return { problem: awsFailure(error, signal ? { signal } : {}).message };
  }
}

/** How long the monitor waits for a spot price before it keeps the on-demand upper bound (said with why). */
const SPOT_NOW_LIMIT_MS = 20_000;
/** How long a read price is answered from memory: runs of one type share a read; shorter than the monitor's re-read. */
const SPOT_NOW_CACHE_MS = 5 * 60_000;

/**
 * {@link spotNow} of a world (its EC2, its clock) for the monitor's burn rate and budget: asked per
 * region and type, given up after {@link SPOT_NOW_LIMIT_MS} or when `signal` aborts (the problem then
 * says so). A price read is kept {@link SPOT_NOW_CACHE_MS} per profile, region and type (a problem
 * is not kept: the next ask tries again).
 */
export function spotNowOf(
  world: Pick<LifecycleDeps, 'ports' | 'clock'>,
  limitMs = SPOT_NOW_LIMIT_MS,
  cacheMs = SPOT_NOW_CACHE_MS,
): (target: AwsTarget, instanceType: string, signal?: AbortSignal) => Promise<SpotNow> {
  const cache = new Map<string, { at: number; answer: SpotNow }>();
  return async (target, instanceType, signal) => {
    const key = `${target.profile ?? ''}@${target.region}:${instanceType}`;
    const hit = cache.get(key);
    if (hit && world.clock.now() - hit.at < cacheMs) return hit.answer;
    const limit = AbortSignal.timeout(limitMs);
    const answer = await spotNow(
      world.ports(target).ec2(target.region),
      instanceType,
      { region: target.region, now: world.clock.now() },
      signal ? AbortSignal.any([signal, limit]) : limit,
    );
    if ('zones' in answer) cache.set(key, { at: world.clock.now(), answer });
    return answer;
  };
}

/** The newest price of each zone, cheapest zone first. */
function newestPerZone(points: SpotPricePoint[]): SpotZonePrice[] {
  const newest = new Map<string, SpotPricePoint>();
  for (const point of points) {
    const seen = newest.get(point.zone);
    if (!seen || point.t > seen.t) newest.set(point.zone, point);
  }
  return [...newest.values()]
    .map(({ zone, usdPerHour }) => ({ zone, usdPerHour }))
    .sort((a, b) => a.usdPerHour - b.usdPerHour || a.zone.localeCompare(b.zone));
}
