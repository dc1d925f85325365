import type { SpotZonePrice } from '../../../shared/domain/account';
import type { SpotPricePoint } from '../../../shared/pricing/spot-history';
import { awsFailure } from '../../aws/aws-failure';
import type { Ec2SpotPricePort } from '../../aws/ports/ec2-spot-price-port';

/** The newest spot price per zone of one type, cheapest first; or why it is unknown (a sentence). */
export type SpotNow = { zones: SpotZonePrice[] } | { problem: string };

const DAY_MS = 86_400_000;

/**
 * The one home of "what does spot cost now": the newest price of each zone of `instanceType` in
 * EC2's last day of price history (the wizard's picker and Review, the Costs page). Never throws:
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
