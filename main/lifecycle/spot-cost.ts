import { journaledInstance, type JournalEntry } from '../../shared/domain/run-journal';
import { priceSpotInterval, type SpotPricing } from '../../shared/pricing/spot-history';
import { describeAwsError } from '../aws/aws-errors';
import type { Ec2SpotPricePort } from '../aws/ports/ec2-spot-price-port';
import { raceAbort } from '../core/abort';
import { readJournal } from './journal/run-journal';
import type { AwsTarget } from './lifecycle-deps';

/** How long the price history may take before the cost falls back to the on-demand upper bound. */
const SPOT_HISTORY_LIMIT_MS = 20_000;

/** What pricing a spot run reads: its journal and EC2's spot price history. */
export interface SpotCostDeps {
  /** Where the run journals are (the lifecycle's data folder). */
  dataDir: string;
  spotPrices(target: AwsTarget): Ec2SpotPricePort;
  /** The clock the journal was stamped with: the end of an instance not yet seen gone. */
  now(): number;
  limitMs?: number;
}

/**
 * Prices a spot run's instance from the price history of its zone (or, for a journal without
 * the zone, the dearest zone of its region) over launch → termination. undefined when the
 * journal shows no instance (nothing was launched: the on-demand figure stays as it is). Never
 * throws, and gives up after {@link SPOT_HISTORY_LIMIT_MS}: a run's finish must not wait on it.
 */
export async function priceSpotRun(
  runId: string,
  setup: { instanceType: string; profile?: string | undefined },
  deps: SpotCostDeps,
): Promise<SpotPricing | undefined> {
  const entries = await readJournal(deps.dataDir, runId).catch((): JournalEntry[] => []);
  const instance = journaledInstance(entries, deps.now());
  if (!instance) return undefined;
  // A relaunched run had several instances (zones, types, maybe on-demand): the history of the
  // first would price only part of it, so the whole window is priced on-demand, an upper bound.
  if (entries.filter((e) => e.type === 'created' && e.kind === 'instance').length > 1) {
    return {
      source: 'unavailable',
      reason:
        'the run was relaunched after a spot interruption, so its instances are priced on-demand as an upper bound',
    };
  }
  const instanceType = instance.instanceType ?? setup.instanceType;
  const limitMs = deps.limitMs ?? SPOT_HISTORY_LIMIT_MS;
  try {
    const port = deps.spotPrices({ region: instance.region, ...(setup.profile ? { profile: setup.profile } : {}) });
    const points = await bounded(
      (signal) =>
        port.spotPriceHistory(instanceType, instance.zone, new Date(instance.from), new Date(instance.to), { signal }),
      limitMs,
    );
    const charge = priceSpotInterval(points, instance.from, instance.to, instance.zone);
    if (!charge) {
      return {
        source: 'unavailable',
        reason: `EC2 has no spot price history for ${instanceType} in ${instance.zone ?? instance.region}`,
      };
    }
    return { source: 'history', charge };
  } catch (error) {
    return {
      source: 'unavailable',
      reason: `the spot price history could not be read (${describeAwsError(error).split('\n')[0]})`,
    };
  }
}

// The call gets an abort signal; the race is for a port that would not honour it.
async function bounded<T>(call: (signal: AbortSignal) => Promise<T>, limitMs: number): Promise<T> {
  const signal = AbortSignal.timeout(limitMs);
  return raceAbort(call(signal), signal).catch((error: unknown) => {
    throw signal.aborted
      ? Object.assign(new Error(`no answer within ${limitMs / 1000} s`), { name: 'Timeout' })
      : error;
  });
}
