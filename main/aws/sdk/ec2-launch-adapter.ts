import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstanceTypesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  GetConsoleOutputCommand,
  ImportKeyPairCommand,
  paginateDescribeInstanceTypeOfferings,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';

import type { Architecture } from '../../../shared/domain/instance-family';
import { awsErrorCode } from '../aws-errors';
import type { Ec2LaunchPort, StatusChecks } from '../ports/ec2-launch-port';
import { buildRunInstancesInput } from './run-instances-input';
import { iso, sendOptions, tagSpec, toTagMap } from './sdk-tags';

/** undefined instead of a throw when EC2 says the thing does not exist. */
async function orUndefined<T>(call: () => Promise<T>, notFoundCodes: string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (notFoundCodes.includes(awsErrorCode(error))) return undefined;
    throw error;
  }
}

/** The launch port over the SDK. */
export function createEc2LaunchAdapter(ec2: EC2Client): Ec2LaunchPort {
  return {
    async offeredZones(instanceType, { signal } = {}) {
      const input = {
        LocationType: 'availability-zone' as const,
        Filters: [{ Name: 'instance-type', Values: [instanceType] }],
      };
      const zones: string[] = [];
      for await (const page of paginateDescribeInstanceTypeOfferings({ client: ec2 }, input, sendOptions(signal))) {
        for (const offering of page.InstanceTypeOfferings ?? []) if (offering.Location) zones.push(offering.Location);
      }
      return zones.sort();
    },
    async describeInstanceType(instanceType, { signal } = {}) {
      const output = await orUndefined(
        () =>
          ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as never] }), sendOptions(signal)),
        ['InvalidInstanceType'],
      );
      const info = output?.InstanceTypes?.[0];
      if (!info) return undefined;
      return {
        vcpus: info.VCpuInfo?.DefaultVCpus ?? 0,
        memoryMiB: info.MemoryInfo?.SizeInMiB ?? 0,
        architectures: (info.ProcessorInfo?.SupportedArchitectures ?? []).filter(
          (a): a is Architecture => a === 'x86_64' || a === 'arm64',
        ),
        gpus: (info.GpuInfo?.Gpus ?? []).reduce((sum, gpu) => sum + (gpu.Count ?? 0), 0),
      };
    },
    async describeImage(imageId, { signal } = {}) {
      const output = await orUndefined(
        () => ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), sendOptions(signal)),
        ['InvalidAMIID.NotFound', 'InvalidAMIID.Malformed', 'InvalidAMIID.Unavailable'],
      );
      const image = output?.Images?.[0];
      if (!image) return undefined;
      const root = image.BlockDeviceMappings?.find((mapping) => mapping.DeviceName === image.RootDeviceName);
      return {
        id: image.ImageId ?? imageId,
        name: image.Name ?? '',
        architecture: image.Architecture ?? 'x86_64',
        state: image.State ?? 'unknown',
        rootDeviceName: image.RootDeviceName ?? '/dev/xvda',
        ebsDeviceNames: (image.BlockDeviceMappings ?? []).flatMap((mapping) =>
          mapping.Ebs && mapping.DeviceName ? [mapping.DeviceName] : [],
        ),
        ...(root?.Ebs?.VolumeSize ? { rootSizeGb: root.Ebs.VolumeSize } : {}),
      };
    },
    async defaultNetwork({ signal } = {}) {
      const { Vpcs = [] } = await ec2.send(
        new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
        sendOptions(signal),
      );
      const vpcId = Vpcs[0]?.VpcId;
      if (!vpcId) return undefined;
      const filters = [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'default-for-az', Values: ['true'] },
      ];
      const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ Filters: filters }), sendOptions(signal));
      return {
        vpcId,
        subnets: Subnets.flatMap((s) =>
          s.SubnetId && s.AvailabilityZone ? [{ subnetId: s.SubnetId, zone: s.AvailabilityZone }] : [],
        ),
      };
    },
    async importKeyPair({ name, publicKey, tags }, { signal } = {}) {
      const input = {
        KeyName: name,
        PublicKeyMaterial: new TextEncoder().encode(publicKey),
        TagSpecifications: [tagSpec('key-pair', tags)],
      };
      const { KeyPairId } = await ec2.send(new ImportKeyPairCommand(input), sendOptions(signal));
      return KeyPairId ?? name;
    },
    async createSecurityGroup({ name, description, vpcId, tags }, { signal } = {}) {
      const input = {
        GroupName: name,
        Description: description,
        VpcId: vpcId,
        TagSpecifications: [tagSpec('security-group', tags)],
      };
      const { GroupId } = await ec2.send(new CreateSecurityGroupCommand(input), sendOptions(signal));
      if (!GroupId) throw new Error('CreateSecurityGroup returned no GroupId');
      return GroupId;
    },
    async authorizeSsh({ groupId, cidr, tags }, { signal } = {}) {
      const permission = {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: cidr, Description: 'SSH from the TrainDeck desktop' }],
      };
      const input = {
        GroupId: groupId,
        IpPermissions: [permission],
        TagSpecifications: [tagSpec('security-group-rule', tags)],
      };
      await ec2.send(new AuthorizeSecurityGroupIngressCommand(input), sendOptions(signal));
    },
    async runInstance(spec, { signal } = {}) {
      const { Instances = [] } = await ec2.send(
        new RunInstancesCommand(buildRunInstancesInput(spec)),
        sendOptions(signal),
      );
      const id = Instances[0]?.InstanceId;
      if (!id) throw new Error('RunInstances returned no instance');
      return id;
    },
    async describeInstance(instanceId, { signal } = {}) {
      const output = await orUndefined(
        () => ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), sendOptions(signal)),
        ['InvalidInstanceID.NotFound'],
      );
      const i = output?.Reservations?.[0]?.Instances?.[0];
      if (!i) return undefined;
      return {
        id: instanceId,
        instanceType: i.InstanceType ?? 'unknown',
        state: i.State?.Name ?? 'unknown',
        ...(i.LaunchTime ? { launchTime: iso(i.LaunchTime) } : {}),
        tags: toTagMap(i.Tags),
        ...(i.PublicIpAddress ? { publicIp: i.PublicIpAddress } : {}),
        securityGroupIds: (i.SecurityGroups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
        ...(i.KeyName ? { keyName: i.KeyName } : {}),
        market: i.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
        ...(i.StateReason?.Code ? { stateReason: i.StateReason.Code } : {}),
      };
    },
    async statusChecks(instanceId, { signal } = {}) {
      const input = { InstanceIds: [instanceId], IncludeAllInstances: true };
      const { InstanceStatuses = [] } = await ec2.send(new DescribeInstanceStatusCommand(input), sendOptions(signal));
      const status = InstanceStatuses[0];
      const instance = status?.InstanceStatus?.Status;
      const system = status?.SystemStatus?.Status;
      if (instance === 'ok' && system === 'ok') return 'ok';
      if (instance === 'impaired' || system === 'impaired') return 'impaired';
      return (instance ?? 'unknown') as StatusChecks;
    },
    async consoleOutput(instanceId, { signal } = {}) {
      const { Output } = await ec2.send(
        new GetConsoleOutputCommand({ InstanceId: instanceId, Latest: true }),
        sendOptions(signal),
      );
      return Output ? Buffer.from(Output, 'base64').toString('utf8') : undefined;
    },
  };
}
