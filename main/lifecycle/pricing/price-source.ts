import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { regionPricesFromProducts } from '../../../shared/pricing/price-list';
import { PRICE_TABLE, type PriceOrigin, type PriceTable } from '../../../shared/pricing/price-table';
import { awsFailure } from '../../aws/aws-failure';
import type { PriceListPort } from '../../aws/ports/price-list-port';
import type { Clock } from '../../core/clock';
import { writeFileAtomic } from '../../core/write-file-atomic';
import type { AwsTarget, LifecycleDeps } from '../lifecycle-deps';

/** How long fetched prices are used before they are asked again: AWS changes prices rarely, a day is fresh. */
export const PRICE_CACHE_TTL_MS = 24 * 3_600_000;
/** How long a failed fetch is remembered, so an offline app does not wait on the Price List for every estimate. */
const FAILURE_MEMORY_MS = 5 * 60_000;
/** The whole fetch of a region (six queries, their pages) must end within this. */
const FETCH_LIMIT_MS = 45_000;

/** What a {@link PriceSource} needs. */
export interface PriceSourceDeps {
  /** The app data folder: the cache is `prices/<region>.json` in it. */
  dataDir: string;
  clock: Clock;
  priceList(target: AwsTarget): PriceListPort;
  ttlMs?: number;
  fetchLimitMs?: number;
}

const finitePrice = z.number().nonnegative().finite();
const priceRecord = z.record(z.string(), finitePrice);
const cacheSchema = z.object({
  version: z.literal(1),
  region: z.string(),
  fetchedAt: z.string().refine((t) => Number.isFinite(Date.parse(t))),
  table: z.object({
    asOf: z.string(),
    baseRegion: z.string(),
    instanceHourly: priceRecord,
    ebsGbMonth: priceRecord,
    snapshotGbMonth: finitePrice,
    publicIpv4Hourly: finitePrice,
    natGatewayHourly: finitePrice,
    loadBalancerHourly: priceRecord,
    ebsIopsMonth: priceRecord.optional(),
    gp3ThroughputMibpsMonth: finitePrice.optional(),
    s3RequestsPer1000: z.object({ put: finitePrice, get: finitePrice }).optional(),
  }),
});
type CacheFile = z.infer<typeof cacheSchema>;

/**
 * The one home of "what does this cost per hour in that region": AWS's Price List prices of the
 * region, kept on disk with their fetch date for {@link PRICE_CACHE_TTL_MS}; when they cannot be
 * fetched, a stale copy (said so), else the bundled table (said so, with why and the fix). Never
 * throws; a cache file that is not one (corrupt, half-written by another version) is refetched
 * over. Concurrent asks of one region share one fetch.
 */
export class PriceSource {
  private readonly inFlight = new Map<string, Promise<PriceTable>>();
  private readonly failures = new Map<string, { at: number; origin: PriceOrigin; stale?: CacheFile }>();

  constructor(private readonly deps: PriceSourceDeps) {}

  /** The prices of `target.region`, with their origin. */
  forRegion(target: AwsTarget, signal?: AbortSignal): Promise<PriceTable> {
    const key = target.region;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.resolve(target, signal).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async resolve(target: AwsTarget, signal: AbortSignal | undefined): Promise<PriceTable> {
    const { region } = target;
    const now = this.deps.clock.now();
    const cached = await this.readCache(region);
    const ttl = this.deps.ttlMs ?? PRICE_CACHE_TTL_MS;
    if (cached && now - Date.parse(cached.fetchedAt) < ttl) {
      return withOrigin(cached.table, { source: 'cache', region, asOf: cached.fetchedAt });
    }
    const failed = this.failures.get(region);
    if (failed && now - failed.at < FAILURE_MEMORY_MS) return this.fallback(region, failed.origin, cached);
    try {
      const limit = AbortSignal.timeout(this.deps.fetchLimitMs ?? FETCH_LIMIT_MS);
      const products = await this.deps
        .priceList(target)
        .regionProducts(region, { signal: signal ? AbortSignal.any([signal, limit]) : limit });
      const fetchedAt = new Date(this.deps.clock.now()).toISOString();
      const { table, missing } = regionPricesFromProducts(products, region, fetchedAt);
      if (missing.includes('instances')) {
        throw new NoPricesError(`the Price List answered no instance prices for ${region}`);
      }
      this.failures.delete(region);
      await this.writeCache({ version: 1, region, fetchedAt, table });
      return withOrigin(table, { source: 'live', region, asOf: fetchedAt });
    } catch (error) {
      const origin = unavailable(region, error);
      this.failures.set(region, { at: now, origin });
      return this.fallback(region, origin, cached);
    }
  }

  // A stale copy of the region beats us-east-1's bundled figures; either says why it is not live.
  private fallback(region: string, why: PriceOrigin, cached: CacheFile | undefined): PriceTable {
    if (cached) return withOrigin(cached.table, { ...why, source: 'cache', asOf: cached.fetchedAt });
    return withOrigin(PRICE_TABLE, why);
  }

  private path(region: string): string {
    return join(this.deps.dataDir, 'prices', `${region.replace(/[^a-z0-9-]/g, '_')}.json`);
  }

  private async readCache(region: string): Promise<CacheFile | undefined> {
    try {
      const parsed = cacheSchema.safeParse(JSON.parse(await readFile(this.path(region), 'utf8')));
      return parsed.success && parsed.data.region === region ? parsed.data : undefined;
    } catch {
      // Missing, unreadable or not JSON: as if there were none; the next fetch writes it whole.
      return undefined;
    }
  }

  private async writeCache(file: CacheFile): Promise<void> {
    try {
      await mkdir(join(this.deps.dataDir, 'prices'), { recursive: true });
      await writeFileAtomic(this.path(file.region), JSON.stringify(file), { mode: 0o644 });
    } catch {
      // A cache that cannot be written (full disk, read-only folder) costs a refetch next time, nothing more.
    }
  }
}

class NoPricesError extends Error {}

/** Why live prices are unavailable, as a sentence with its fix; a refused call names the IAM action. */
function unavailable(region: string, error: unknown): PriceOrigin {
  if (error instanceof NoPricesError) {
    return {
      source: 'bundled',
      region,
      asOf: PRICE_TABLE.asOf,
      problem: `${error.message}.`,
      fix: 'Check the region name; prices are asked again in a few minutes.',
    };
  }
  const failure = awsFailure(error);
  if (failure.kind === 'denied') {
    return {
      source: 'bundled',
      region,
      asOf: PRICE_TABLE.asOf,
      problem: 'AWS refused the Price List call (pricing:GetProducts is not allowed for these credentials).',
      fix: 'Allow pricing:GetProducts in their IAM policy (the policy on the Launch page has it).',
    };
  }
  return { source: 'bundled', region, asOf: PRICE_TABLE.asOf, problem: failure.message, fix: failure.fix };
}

// A cached table is JSON: its optional fields are absent, never undefined, as PriceTable wants them.
function withOrigin(table: PriceTable | CacheFile['table'], origin: PriceOrigin): PriceTable {
  return { ...(table as PriceTable), origin };
}

const SOURCES = new WeakMap<object, PriceSource>();

/**
 * The one price source of a lifecycle world (its data folder, clock and AWS ports): the wizard,
 * the monitor's burn rate and the Costs page all ask this one, so they share its cache and its fetches.
 */
export function priceSourceOf(deps: Pick<LifecycleDeps, 'dataDir' | 'clock' | 'ports'>): PriceSource {
  let source = SOURCES.get(deps);
  if (!source) {
    source = new PriceSource({ dataDir: deps.dataDir, clock: deps.clock, priceList: (t) => deps.ports(t).priceList });
    SOURCES.set(deps, source);
  }
  return source;
}

/**
 * The prices of a run config's region (its profile's Price List, else the bundled table), as a
 * preflight reads them: the budget check's one source, the same the monitor prices the run with.
 */
export function runConfigPrices(
  deps: Pick<LifecycleDeps, 'dataDir' | 'clock' | 'ports'>,
  aws: { region: string; profile?: string | undefined },
): (signal?: AbortSignal) => Promise<PriceTable> {
  const target = { region: aws.region, ...(aws.profile ? { profile: aws.profile } : {}) };
  return (signal) => priceSourceOf(deps).forRegion(target, signal);
}
