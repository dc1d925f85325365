import type { SpotZonePrice } from '../domain/account';
import { continuingSentence } from '../text/sentences';
import { isPrice } from './price-table';

/** The newest spot price per zone of one type (main's spot-now.ts reads it), or why it is unknown (a sentence). */
export type SpotNowAnswer = { zones: SpotZonePrice[] } | { problem: string };

/** A spot instance's $/h now and how it was found; `upperBound` when it is at most that, not that. */
export interface SpotNowPrice {
  hourlyUsd: number | null;
  upperBound: boolean;
  /** One sentence for the row: which price, of where, or why the on-demand price stands in. */
  note: string;
}

/**
 * Prices a running spot instance now, as the wizard quotes spot: its zone's newest price from EC2's
 * price history, plus its public IPv4. Without its zone, the dearest zone's price (at most); without
 * the history, the on-demand price (at most: spot never bills above it), with why.
 */
export function spotNowPrice(input: {
  instanceType: string;
  zone?: string | undefined;
  spot: SpotNowAnswer;
  onDemandHourly: number | null;
  /** The public IPv4's $/h, 0 without one. */
  ipv4Hourly: number;
}): SpotNowPrice {
  const plusIp = (usd: number | null) => (usd === null ? null : usd + input.ipv4Hourly);
  // A price no instance bills (negative, NaN, infinite: a broken or hostile answer) is no price.
  const spot: SpotNowAnswer =
    'problem' in input.spot ? input.spot : { zones: input.spot.zones.filter((z) => isPrice(z.usdPerHour)) };
  if ('problem' in spot || spot.zones.length === 0) {
    const why = 'problem' in spot ? spot.problem : 'EC2 has no spot price for it.';
    return {
      hourlyUsd: plusIp(input.onDemandHourly),
      upperBound: true,
      note: `At most: priced on-demand, as the spot price history is unavailable (${continuingSentence(why.replace(/\.$/, ''))}).`,
    };
  }
  const own = spot.zones.find((z) => z.zone === input.zone);
  if (own) {
    return {
      hourlyUsd: plusIp(own.usdPerHour),
      upperBound: false,
      note: `Spot price now in ${own.zone} (EC2's price history).`,
    };
  }
  const dearest = spot.zones.reduce((a, b) => (b.usdPerHour > a.usdPerHour ? b : a));
  return {
    hourlyUsd: plusIp(dearest.usdPerHour),
    upperBound: true,
    note: `At most: the dearest zone's spot price now (${dearest.zone}); the instance's zone is not known.`,
  };
}
