import type { RunSnapshot } from '../../shared/domain/run';
import type { SpotPricing } from '../../shared/pricing/spot-history';
import { computeRunCost } from '../../shared/report/run-cost';
import type { RunEventBody } from './pipeline/phase-tracker';
import type { StartRunRequest } from './run-service';

/**
 * The `cost` event of a run that is ending: the itemized cost at the bundled table's prices,
 * from what the run was asked to be (compute section, regions) and what its phases recorded;
 * a spot instance at its price history when `spot` has it (else the on-demand upper bound).
 * It is journaled like every event, so the cost is still there after a restart.
 */
export function runCostEvent(
  snapshot: RunSnapshot,
  request: Pick<StartRunRequest, 'config' | 'backend'>,
  now: number,
  spot?: SpotPricing,
): RunEventBody {
  const { config } = request;
  const cost = computeRunCost(
    snapshot,
    {
      backend: request.backend,
      ...(config.compute
        ? {
            compute: {
              instanceType: config.compute.instanceType,
              diskGb: config.compute.diskGb,
              market: config.compute.market,
            },
          }
        : {}),
      instanceRegion: config.aws.region,
      bucketRegion: config.storage.region ?? config.aws.region,
      ...(spot ? { spot } : {}),
    },
    now,
  );
  return { type: 'cost', ...cost };
}

/**
 * True when the run's instance is spot and its price history is worth reading: a spot config, and
 * (given the run so far) an instance that launched spot: a fallback to on-demand has no spot price.
 */
export function needsSpotPricing(
  request: Pick<StartRunRequest, 'config' | 'backend'>,
  snapshot?: Pick<RunSnapshot, 'attempts'>,
): boolean {
  if (request.backend !== 'aws-ec2' || request.config.compute?.market !== 'spot') return false;
  const attempts = snapshot?.attempts ?? [];
  return attempts.length === 0 || attempts.some((attempt) => attempt.market === 'spot');
}
