import type { RegionScan } from '../../../../../shared/domain/cost';
import { Badge } from '../../../components/badge';

import './region-strip.css';

/** How each region answered the scan: counts for the readable ones, the reason for the others. */
export function RegionStrip({ regions }: { regions: RegionScan[] }) {
  return (
    <ul className="region-strip" aria-label="Regions scanned" data-testid="region-strip">
      {regions.map((region) => (
        <li key={region.region} className="region-strip__item" data-status={region.status}>
          <span className="mono">{region.region}</span>
          {region.status === 'ok' ? (
            <Badge tone={region.resourceCount ? 'neutral' : 'success'}>
              {region.resourceCount ? `${region.resourceCount} found` : 'clean'}
            </Badge>
          ) : (
            <Badge tone="warn" title={region.reason}>
              {region.status === 'refused'
                ? `not readable: ${region.reason ?? 'refused'}`
                : `error: ${region.reason ?? 'unknown'}`}
            </Badge>
          )}
        </li>
      ))}
    </ul>
  );
}
