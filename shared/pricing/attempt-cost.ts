import { type AttemptCost, attemptDurationSeconds, type RunAttempt } from '../report/run-attempts';
import { hourlyCost } from './estimate';
import { PRICE_TABLE, type PriceTable } from './price-table';
import type { SpotPricing } from './spot-history';

/** What pricing one attempt needs besides the attempt itself. */
export interface AttemptPriceInput {
  /** The root gp3 volume's size: each attempt has its own, created and deleted with its instance. */
  diskGb: number;
  /** A spot attempt's instance from EC2's price history over its own window and zone (main reads it); absent: on-demand, at most. */
  spot?: SpotPricing | undefined;
  /** The end of an attempt still running (epoch ms); absent: a running attempt is not priced yet. */
  now?: number;
  table?: PriceTable;
}

const rate = (hourly: number) => `$${Number(hourly.toPrecision(4))}/h`;

/** AWS bills a Linux instance (on-demand or spot) per second, at least 60 s per launch (and so its root volume). */
export const MIN_BILLED_SECONDS = 60;

/**
 * Prices one attempt of a run for its own duration (start of its provisioning → its verified
 * teardown, an upper bound of AWS's launch → termination): its instance at its own market (spot:
 * its zone's price history; without it, the on-demand price, an upper bound said so), plus the
 * root volume and the public IPv4 that live and die with that instance (billed per attempt: the
 * gaps between attempts bill neither), at least {@link MIN_BILLED_SECONDS}: a launch that failed after its
 * instance was created (a Stop, impaired status checks) is billed too. An attempt with no instance: $0, said so. Unknown
 * (`costUsd` absent, `costNote` says why) only when the price table has no price for the type, or
 * the attempt's times cannot be read: never $0 for it.
 */
export function priceAttempt(attempt: RunAttempt, input: AttemptPriceInput): AttemptCost {
  const table = input.table ?? PRICE_TABLE;
  if (!attempt.instanceId) {
    return { costUsd: 0, costNote: 'No instance was launched: nothing billed.' };
  }
  const lasted = attemptDurationSeconds(attempt, input.now);
  if (lasted === undefined) {
    return attempt.end
      ? { costNote: `Attempt ${attempt.attempt}'s start or end time cannot be read, so it cannot be priced.` }
      : {};
  }
  const seconds = Math.max(lasted, MIN_BILLED_SECONDS);
  const hours = seconds / 3600;
  const ebsHourly = hourlyCost({ kind: 'volume', volumeType: 'gp3', sizeGb: input.diskGb }, table) ?? 0;
  const ipv4Hourly = table.publicIpv4Hourly;
  const withDisk = `with its ${input.diskGb} GB gp3 root volume and public IPv4 (${rate(ebsHourly + ipv4Hourly)})`;
  const around = (usd: number) => usd + (ebsHourly + ipv4Hourly) * hours;
  const onDemand = table.instanceHourly[attempt.instanceType];
  const span = `${hours.toFixed(2)} h`;
  // Said where the figure comes from: the attempt lasted less than what AWS bills at least.
  const minimum = lasted < MIN_BILLED_SECONDS ? `, AWS's ${MIN_BILLED_SECONDS} s minimum` : '';
  if (attempt.market === 'spot' && input.spot?.source === 'history') {
    const charge = input.spot.charge;
    const bound = charge.zonesCompared !== undefined;
    // A window shorter than the minimum is billed the minimum at the price then in effect.
    const spotUsd = lasted < MIN_BILLED_SECONDS ? charge.avgHourlyUsd * hours : charge.usd;
    return {
      costUsd: around(spotUsd),
      ...(bound ? { costUpperBound: true } : {}),
      costNote: bound
        ? `At most: ${span} of spot at the dearest of ${charge.zonesCompared} zones (${charge.zone}, avg ${rate(charge.avgHourlyUsd)}), as its zone was not recorded, ${withDisk}${minimum}.`
        : `${span} of spot in ${charge.zone} at avg ${rate(charge.avgHourlyUsd)} (EC2's price history), ${withDisk}${minimum}.`,
    };
  }
  if (onDemand === undefined) {
    return {
      costNote: `${attempt.instanceType} has no price in the price table, so attempt ${attempt.attempt} cannot be priced.`,
    };
  }
  if (attempt.market === 'spot') {
    const why = input.spot?.source === 'unavailable' ? input.spot.reason : 'the spot price history was not read for it';
    return {
      costUsd: around(onDemand * hours),
      costUpperBound: true,
      costNote: `At most: ${span} priced on-demand at ${rate(onDemand)}, as ${why}, ${withDisk}${minimum}.`,
    };
  }
  return {
    costUsd: around(onDemand * hours),
    costNote: `${span} on-demand at ${rate(onDemand)}, ${withDisk}${minimum}.`,
  };
}
