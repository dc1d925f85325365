import type { RegionPrices } from '../../../../../../shared/domain/account';
import { PRICE_TABLE } from '../../../../../../shared/pricing/price-table';
import { quoteRun, type RunQuote, s3RequestsNote } from '../../../../../../shared/pricing/run-quote';
import type { RunConfig } from '../../../../../../shared/run-config/schema';
import { formatHourly, formatUsd } from '../../../../format/money';
import { formatDuration } from '../../../../format/time';
import { onDemandVsSpot, pricesSourceText } from './price-compare';

import './cost-estimate.css';

/**
 * The run's quote for `hours` (default: its TTL, the most it can bill) from the region's prices, or the
 * bundled table while they load; spot at the dearest zone's current price. null without compute.
 */
export function quoteFor(
  config: RunConfig,
  prices: RegionPrices | undefined,
  hours?: number,
  atMost = false,
): RunQuote | null {
  const compute = config.compute;
  if (config.sshHost || !compute) return null;
  // The zone is EC2's choice at launch: spot is quoted at the dearest zone's price now (an upper bound).
  const zone = prices?.spotZones?.at(-1);
  return quoteRun(
    {
      instanceType: compute.instanceType,
      market: compute.market,
      spotHourlyUsd: zone?.usdPerHour,
      diskGb: compute.diskGb,
      hours: hours ?? compute.ttlMinutes / 60,
      region: config.aws.region,
      bucketRegion: config.storage.region ?? config.aws.region,
      // "At most" counts whatever else the launch may end on (alternatives, the on-demand fallback).
      ...(atMost
        ? {
            mayLaunch: {
              alternatives: compute.alternatives,
              fallbackOnDemand: compute.market === 'spot' && compute.spot?.fallbackOnDemand === true,
            },
          }
        : {}),
    },
    prices?.table ?? PRICE_TABLE,
  );
}

/** The run's $/h and the most the TTL allows; null when not priced ($0/h for the user's own machine). */
export function runEstimate(
  config: RunConfig,
  prices?: RegionPrices,
): { hourly: number; atMost: number | undefined } | null {
  if (config.sshHost) return { hourly: 0, atMost: undefined };
  const quote = quoteFor(config, prices);
  const ceiling = quoteFor(config, prices, undefined, true);
  if (!quote || quote.hourlyUsd === null || ceiling?.totalUsd == null) return null;
  return { hourly: quote.hourlyUsd, atMost: ceiling.totalUsd };
}

/** Every billable line of the run for its TTL, on-demand vs spot per zone, and which prices, of when. */
export function CostEstimate({
  config,
  prices,
  pricesError,
}: {
  config: RunConfig;
  prices?: RegionPrices | undefined;
  pricesError?: string | undefined;
}) {
  const compute = config.compute;
  if (config.sshHost) {
    return (
      <div className="estimate" data-testid="cost-estimate">
        <div>
          <p className="estimate__label">Estimated AWS compute cost</p>
          <p className="estimate__value tabular">{formatUsd(0)}/h</p>
          <p className="estimate__detail">The run uses your machine; S3 storage and requests are billed as usual.</p>
        </div>
      </div>
    );
  }
  const quote = quoteFor(config, prices);
  // The most the TTL allows if the launch ends on a dearer alternative or the on-demand fallback.
  const ceiling = quoteFor(config, prices, undefined, true);
  if (!compute || !quote) return null;
  const dearer = ceiling && ceiling.totalUsd !== quote.totalUsd ? ceiling : null;
  const expectedHours = config.training?.expectedHours;
  const expected = expectedHours === undefined ? null : quoteFor(config, prices, expectedHours);
  const source = pricesSourceText(config.aws.region, prices, pricesError);
  const table = prices?.table ?? PRICE_TABLE;
  const onDemand = table.instanceHourly[compute.instanceType];
  const total = (usd: number | null) => (usd === null ? 'unknown' : formatUsd(usd));
  return (
    <div className={`estimate estimate--quote${expected ? ' estimate--expected' : ''}`} data-testid="cost-estimate">
      <div>
        <p className="estimate__label">Estimated cost per hour</p>
        <p className="estimate__value tabular">{formatHourly(quote.hourlyUsd)}</p>
      </div>
      {expected && (
        <div>
          <p className="estimate__label">Expected, for {formatDuration(expected.hours * 3600)}</p>
          <p className="estimate__value tabular" data-testid="cost-expected">
            {total(expected.totalUsd)}
          </p>
          <p className="estimate__detail">The training time you expect (Training step).</p>
        </div>
      )}
      <div>
        <p className="estimate__label">At most, for the TTL ({formatDuration(compute.ttlMinutes * 60)})</p>
        <p className="estimate__value tabular" data-testid="cost-ttl">
          {total((dearer ?? quote).totalUsd)}
        </p>
        <p className="estimate__detail">
          {dearer ? `${dearer.lines[0]?.label}; as planned: ${total(quote.totalUsd)}. ` : ''}
          The instance powers itself off at the limit, whatever happens to this app.
        </p>
      </div>
      <table className="estimate__lines" data-testid="cost-lines">
        <caption className="estimate__detail">Every billable line</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col" className="num">
              Per hour
            </th>
            {expected && (
              <th scope="col" className="num">
                Expected ({formatDuration(expected.hours * 3600)})
              </th>
            )}
            <th scope="col" className="num">
              For the TTL
            </th>
          </tr>
        </thead>
        <tbody>
          {quote.lines.map((line, index) => (
            <tr key={line.label}>
              <th scope="row">{line.label}</th>
              <td className="num tabular">{formatHourly(line.hourlyUsd)}</td>
              {expected && <td className="num tabular">{total(expected.lines[index]?.totalUsd ?? null)}</td>}
              <td className="num tabular">{total(line.totalUsd)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td className="num tabular">{formatHourly(quote.hourlyUsd)}</td>
            {expected && <td className="num tabular">{total(expected.totalUsd)}</td>}
            <td className="num tabular">{total(quote.totalUsd)}</td>
          </tr>
        </tfoot>
      </table>
      <p className="estimate__detail estimate__wide" data-testid="cost-left-out">
        {compute.market === 'spot'
          ? 'Spot is quoted at the dearest zone’s price now: EC2 picks the zone, and the market moves. '
          : ''}
        {s3RequestsNote(table)}
      </p>
      <div data-testid="spot-zones">
        <p className="estimate__label">On-demand vs spot, {config.aws.region}</p>
        <p className="estimate__detail tabular">{onDemandVsSpot(onDemand, prices?.spotZones, prices?.spotProblem)}</p>
      </div>
      <p className="estimate__detail estimate__source" data-testid="prices-source">
        {source}
      </p>
    </div>
  );
}
