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
  return priceSpotWindow(
    {
      instanceType: instance.instanceType ?? setup.instanceType,
      ...(instance.zone ? { zone: instance.zone } : {}),
      from: instance.from,
      to: instance.to,
    },
    { region: instance.region, ...(setup.profile ? { profile: setup.profile } : {}) },
    deps,
  );
}

/**
 * Prices one spot instance's window (a run's, or one attempt's of a relaunched run) from EC2's
 * price history of its zone (without it, the dearest zone of the region, at most). Never throws:
 * an unreadable or empty history, or none within {@link SPOT_HISTORY_LIMIT_MS}, is `unavailable` with why.
 */
export async function priceSpotWindow(
  window: { instanceType: string; zone?: string; from: number; to: number },
  target: AwsTarget,
  deps: Pick<SpotCostDeps, 'spotPrices' | 'limitMs'>,
): Promise<SpotPricing> {
  const { instanceType, zone, from, to } = window;
  const limitMs = deps.limitMs ?? SPOT_HISTORY_LIMIT_MS;
  try {
    const port = deps.spotPrices(target);
    const points = await bounded(
      (signal) => port.spotPriceHistory(instanceType, zone, new Date(from), new Date(to), { signal }),
      limitMs,
    );
    const charge = priceSpotInterval(points, from, to, zone);
    if (!charge) {
      return {
        source: 'unavailable',
        reason: `EC2 has no spot price history for ${instanceType} in ${zone ?? target.region}`,
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
