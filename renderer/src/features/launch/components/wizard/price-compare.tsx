import type { RegionPrices, SpotZonePrice } from '../../../../../../shared/domain/account';
import { describePriceOrigin, PRICE_TABLE } from '../../../../../../shared/pricing/price-table';
import { continuingSentence } from '../../../../../../shared/text/sentences';
import { formatHourly } from '../../../../format/money';

/**
 * Which prices the wizard shows, of when: the Price List's (live or cached, dated), or the bundled
 * table with why live ones are unavailable; while they load, the bundled table said so.
 */
export function pricesSourceText(region: string, prices: RegionPrices | undefined, pricesError?: string): string {
  if (prices) return describePriceOrigin(prices.table.origin, prices.table);
  if (pricesError) {
    return `Bundled ${PRICE_TABLE.baseRegion} prices of ${PRICE_TABLE.asOf}; live prices unavailable: ${pricesError}`;
  }
  return `Reading the prices of ${region}… (bundled ${PRICE_TABLE.baseRegion} prices of ${PRICE_TABLE.asOf} meanwhile)`;
}

/** One line: the type's on-demand price and its spot price now in each zone (cheapest first), or why spot is unknown. */
export function onDemandVsSpot(
  onDemand: number | null | undefined,
  spotZones: SpotZonePrice[] | undefined,
  spotProblem: string | undefined,
): string {
  const spot = spotZones?.length
    ? ` · spot now: ${spotZones.map((z) => `${z.zone} ${formatHourly(z.usdPerHour)}`).join(', ')}`
    : ` · spot unknown${spotProblem ? `: ${continuingSentence(spotProblem.replace(/\.$/, ''))}` : ''}.`;
  return `On-demand ${formatHourly(onDemand ?? null)}${spot}`;
}
