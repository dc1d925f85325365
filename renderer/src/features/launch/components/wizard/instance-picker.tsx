import { useState } from 'react';

import type { InstanceTypeOption, RegionPrices } from '../../../../../../shared/domain/account';
import type { AppError } from '../../../../../../shared/ipc/result';
import { Badge } from '../../../../components/badge';
import { ErrorCallout } from '../../../../components/error-callout';
import { AlertIcon } from '../../../../components/icons/ui-icons';
import { Spinner } from '../../../../components/spinner';
import { formatHourly } from '../../../../format/money';
import { onDemandVsSpot, pricesSourceText } from './price-compare';

import './instance-picker.css';

interface InstancePickerProps {
  options: InstanceTypeOption[] | undefined;
  loading: boolean;
  error: AppError | undefined;
  value: string;
  region: string;
  /** The region's prices as `aws.prices` gave them (their source and date; the chosen type's spot per zone). */
  prices?: RegionPrices | undefined;
  pricesError?: string | undefined;
  onChange: (type: string) => void;
}

/**
 * A filterable table of instance types (radio rows): hardware, on-demand and spot $/h (the cheapest
 * zone's spot price now), whether the region offers it; under it, the chosen type's spot price in
 * every zone and which prices these are, of when.
 */
export function InstancePicker({
  options,
  loading,
  error,
  value,
  region,
  prices,
  pricesError,
  onChange,
}: InstancePickerProps) {
  const [filter, setFilter] = useState('');
  const [gpuOnly, setGpuOnly] = useState(true);
  // Offered types first, cheapest first: what can actually run here comes to the top.
  const rank = (o: InstanceTypeOption) => (o.offered === false ? 1 : 0);
  const selected = options?.find((o) => o.type === value);
  // "unknown" is never left unexplained: the reason main gave (the same for every row of one answer).
  const unknownBecause = options?.find((o) => o.offered === undefined)?.unknownBecause;
  const rows = (options ?? [])
    .filter((o) => (!gpuOnly || o.gpus > 0 || o.type === value) && o.type.includes(filter.trim().toLowerCase()))
    .sort((a, b) => rank(a) - rank(b) || byPrice(a) - byPrice(b));
  return (
    <div className="picker">
      <div className="picker__tools">
        <input
          className="input"
          type="search"
          placeholder="Filter, e.g. g6"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter instance types"
        />
        <label className="checkbox">
          <input type="checkbox" checked={gpuOnly} onChange={(e) => setGpuOnly(e.target.checked)} />
          GPU types only
        </label>
      </div>
      {error && <ErrorCallout error={error} title="Could not list instance types" />}
      {unknownBecause !== undefined && (
        <p className="picker__note" data-testid="picker-unknown">
          Whether {region} offers each type is unknown: {unknownBecause.replace(/\.$/, '')}. Preflight checks the type
          you choose.
        </p>
      )}
      {selected?.offered === false && (
        <p className="picker__warning" role="status" data-testid="picker-not-offered">
          <AlertIcon size={13} />
          {selected.type} is not offered in {region}: a launch would fail. Choose a type marked “offered”, or another
          region in the Account step.
        </p>
      )}
      <div
        className="picker__scroll"
        role="radiogroup"
        aria-label="Instance type"
        data-testid="instance-picker"
        tabIndex={-1}
      >
        {loading && !options ? (
          <p className="picker__loading">
            <Spinner size={14} /> Asking {region} which types it offers…
          </p>
        ) : (
          <table className="picker__table table-head">
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Selected</span>
                </th>
                <th scope="col">Type</th>
                <th scope="col" className="num">
                  vCPU
                </th>
                <th scope="col" className="num">
                  Memory
                </th>
                <th scope="col">GPU</th>
                <th scope="col" className="num">
                  On-demand
                </th>
                <th scope="col" className="num">
                  Spot, cheapest zone
                </th>
                <th scope="col">In {region}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr
                  key={o.type}
                  className={o.type === value ? 'is-selected' : undefined}
                  onClick={() => onChange(o.type)}
                  data-testid={`type-${o.type}`}
                >
                  <td>
                    <input
                      type="radio"
                      name="instance-type"
                      value={o.type}
                      checked={o.type === value}
                      onChange={() => onChange(o.type)}
                      aria-label={o.type}
                    />
                  </td>
                  <td className="mono">{o.type}</td>
                  <td className="num tabular">{o.vcpus}</td>
                  <td className="num tabular">{o.memoryGiB} GiB</td>
                  <td>{o.gpus ? `${o.gpus} × ${o.gpuModel ?? 'GPU'}` : '—'}</td>
                  <td className="num tabular">{formatHourly(o.hourlyUsd)}</td>
                  <td className="num tabular" title={o.spotUnknownBecause}>
                    {o.spotZones?.[0] ? (
                      <>
                        {formatHourly(o.spotZones[0].usdPerHour)}{' '}
                        <span className="picker__zone">{o.spotZones[0].zone}</span>
                      </>
                    ) : (
                      'unknown'
                    )}
                  </td>
                  <td>
                    {o.offered === undefined ? (
                      <Badge title={o.unknownBecause}>unknown</Badge>
                    ) : o.offered ? (
                      <Badge tone="success">offered</Badge>
                    ) : (
                      <Badge tone="warn">not offered</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {selected && (
        <p className="picker__note tabular" data-testid="picker-spot-zones">
          <span className="mono">{selected.type}</span> in {region}:{' '}
          {onDemandVsSpot(selected.hourlyUsd, selected.spotZones, selected.spotUnknownBecause)}
        </p>
      )}
      <p className="picker__note" data-testid="picker-prices-source">
        {pricesSourceText(region, prices, pricesError)} Spot: EC2&apos;s price history, the newest price of each zone.
      </p>
    </div>
  );
}

// Types the region does not price go last (their price reads "unknown").
const byPrice = (option: InstanceTypeOption) => option.hourlyUsd ?? Number.MAX_VALUE;
