import type { RunSnapshot } from '../../shared/domain/run';
import { computeRunCost } from '../../shared/report/run-cost';
import type { RunEventBody } from './pipeline/phase-tracker';
import type { StartRunRequest } from './run-service';

/**
 * The `cost` event of a run that is ending: the itemized cost at the bundled table's prices,
 * from what the run was asked to be (compute section, regions) and what its phases recorded.
 * It is journaled like every event, so the cost is still there after a restart.
 */
export function runCostEvent(snapshot: RunSnapshot, request: Pick<StartRunRequest, 'config' | 'backend'>, now: number): RunEventBody {
  const { config } = request;
  const cost = computeRunCost(
    snapshot,
    {
      backend: request.backend,
      ...(config.compute ? { compute: { instanceType: config.compute.instanceType, diskGb: config.compute.diskGb, market: config.compute.market } } : {}),
      instanceRegion: config.aws.region,
      bucketRegion: config.storage.region ?? config.aws.region,
    },
    now,
  );
  return { type: 'cost', ...cost };
}
