import { setMaxListeners } from 'node:events';

import type { CostResource, RegionScan, ScanResult } from '../../../shared/domain/cost';
import { totalHourly } from '../../../shared/domain/cost';
import { instanceBills } from '../../../shared/pricing/estimate';
import {
  PRICE_TABLE,
  type PriceOrigin,
  type PriceTable,
  summarizePriceOrigins,
} from '../../../shared/pricing/price-table';
import { describeAwsError, isThrottling, regionRefusal } from '../../aws/aws-errors';
import type { AwsPorts } from '../../aws/ports/aws-ports';
import type { Clock } from '../../core/clock';
import { retry } from '../../core/retry';
import { type Sleep } from '../../core/sleep';
import { type SpotNow, spotNow } from '../pricing/spot-now';
import { mapBounded } from './map-bounded';
import { type RegionInventory, toCostResources } from './to-cost-resources';

/** How to scan. */
export interface ScanOptions {
  ports: Pick<AwsPorts, 'ec2' | 'regions'>;
  /** Regions to scan; omitted means every enabled region. */
  regions?: string[];
  /** Regions scanned at once (each makes its 8 list calls at once). */
  concurrency?: number;
  /** `sequential` makes one call at a time: only the benchmark's baseline uses it. */
  mode?: 'parallel' | 'sequential';
  /** Attempts per call when AWS throttles (on top of the SDK's own retries). */
  attempts?: number;
  clock: Clock;
  sleep: Sleep;
  signal?: AbortSignal;
  /** The prices of a region with resources (main's price source); absent: the bundled table for every region. */
  prices?(region: string): Promise<PriceTable>;
  /** Told once the regions are known (done 0) and after each region answered, refused or failed. */
  onProgress?(progress: { done: number; total: number }): void;
}

const LISTS = [
  'listInstances',
  'listVolumes',
  'listSnapshots',
  'listAddresses',
  'listNatGateways',
  'listLoadBalancers',
  'listOurKeyPairs',
  'listOurSecurityGroups',
] as const;
const KEYS: Record<(typeof LISTS)[number], keyof RegionInventory> = {
  listInstances: 'instances',
  listVolumes: 'volumes',
  listSnapshots: 'snapshots',
  listAddresses: 'addresses',
  listNatGateways: 'natGateways',
  listLoadBalancers: 'loadBalancers',
  listOurKeyPairs: 'keyPairs',
  listOurSecurityGroups: 'securityGroups',
};

async function scanRegion(
  region: string,
  options: ScanOptions,
): Promise<{ scan: RegionScan; resources: CostResource[]; origin?: PriceOrigin }> {
  const started = options.clock.now();
  const throttleRetry = {
    attempts: options.attempts ?? 6,
    baseMs: 200,
    retryable: isThrottling,
    sleep: options.sleep,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const call = (list: (typeof LISTS)[number]) =>
    retry(
      () => options.ports.ec2(region)[list](options.signal ? { signal: options.signal } : {}) as Promise<unknown[]>,
      throttleRetry,
    );
  try {
    const results =
      options.mode === 'sequential' ? await mapBounded(LISTS, 1, call) : await Promise.all(LISTS.map(call));
    const inventory = Object.fromEntries(
      LISTS.map((list, index) => [KEYS[list], results[index]]),
    ) as unknown as RegionInventory;
    // Prices are asked only of regions with something to price (the Price List is slow the first time).
    const anything = Object.values(inventory).some((list) => list.length > 0);
    const table = anything && options.prices ? await options.prices(region) : PRICE_TABLE;
    const resources = toCostResources(
      region,
      inventory,
      options.clock.now(),
      table,
      await spotOf(region, inventory, options),
    );
    return {
      scan: { region, status: 'ok', resourceCount: resources.length, durationMs: options.clock.now() - started },
      resources,
      ...(anything ? { origin: table.origin ?? { source: 'bundled', region, asOf: PRICE_TABLE.asOf } } : {}),
    };
  } catch (error) {
    options.signal?.throwIfAborted();
    const refusal = regionRefusal(error);
    const scan: RegionScan = {
      region,
      status: refusal ? 'refused' : 'error',
      reason: refusal ?? describeAwsError(error),
      resourceCount: 0,
      durationMs: options.clock.now() - started,
    };
    return { scan, resources: [] };
  }
}

/**
 * Lists everything billable in the given (or every enabled) region, regions in parallel up
 * to `concurrency`. A region that refuses or fails is reported in `regions`, never fatal;
 * throttling is retried with backoff.
 */
export async function scanAccount(options: ScanOptions): Promise<ScanResult> {
  // Every in-flight SDK call listens on the one signal: 10 regions × 8 calls is many listeners, by design.
  if (options.signal) setMaxListeners(500, options.signal);
  const regions =
    options.regions ??
    (await retry(() => options.ports.regions.listEnabledRegions(options.signal ? { signal: options.signal } : {}), {
      attempts: 4,
      baseMs: 200,
      retryable: isThrottling,
      sleep: options.sleep,
    }));
  const limit = options.mode === 'sequential' ? 1 : (options.concurrency ?? 10);
  let done = 0;
  options.onProgress?.({ done, total: regions.length });
  const scanned = await mapBounded(regions, limit, async (region) => {
    const entry = await scanRegion(region, options);
    options.onProgress?.({ done: ++done, total: regions.length });
    return entry;
  });
  const resources = scanned.flatMap((entry) => entry.resources);
  return {
    scannedAt: new Date(options.clock.now()).toISOString(),
    regions: scanned.map((entry) => entry.scan),
    resources,
    ...totalHourly(resources),
    priceTableDate: PRICE_TABLE.asOf,
    pricesNote: summarizePriceOrigins(scanned.flatMap((entry) => (entry.origin ? [entry.origin] : []))),
  };
}

// The newest spot price per zone of each type a billing spot instance of the region runs (one call per type).
async function spotOf(region: string, inventory: RegionInventory, options: ScanOptions): Promise<Map<string, SpotNow>> {
  const types = [
    ...new Set(
      inventory.instances.filter((i) => i.market === 'spot' && instanceBills(i.state)).map((i) => i.instanceType),
    ),
  ];
  const where = { region, now: options.clock.now() };
  const answers = await mapBounded(types, 4, (type) => spotNow(options.ports.ec2(region), type, where, options.signal));
  return new Map(types.map((type, index) => [type, answers[index]!]));
}
