import { hourlyCost } from '../../../../../../shared/pricing/estimate';
import type { RunConfig } from '../../../../../../shared/run-config/schema';
import { formatUsd } from '../../../../format/money';
import { formatDuration } from '../../../../format/time';

import './cost-estimate.css';

/** The run's $/h (instance with its public IPv4, plus the gp3 disk) and the most the TTL allows; null when not priced. */
export function runEstimate(config: RunConfig): { hourly: number; atMost: number | undefined } | null {
  if (config.sshHost) return { hourly: 0, atMost: undefined };
  const compute = config.compute;
  if (!compute) return null;
  const instance = hourlyCost({
    kind: 'instance',
    instanceType: compute.instanceType,
    state: 'running',
    hasPublicIp: true,
  });
  if (instance === null) return null;
  const hourly = instance + (hourlyCost({ kind: 'volume', volumeType: 'gp3', sizeGb: compute.diskGb }) ?? 0);
  return { hourly, atMost: (hourly * compute.ttlMinutes) / 60 };
}

/** Estimated $/h of the run (instance with its public IPv4, plus the gp3 disk) and the most the TTL allows. */
export function CostEstimate({ config }: { config: RunConfig }) {
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
  if (!compute) return null;
  const instance = hourlyCost({
    kind: 'instance',
    instanceType: compute.instanceType,
    state: 'running',
    hasPublicIp: true,
  });
  const disk = hourlyCost({ kind: 'volume', volumeType: 'gp3', sizeGb: compute.diskGb }) ?? 0;
  const hourly = instance === null ? null : instance + disk;
  return (
    <div className="estimate" data-testid="cost-estimate">
      <div>
        <p className="estimate__label">Estimated cost per hour</p>
        <p className="estimate__value tabular">{hourly === null ? 'unknown' : `${formatUsd(hourly)}/h`}</p>
        <p className="estimate__detail">
          {compute.instanceType} {instance === null ? '(not in the price table)' : formatUsd(instance)} +{' '}
          {compute.diskGb} GB gp3 {formatUsd(disk)}
          {compute.market === 'spot' ? '; spot is usually far cheaper' : ''}
        </p>
      </div>
      <div>
        <p className="estimate__label">At most, for the TTL ({formatDuration(compute.ttlMinutes * 60)})</p>
        <p className="estimate__value tabular" data-testid="cost-ttl">
          {hourly === null ? 'unknown' : formatUsd((hourly * compute.ttlMinutes) / 60)}
        </p>
        <p className="estimate__detail">The instance powers itself off at the limit, whatever happens to this app.</p>
      </div>
    </div>
  );
}
