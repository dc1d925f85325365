import { continuingSentence } from '../../../../../shared/text/sentences';

import './burn-rate.css';

interface BurnRateProps {
  /** Dollars per hour, or undefined while nothing has been scanned (shown as "$—/h", never a guess). */
  dollarsPerHour: number | undefined;
  regionsScanned: number | undefined;
  resourcesFound: number | undefined;
  lastScan: string | undefined;
  /** Resources the price table cannot price (left out of the total, and said so). */
  unpricedCount?: number | undefined;
  priceTableDate?: string | undefined;
  /** Which prices priced the scan (AWS's, dated, or the bundled table and why). */
  pricesNote?: string | undefined;
  /** Resources priced at most (spot priced on-demand or at the dearest zone): the total is then at most too. */
  upperBoundCount?: number | undefined;
}

/** The spend rate right now, large, with the facts it rests on. */
export function BurnRate({
  dollarsPerHour,
  regionsScanned,
  resourcesFound,
  lastScan,
  unpricedCount,
  priceTableDate,
  pricesNote,
  upperBoundCount,
}: BurnRateProps) {
  const dash = '—';
  return (
    <div className="burn-rate">
      <p className="burn-rate__label" id="burn-rate-label">
        Spend rate right now
      </p>
      <p className="burn-rate__value tabular" aria-labelledby="burn-rate-label" data-testid="burn-rate">
        <span className="burn-rate__amount">${dollarsPerHour === undefined ? dash : dollarsPerHour.toFixed(2)}</span>
        <span className="burn-rate__unit">/h</span>
      </p>
      <p className="burn-rate__caption">
        {dollarsPerHour === undefined
          ? 'Unknown until the first all-region scan.'
          : `Across every readable region; ${pricesNote ? continuingSentence(pricesNote) : `estimated from the price table of ${priceTableDate ?? 'this version'}.`}`}
        {unpricedCount
          ? ` ${unpricedCount} resource${unpricedCount === 1 ? ' has' : 's have'} no price and ${unpricedCount === 1 ? 'is' : 'are'} not in the total.`
          : ''}
        {upperBoundCount
          ? ` ${upperBoundCount === 1 ? 'One figure is an upper bound' : `${upperBoundCount} figures are upper bounds`} (≤ in the table: a spot instance priced on-demand or at its region's dearest zone), so the total is at most this.`
          : ''}
      </p>
      <dl className="burn-rate__facts">
        <div>
          <dt>Regions scanned</dt>
          <dd className="tabular">{regionsScanned ?? dash}</dd>
        </div>
        <div>
          <dt>Billable resources</dt>
          <dd className="tabular">{resourcesFound ?? dash}</dd>
        </div>
        <div>
          <dt>Last scan</dt>
          <dd>{lastScan ?? 'Never'}</dd>
        </div>
      </dl>
    </div>
  );
}
