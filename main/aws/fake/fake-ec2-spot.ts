import { PRICE_TABLE } from '../../../shared/pricing/price-table';
import type { SpotPricePoint } from '../../../shared/pricing/spot-history';
import type { Ec2SpotPricePort } from '../ports/ec2-spot-price-port';
import { type FakeEc2Region, hex } from './fake-ec2-region';
import { awsError } from './fake-error';

const STEP_MS = 6 * 3_600_000;

/**
 * The spot price history of one fake region, as EC2 answers DescribeSpotPriceHistory: per zone,
 * the points inside [from, to] plus the last one before `from`, newest first. Prices are the
 * region's seeded ones (`region.spotPrices`), else a stable made-up market: every 6 hours, 30–40 %
 * of the bundled on-demand price, different per zone.
 */
export function fakeSpotPrices(region: FakeEc2Region): Ec2SpotPricePort {
  return {
    spotPriceHistory: async (instanceType, zone, from, to) => {
      if (zone !== undefined && !region.zones.includes(zone)) {
        throw awsError('InvalidParameterValue', `Invalid availability zone: [${zone}]`);
      }
      const all =
        region.spotPrices.get(instanceType) ?? madeUpHistory(region, instanceType, from.getTime(), to.getTime());
      const answer: SpotPricePoint[] = [];
      for (const name of zone === undefined ? region.zones : [zone]) {
        const mine = all.filter((p) => p.zone === name && p.t <= to.getTime()).sort((a, b) => a.t - b.t);
        const before = mine.filter((p) => p.t < from.getTime()).at(-1);
        answer.push(...(before ? [before] : []), ...mine.filter((p) => p.t >= from.getTime()));
      }
      return structuredClone(answer.sort((a, b) => b.t - a.t));
    },
  };
}

function madeUpHistory(region: FakeEc2Region, instanceType: string, from: number, to: number): SpotPricePoint[] {
  const onDemand = PRICE_TABLE.instanceHourly[instanceType];
  if (onDemand === undefined) return [];
  const points: SpotPricePoint[] = [];
  for (const zone of region.zones) {
    for (let t = Math.floor(from / STEP_MS) * STEP_MS; t <= to; t += STEP_MS) {
      const jitter = parseInt(hex(`${zone}:${instanceType}:${t}`, 4), 16) / 0xffff;
      points.push({ zone, t, usdPerHour: Math.round(onDemand * (0.3 + 0.1 * jitter) * 10_000) / 10_000 });
    }
  }
  return points;
}
