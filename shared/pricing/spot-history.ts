/**
 * Spot prices as EC2's price history publishes them, and what an instance paid over an
 * interval. The history is a step function per availability zone: each point's price holds
 * from its time until the zone's next point.
 */

import { isPrice } from './price-table';

/** One price change of one instance type in one zone. */
export interface SpotPricePoint {
  zone: string;
  /** Epoch ms the price took effect. */
  t: number;
  usdPerHour: number;
}

/** The spot charge of an interval, integrated from the price steps. */
export interface SpotIntegral {
  usd: number;
  hours: number;
  /** usd / hours (the price in effect when the interval is empty). */
  avgHourlyUsd: number;
  /** Price steps that priced some part of the interval. */
  points: number;
}

/** What the instance of a spot run cost, from the price history. */
export interface SpotCharge extends SpotIntegral {
  /** The zone priced: the instance's own, or, when it is unknown, the dearest of `zonesCompared`. */
  zone: string;
  /** Set when the instance's zone was unknown: the region's zones compared, the dearest kept. */
  zonesCompared?: number;
}

const HOUR_MS = 3_600_000;

/**
 * Integrates one zone's price steps over [from, to] (epoch ms). A point dated before `from`
 * is the price in effect at `from` (EC2 returns it with the window); when the history starts
 * inside the interval, its first price is taken to hold before it too. undefined without points.
 */
export function integrateSpotPrices(points: SpotPricePoint[], from: number, to: number): SpotIntegral | undefined {
  const steps = distinctSteps(points);
  if (steps.length === 0) return undefined;
  const end = Math.max(from, to);
  // The step in effect at `from`: the last one at or before it, else the first.
  let index = 0;
  while (index + 1 < steps.length && steps[index + 1]!.t <= from) index += 1;
  const atFrom = steps[index]!;
  let usd = 0;
  let used = 0;
  let cursor = from;
  for (; index < steps.length; index += 1) {
    const until = Math.min(end, steps[index + 1]?.t ?? end);
    usd += (steps[index]!.usdPerHour * Math.max(0, until - cursor)) / HOUR_MS;
    used += 1;
    cursor = until;
    if (cursor >= end) break;
  }
  const hours = (end - from) / HOUR_MS;
  return { usd, hours, avgHourlyUsd: hours > 0 ? usd / hours : atFrom.usdPerHour, points: used };
}

/**
 * Prices a spot instance's running interval. With its zone: that zone's steps. Without
 * (an old journal): every zone of the region is integrated and the dearest kept, an upper
 * bound that still follows the market. undefined when no point applies.
 */
export function priceSpotInterval(
  points: SpotPricePoint[],
  from: number,
  to: number,
  zone?: string,
): SpotCharge | undefined {
  const byZone = new Map<string, SpotPricePoint[]>();
  for (const point of points) {
    if (zone !== undefined && point.zone !== zone) continue;
    byZone.set(point.zone, [...(byZone.get(point.zone) ?? []), point]);
  }
  let dearest: SpotCharge | undefined;
  for (const [name, zonePoints] of byZone) {
    const integral = integrateSpotPrices(zonePoints, from, to);
    if (integral && (!dearest || integral.usd > dearest.usd)) dearest = { ...integral, zone: name };
  }
  if (!dearest || zone !== undefined) return dearest;
  return { ...dearest, zonesCompared: byZone.size };
}

// Ascending by time; one price per instant (the highest, when a zone reports two).
function distinctSteps(points: SpotPricePoint[]): SpotPricePoint[] {
  const valid = points
    .filter((p) => Number.isFinite(p.t) && isPrice(p.usdPerHour))
    .sort((a, b) => a.t - b.t || a.usdPerHour - b.usdPerHour);
  const steps: SpotPricePoint[] = [];
  for (const point of valid) {
    if (steps.at(-1)?.t === point.t) steps[steps.length - 1] = point;
    else steps.push(point);
  }
  return steps;
}

/**
 * How a finished spot run's instance is priced: from the price history, or, when the history
 * could not be read or had nothing for it, at the on-demand upper bound (with why).
 */
export type SpotPricing = { source: 'history'; charge: SpotCharge } | { source: 'unavailable'; reason: string };
