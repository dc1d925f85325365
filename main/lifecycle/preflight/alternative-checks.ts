import type { PreflightCheck } from '../../../shared/domain/preflight';
import type { ComputeConfig } from '../../../shared/run-config/schema';
import type { ParameterPort, QuotaPort } from '../../aws/ports/account-ports';
import type { Ec2Port } from '../../aws/ports/aws-ports';
import type { ImageInfo, InstanceTypeInfo } from '../../aws/ports/ec2-launch-port';
import type { CallOptions } from '../../aws/ports/ec2-types';
import { awsCallCheck, check } from './check';
import { amiCheck, offeredPlacements, type Placement, quotaCheck } from './compute-checks';

/** An alternative instance type that passed its checks: where it may go and what it boots. */
export interface ResolvedAlternative {
  instanceType: string;
  /** What EC2 says of the type (vCPUs: what the on-demand fallback's quota check needs). */
  info: InstanceTypeInfo;
  placements: Placement[];
  image: ImageInfo;
  sshUser: string;
}

const OFFERINGS_COMMAND = (type: string) =>
  `aws ec2 describe-instance-type-offerings --location-type availability-zone --filters Name=instance-type,Values=${type}`;

/**
 * Each of `compute.alternatives` is checked as the main type is (known, offered in a zone with
 * a default subnet, within the vCPU quota of its family, booting an AMI of its architecture),
 * so that a capacity failover never meets bad input after something was created. One line per
 * alternative; a failed one names the type and how to fix the list.
 */
export async function alternativeChecks(
  compute: ComputeConfig,
  region: string,
  ports: { ec2: Ec2Port; quotas: QuotaPort; parameters: ParameterPort },
  options: CallOptions,
): Promise<{ checks: PreflightCheck[]; resolved: ResolvedAlternative[] }> {
  const checks: PreflightCheck[] = [];
  const resolved: ResolvedAlternative[] = [];
  for (const instanceType of compute.alternatives ?? []) {
    const line = await alternativeCheck(compute, instanceType, region, ports, options).catch((error: unknown) => ({
      check: awsCallCheck(`alternative:${instanceType}`, `Alternative ${instanceType}`, 'fail', error, {
        ...options,
        context: `could not check ${instanceType}`,
      }),
    }));
    // The wizard's Fix button goes to the field of the list.
    checks.push({ ...line.check, field: 'compute.alternatives' });
    if ('resolved' in line && line.resolved) resolved.push(line.resolved);
  }
  return { checks, resolved };
}

async function alternativeCheck(
  compute: ComputeConfig,
  instanceType: string,
  region: string,
  ports: { ec2: Ec2Port; quotas: QuotaPort; parameters: ParameterPort },
  options: CallOptions,
): Promise<{ check: PreflightCheck; resolved?: ResolvedAlternative }> {
  const id = `alternative:${instanceType}`;
  const label = `Alternative ${instanceType}`;
  const fail = (value: string, fix: string) => ({ check: check(id, label, 'fail', value, fix) });
  const remove = `remove ${instanceType} from compute.alternatives`;
  const info = await ports.ec2.describeInstanceType(instanceType, options);
  if (!info) {
    return fail(
      `compute.alternatives: EC2 does not know "${instanceType}"`,
      `Check the name at https://aws.amazon.com/ec2/instance-types/ (e.g. "g5.2xlarge"), or ${remove}.`,
    );
  }
  const zones = await ports.ec2.offeredZones(instanceType, options);
  if (zones.length === 0) {
    return fail(
      `compute.alternatives: ${instanceType} is not offered in ${region}`,
      `${capitalized(remove)}, or pick a type offered in ${region}; list where it is offered: ${OFFERINGS_COMMAND(instanceType)}`,
    );
  }
  const network = await ports.ec2.defaultNetwork(options);
  const placements = network ? offeredPlacements(network, zones) : [];
  if (placements.length === 0) {
    return fail(
      `compute.alternatives: no default subnet in a zone offering ${instanceType} (${zones.join(', ')})`,
      `Create one: aws ec2 create-default-subnet --availability-zone ${zones[0]!}, or ${remove}.`,
    );
  }
  const asMain = { ...compute, instanceType };
  const [quota, ami] = await Promise.all([
    quotaCheck(asMain, region, info, ports.ec2, ports.quotas, options),
    amiCheck(asMain, region, info, ports.ec2, ports.parameters, options),
  ]);
  if (ami.check.status === 'fail' || !ami.image || !ami.sshUser) {
    return fail(
      `compute.alternatives: ${instanceType}: ${ami.check.value}`,
      `${ami.check.fix ?? ''} Or ${remove}.`.trim(),
    );
  }
  if (quota.status === 'fail') {
    return fail(`compute.alternatives: ${instanceType}: ${quota.value}`, `${quota.fix ?? ''} Or ${remove}.`.trim());
  }
  const where = placements.map((p) => p.zone).join(', ');
  const summary = `${info.vcpus} vCPU${info.gpus ? `, ${info.gpus} GPU` : ''}, in ${where}, AMI ${ami.image.id}`;
  return {
    check: check(
      id,
      label,
      quota.status === 'warn' ? 'warn' : 'pass',
      quota.status === 'warn' ? `${summary}; quota: ${quota.value}` : summary,
      quota.status === 'warn' ? quota.fix : undefined,
    ),
    resolved: { instanceType, info, placements, image: ami.image, sshUser: ami.sshUser },
  };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
