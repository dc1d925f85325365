import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';

import type { RunInstanceSpec } from '../ports/ec2-launch-port';
import { tagSpec } from './sdk-tags';

/**
 * The one RunInstances request TrainDeck sends. Each field is a guarantee of the product:
 * - every EBS volume, the image's own included, has DeleteOnTermination (no orphaned disks);
 * - an OS shutdown terminates the instance, so the on-instance TTL really ends the billing;
 * - IMDSv2 only (session tokens), so a request forgery on the box cannot read the role's keys;
 * - spot is one-time and terminates on interruption: nothing restarts and bills unseen;
 * - instance, volumes and network interface carry the run tags from the first second.
 */
export function buildRunInstancesInput(spec: RunInstanceSpec): RunInstancesCommandInput {
  const extra = spec.extraEbsDeviceNames.filter((device) => device !== spec.rootDeviceName);
  return {
    ClientToken: spec.clientToken,
    ImageId: spec.imageId,
    InstanceType: spec.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    KeyName: spec.keyName,
    NetworkInterfaces: [
      {
        DeviceIndex: 0,
        SubnetId: spec.subnetId,
        Groups: [spec.securityGroupId],
        AssociatePublicIpAddress: true,
        DeleteOnTermination: true,
      },
    ],
    IamInstanceProfile: { Name: spec.instanceProfileName },
    BlockDeviceMappings: [
      {
        DeviceName: spec.rootDeviceName,
        Ebs: { VolumeSize: spec.diskGb, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: true },
      },
      ...extra.map((DeviceName) => ({ DeviceName, Ebs: { DeleteOnTermination: true } })),
    ],
    InstanceInitiatedShutdownBehavior: 'terminate',
    // Hop limit 2: training in a container on the instance still reaches IMDSv2 through the bridge.
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 },
    ...(spec.market === 'spot'
      ? {
          InstanceMarketOptions: {
            MarketType: 'spot',
            SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
          },
        }
      : {}),
    UserData: Buffer.from(spec.userData, 'utf8').toString('base64'),
    TagSpecifications: [
      tagSpec('instance', spec.tags),
      tagSpec('volume', spec.tags),
      tagSpec('network-interface', spec.tags),
      ...(spec.market === 'spot' ? [tagSpec('spot-instances-request', spec.tags)] : []),
    ],
  };
}
