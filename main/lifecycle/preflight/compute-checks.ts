import {
  type Architecture,
  defaultAmiParameter,
  sameQuotaGroup,
  sshUserFor,
  vcpuQuotaFor,
} from '../../../shared/domain/instance-family';
import type { PreflightCheck } from '../../../shared/domain/preflight';
import type { ComputeConfig } from '../../../shared/run-config/schema';
import type { ParameterPort, QuotaPort } from '../../aws/ports/account-ports';
import type { Ec2Port } from '../../aws/ports/aws-ports';
import type { DefaultNetwork, ImageInfo, InstanceTypeInfo } from '../../aws/ports/ec2-launch-port';
import type { CallOptions } from '../../aws/ports/ec2-types';
import { awsCallCheck, check, skipped } from './check';

/** What the user can do about each failed compute check: the texts in one table, apart from the checks' logic. */
const COMPUTE_FIXES = {
  unknownType: 'Check the name at https://aws.amazon.com/ec2/instance-types/ (e.g. "g5.xlarge").',
  notOffered: (type: string) =>
    'Choose another type or region; list where it is offered: aws ec2 describe-instance-type-offerings ' +
    `--location-type region --filters Name=instance-type,Values=${type}`,
  noDefaultVpc: (region: string) => `Create one: aws ec2 create-default-vpc --region ${region}`,
  noDefaultSubnet: (zone: string) => `Create one: aws ec2 create-default-subnet --availability-zone ${zone}`,
  unknownQuota: 'EC2 will tell at launch if a limit applies.',
  quotaDenied: 'Allow servicequotas:GetServiceQuota to check before launch; EC2 refuses a launch over quota.',
  raiseQuota: (needed: number, code: string, region: string) =>
    `Request ${needed} or more in Service Quotas: ` +
    `https://console.aws.amazon.com/servicequotas/home/services/ec2/quotas/${code} (region ${region}), or: ` +
    `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${code} ` +
    `--desired-value ${needed} --region ${region}`,
  amiParameterDenied: 'Allow ssm:GetParameter on public parameters, or set compute.amiId.',
  noDefaultAmi: 'Set compute.amiId to an AMI available in this region.',
  amiNotFound: 'AMIs are regional: use one from this region, or omit compute.amiId for the default.',
  amiArchitecture: 'Pick an AMI of the same architecture, or omit compute.amiId.',
  diskTooSmall: (rootSizeGb: number) => `Set compute.diskGb to ${rootSizeGb} or more.`,
} as const;

/** Where the instance will go: a default subnet in a zone that offers the type. */
export interface Placement {
  vpcId: string;
  subnetId: string;
  zone: string;
}

/** Instance type known, offered in the region, and a default subnet in a zone that offers it. */
export async function instanceTypeChecks(
  compute: ComputeConfig,
  region: string,
  ec2: Ec2Port,
  options: CallOptions,
): Promise<{ checks: PreflightCheck[]; info?: InstanceTypeInfo; placement?: Placement; placements?: Placement[] }> {
  const type = compute.instanceType;
  const info = await ec2.describeInstanceType(type, options);
  if (!info) {
    return {
      checks: [
        check('instance-type', 'Instance type', 'fail', `EC2 does not know "${type}"`, COMPUTE_FIXES.unknownType),
      ],
    };
  }
  const zones = await ec2.offeredZones(type, options);
  const described = `${type}: ${info.vcpus} vCPU, ${Math.round(info.memoryMiB / 1024)} GiB${info.gpus ? `, ${info.gpus} GPU` : ''}`;
  if (zones.length === 0) {
    return {
      checks: [
        check(
          'instance-type',
          'Instance type',
          'fail',
          `${type} is not offered in ${region}`,
          COMPUTE_FIXES.notOffered(type),
        ),
      ],
      info,
    };
  }
  const network = await ec2.defaultNetwork(options);
  if (!network) {
    return {
      checks: [
        check('instance-type', 'Instance type', 'pass', described),
        check('network', 'Network', 'fail', `${region} has no default VPC`, COMPUTE_FIXES.noDefaultVpc(region)),
      ],
      info,
    };
  }
  const subnet = network.subnets.find((candidate) => zones.includes(candidate.zone));
  if (!subnet) {
    return {
      checks: [
        check('instance-type', 'Instance type', 'pass', described),
        check(
          'network',
          'Network',
          'fail',
          `no default subnet in a zone offering ${type} (${zones.join(', ')})`,
          COMPUTE_FIXES.noDefaultSubnet(zones[0]!),
        ),
      ],
      info,
    };
  }
  return {
    checks: [
      check('instance-type', 'Instance type', 'pass', `${described}, offered in ${zones.join(', ')}`),
      check('network', 'Network', 'pass', `default VPC ${network.vpcId}, subnet ${subnet.subnetId} (${subnet.zone})`),
    ],
    info,
    placement: { vpcId: network.vpcId, subnetId: subnet.subnetId, zone: subnet.zone },
    // Every zone with a default subnet that offers the type: where capacity failover may go, in this order.
    placements: offeredPlacements(network, zones),
  };
}

/** The default subnets whose zone offers the type, one per zone, in the network's order. */
export function offeredPlacements(network: DefaultNetwork, zones: readonly string[]): Placement[] {
  const seen = new Set<string>();
  return network.subnets.flatMap((subnet) => {
    if (!zones.includes(subnet.zone) || seen.has(subnet.zone)) return [];
    seen.add(subnet.zone);
    return [{ vpcId: network.vpcId, subnetId: subnet.subnetId, zone: subnet.zone }];
  });
}

/** The family's on-demand or spot vCPU quota holds what is running plus this instance. */
export async function quotaCheck(
  compute: ComputeConfig,
  region: string,
  info: InstanceTypeInfo,
  ec2: Ec2Port,
  quotas: QuotaPort,
  options: CallOptions,
): Promise<PreflightCheck> {
  const quota = vcpuQuotaFor(compute.instanceType, compute.market);
  if (!quota) {
    return check(
      'quota',
      'vCPU quota',
      'warn',
      `no known vCPU quota for the family of ${compute.instanceType}`,
      COMPUTE_FIXES.unknownQuota,
    );
  }
  let value: { value: number; source: string } | undefined;
  try {
    value = await quotas.vcpuQuota(quota.code, options);
  } catch (error) {
    return awsCallCheck('quota', 'vCPU quota', 'warn', error, {
      context: `could not read "${quota.name}"`,
      deniedFix: COMPUTE_FIXES.quotaDenied,
    });
  }
  if (!value) return check('quota', 'vCPU quota', 'warn', `"${quota.name}" has no value in ${region}`);
  const running = (await ec2.listInstances(options)).filter(
    (i) =>
      (i.state === 'pending' || i.state === 'running') &&
      i.market === compute.market &&
      sameQuotaGroup(i.instanceType, compute.instanceType),
  );
  let inUse = 0;
  for (const instance of running) inUse += (await ec2.describeInstanceType(instance.instanceType, options))?.vcpus ?? 0;
  const needed = inUse + info.vcpus;
  const line = `"${quota.name}" (${quota.code}) allows ${value.value} vCPU; ${inUse} in use, ${compute.instanceType} needs ${info.vcpus}`;
  if (needed <= value.value) return check('quota', 'vCPU quota', 'pass', line);
  return check('quota', 'vCPU quota', 'fail', line, COMPUTE_FIXES.raiseQuota(needed, quota.code, region));
}

/** The AMI resolves (given, or the default through its public SSM parameter), fits the architecture and the disk. */
export async function amiCheck(
  compute: ComputeConfig,
  region: string,
  info: InstanceTypeInfo,
  ec2: Ec2Port,
  parameters: ParameterPort,
  options: CallOptions,
): Promise<{ check: PreflightCheck; image?: ImageInfo; sshUser?: string }> {
  const arch: Architecture = info.architectures.includes('x86_64') ? 'x86_64' : 'arm64';
  let imageId = compute.amiId;
  if (!imageId) {
    const parameter = defaultAmiParameter(compute.instanceType, arch);
    try {
      imageId = await parameters.getParameter(parameter, options);
    } catch (error) {
      return {
        check: awsCallCheck('ami', 'AMI', 'fail', error, {
          context: `cannot read ${parameter}`,
          deniedFix: COMPUTE_FIXES.amiParameterDenied,
        }),
      };
    }
    if (!imageId) {
      return {
        check: check(
          'ami',
          'AMI',
          'fail',
          `the default AMI parameter ${parameter} does not exist in ${region}`,
          COMPUTE_FIXES.noDefaultAmi,
        ),
      };
    }
  }
  const image = await ec2.describeImage(imageId, options);
  if (!image || image.state !== 'available') {
    return {
      check: check(
        'ami',
        'AMI',
        'fail',
        `AMI ${imageId} not found in ${region}${image ? ` (state ${image.state})` : ''}`,
        COMPUTE_FIXES.amiNotFound,
      ),
    };
  }
  if (!info.architectures.includes(image.architecture as Architecture)) {
    return {
      check: check(
        'ami',
        'AMI',
        'fail',
        `${imageId} is ${image.architecture}, ${compute.instanceType} runs ${info.architectures.join('/')}`,
        COMPUTE_FIXES.amiArchitecture,
      ),
    };
  }
  if (image.rootSizeGb && image.rootSizeGb > compute.diskGb) {
    return {
      check: check(
        'ami',
        'AMI',
        'fail',
        `${imageId} needs a root disk of at least ${image.rootSizeGb} GB, diskGb is ${compute.diskGb}`,
        COMPUTE_FIXES.diskTooSmall(image.rootSizeGb),
      ),
    };
  }
  const sshUser = compute.sshUser ?? sshUserFor(image.name);
  return { check: check('ami', 'AMI', 'pass', `${imageId} ${image.name}, login ${sshUser}`), image, sshUser };
}

/** The checks of a failed type lookup. */
export function computeSkipped(because: string): PreflightCheck[] {
  return [skipped('quota', 'vCPU quota', because), skipped('ami', 'AMI', because)];
}
