import type { PreflightCheck } from '../../../shared/domain/preflight';
import type { ComputeConfig } from '../../../shared/run-config/schema';
import { joinSentences } from '../../../shared/text/sentences';
import type { QuotaPort } from '../../aws/ports/account-ports';
import type { Ec2Port } from '../../aws/ports/aws-ports';
import type { InstanceTypeInfo } from '../../aws/ports/ec2-launch-port';
import type { CallOptions } from '../../aws/ports/ec2-types';
import { awsCallCheck, check } from './check';
import { quotaCheck } from './compute-checks';

const ID = 'on-demand-fallback';
const LABEL = 'On-demand fallback';
const FIELD = 'compute.spot.fallbackOnDemand';
const TURN_OFF = 'Or set compute.spot.fallbackOnDemand to false (the run then stops when no spot placement has room).';

/** One instance type the failover may launch on-demand, with what EC2 says of it. */
export interface FallbackType {
  instanceType: string;
  info: InstanceTypeInfo;
}

/**
 * For spot with `compute.spot.fallbackOnDemand`: the on-demand launches the failover may end with
 * fit the on-demand vCPU quota of each type's family. Spot and on-demand quotas are separate (an
 * account with room for spot often has none on-demand, e.g. a new account's G and VT quota), and
 * EC2's refusal of a launch over quota is not a capacity refusal: it would stop the failover after
 * every spot placement was tried. Offering, subnets and AMI do not depend on the market, so the
 * checks of `instanceType` and each alternative cover them for the fallback too. Undefined when
 * there is no fallback (on-demand runs, or spot without it). `types` are those that passed their checks.
 */
export async function onDemandFallbackCheck(
  compute: ComputeConfig,
  region: string,
  types: readonly FallbackType[],
  ports: { ec2: Ec2Port; quotas: QuotaPort },
  options: CallOptions,
): Promise<PreflightCheck | undefined> {
  if (compute.market !== 'spot' || !compute.spot?.fallbackOnDemand || types.length === 0) return undefined;
  const lines = await Promise.all(
    types.map(({ instanceType, info }) =>
      quotaCheck({ ...compute, instanceType, market: 'on-demand' }, region, info, ports.ec2, ports.quotas, options),
    ),
  ).catch((error: unknown) => [
    awsCallCheck(ID, LABEL, 'warn', error, { ...options, context: 'could not check the on-demand vCPU quota' }),
  ]);
  const failed = lines.filter((line) => line.status === 'fail');
  if (failed.length > 0) {
    return {
      ...check(
        ID,
        LABEL,
        'fail',
        `${FIELD}: the on-demand launch would be over quota: ${failed.map((line) => line.value).join('; ')}`,
        joinSentences(...new Set(failed.map((line) => line.fix ?? '')), TURN_OFF),
      ),
      field: FIELD,
    };
  }
  const warned = lines.filter((line) => line.status === 'warn');
  const names = types.map((t) => t.instanceType).join(', ');
  if (warned.length > 0) {
    return {
      ...check(
        ID,
        LABEL,
        'warn',
        `on-demand ${names}: ${warned.map((line) => line.value).join('; ')}`,
        warned.find((line) => line.fix)?.fix,
      ),
      field: FIELD,
    };
  }
  return {
    ...check(
      ID,
      LABEL,
      'pass',
      `on-demand ${names} in the same zones with the same AMIs; ${lines.map((line) => line.value).join('; ')}`,
    ),
    field: FIELD,
  };
}
