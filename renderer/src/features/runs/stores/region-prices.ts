import { useEffect } from 'react';
import { create } from 'zustand';

import type { RunSnapshot } from '../../../../../shared/domain/run';
import { runPlacement } from '../../../../../shared/monitor/burn';
import { PRICE_TABLE, type PriceTable } from '../../../../../shared/pricing/price-table';
import { api } from '../../../bridge/api-ref';

/** Where a run's prices are read: the region (and profile) its preflight recorded, and its instance type. */
export interface RunPriceTarget {
  region: string;
  profile?: string;
  instanceType: string;
}

/**
 * The region a running EC2 run bills in, from its preflight's detail; undefined for other backends and
 * for runs recorded before the preflight said its region (those keep the bundled table, which says so).
 */
export function runPriceTarget(run: Pick<RunSnapshot, 'backend' | 'state' | 'phases' | 'attempts'>) {
  if (run.backend !== 'aws-ec2' || run.state !== 'running') return undefined;
  const detail = run.phases.preflight.detail;
  const instanceType = runPlacement(run)?.instanceType;
  if (typeof detail?.region !== 'string' || !instanceType) return undefined;
  const profile = typeof detail.profile === 'string' ? detail.profile : undefined;
  return { region: detail.region, instanceType, ...(profile ? { profile } : {}) } satisfies RunPriceTarget;
}

const keyOf = (target: Pick<RunPriceTarget, 'region' | 'profile'>) => `${target.profile ?? ''}@${target.region}`;

interface RegionPricesStore {
  /** Each region's price table as main gave it (live, cached, or bundled with why), by profile@region. */
  tables: Record<string, PriceTable>;
  /** Regions asked (or being asked): once each, a table is kept for the app's life as main's cache keeps it. */
  asked: Record<string, true>;
  load(target: RunPriceTarget): Promise<void>;
}

/** The price tables of the regions running runs bill in: what the renderer prices a run with before its monitor does. */
export const useRegionPrices = create<RegionPricesStore>()((set, get) => ({
  tables: {},
  asked: {},

  load: async (target) => {
    const key = keyOf(target);
    if (get().asked[key]) return;
    set({ asked: { ...get().asked, [key]: true } });
    const result = await api().invoke('aws.prices', target);
    // Main answers with the bundled table and why when AWS's prices cannot be read; a failed call
    // (main restarting) gets the same, said the same way, and is asked again by the next load.
    const table: PriceTable = result.ok
      ? result.value.table
      : {
          ...PRICE_TABLE,
          origin: {
            source: 'bundled',
            region: target.region,
            asOf: PRICE_TABLE.asOf,
            problem: result.error.message,
            ...(result.error.fix ? { fix: result.error.fix } : {}),
          },
        };
    const { [key]: _failed, ...stillAsked } = get().asked;
    set({ tables: { ...get().tables, [key]: table }, ...(result.ok ? {} : { asked: stillAsked }) });
  },
}));

/** The price table of a run's region once main gave it; undefined before (then provisioningBurn's bundled default). */
export function runPriceTable(
  run: Pick<RunSnapshot, 'backend' | 'state' | 'phases' | 'attempts'>,
  tables: Record<string, PriceTable>,
): PriceTable | undefined {
  const target = runPriceTarget(run);
  return target ? tables[keyOf(target)] : undefined;
}

/** Each run's region's price table, by run id, for the runs whose table main gave. */
export function runPriceTables(
  runs: readonly RunSnapshot[],
  tables: Record<string, PriceTable>,
): Record<string, PriceTable> {
  return Object.fromEntries(
    runs.flatMap((run) => {
      const table = runPriceTable(run, tables);
      return table ? [[run.runId, table]] : [];
    }),
  );
}

/** What to ask main for `runs`: a string that changes only when a region or a type does (a cheap selector). */
export function priceTargetsKey(runs: readonly RunSnapshot[]): string {
  return JSON.stringify(runs.map(runPriceTarget).filter((t) => t !== undefined));
}

/** The region price tables, asking main for those of `targetsKey` ({@link priceTargetsKey}) not asked yet. */
export function usePriceTables(targetsKey: string): Record<string, PriceTable> {
  useEffect(() => {
    for (const target of JSON.parse(targetsKey) as RunPriceTarget[]) void useRegionPrices.getState().load(target);
  }, [targetsKey]);
  return useRegionPrices((s) => s.tables);
}

/** The region price tables, asking main for those of `runs` it has not been asked for yet. */
export function useRunPriceTables(runs: readonly RunSnapshot[]): Record<string, PriceTable> {
  return usePriceTables(priceTargetsKey(runs));
}
