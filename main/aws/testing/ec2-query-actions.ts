import { FAKE_INSTANCE_TYPES } from '../fake/fake-catalog';
import { awsError } from '../fake/fake-error';
import type { Ec2Port } from '../ports/aws-ports';
import type { Ec2Instance } from '../ports/ec2-types';
import {
  ec2Answer,
  el,
  filtersOf,
  indexes,
  itemSet,
  listParam,
  type QueryAnswer,
  type QueryRequest,
  specifiedTags,
  tagSet,
} from './query-protocol';

const STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

function instanceXml(i: Ec2Instance): string {
  return (
    el('instanceId', i.id) +
    el('instanceType', i.instanceType) +
    `<instanceState>${el('code', STATE_CODES[i.state] ?? 0)}${el('name', i.state)}</instanceState>` +
    (i.stateReason ? `<stateReason>${el('code', i.stateReason)}${el('message', i.stateReason)}</stateReason>` : '') +
    el('launchTime', i.launchTime) +
    el('ipAddress', i.publicIp) +
    itemSet(
      'groupSet',
      i.securityGroupIds.map((id) => el('groupId', id)),
    ) +
    el('keyName', i.keyName) +
    (i.zone ? `<placement>${el('availabilityZone', i.zone)}</placement>` : '') +
    (i.market === 'spot' ? el('instanceLifecycle', 'spot') : '') +
    tagSet(i.tags)
  );
}

const reservations = (instances: Ec2Instance[]) =>
  itemSet(
    'reservationSet',
    instances.map((i) => el('reservationId', `r-${i.id.slice(2)}`) + itemSet('instancesSet', [instanceXml(i)])),
  );

const done = (action: string) => ec2Answer(action, el('return', true));

/**
 * The EC2 Query actions TrainDeck sends, each answered by the stateful fake's port for the
 * request's region, in EC2's own XML (element names as the SDK's ec2 protocol parses them).
 * Returns undefined for an action it does not serve.
 */
export async function ec2Action(ec2: Ec2Port, request: QueryRequest): Promise<QueryAnswer | undefined> {
  const { action, params } = request;
  const filters = filtersOf(params);
  switch (action) {
    case 'DescribeInstances': {
      const ids = listParam(params, 'InstanceId');
      if (ids.length > 0) {
        const found = await Promise.all(ids.map((id) => ec2.describeInstance(id)));
        const missing = ids.filter((_, n) => !found[n]);
        if (missing.length > 0) {
          throw awsError('InvalidInstanceID.NotFound', `The instance ID '${missing.join(', ')}' does not exist`);
        }
        return ec2Answer(action, reservations(found as Ec2Instance[]));
      }
      const states = filters.get('instance-state-name');
      const instances = (await ec2.listInstances()).filter((i) => !states || states.includes(i.state));
      return ec2Answer(action, reservations(instances));
    }
    case 'DescribeVolumes':
      return ec2Answer(
        action,
        itemSet(
          'volumeSet',
          (await ec2.listVolumes()).map(
            (v) =>
              el('volumeId', v.id) +
              el('size', v.sizeGb) +
              el('volumeType', v.volumeType) +
              el('status', v.state) +
              el('createTime', v.createTime) +
              itemSet('attachmentSet', v.attachedTo ? [el('instanceId', v.attachedTo)] : []) +
              tagSet(v.tags),
          ),
        ),
      );
    case 'DescribeSnapshots':
      return ec2Answer(
        action,
        itemSet(
          'snapshotSet',
          (await ec2.listSnapshots()).map(
            (s) =>
              el('snapshotId', s.id) +
              el('volumeSize', s.sizeGb) +
              el('status', s.state) +
              el('startTime', s.startTime) +
              tagSet(s.tags),
          ),
        ),
      );
    case 'DescribeAddresses':
      return ec2Answer(
        action,
        itemSet(
          'addressesSet',
          (await ec2.listAddresses()).map(
            (a) =>
              el('allocationId', a.allocationId) +
              el('publicIp', a.publicIp) +
              el('associationId', a.associationId) +
              el('instanceId', a.instanceId) +
              tagSet(a.tags),
          ),
        ),
      );
    case 'DescribeNatGateways':
      return ec2Answer(
        action,
        itemSet(
          'natGatewaySet',
          (await ec2.listNatGateways()).map(
            (g) => el('natGatewayId', g.id) + el('state', g.state) + el('createTime', g.createTime) + tagSet(g.tags),
          ),
        ),
      );
    case 'DescribeKeyPairs':
      return ec2Answer(
        action,
        itemSet(
          'keySet',
          (await ec2.listOurKeyPairs()).map(
            (k) => el('keyPairId', k.id) + el('keyName', k.name) + el('createTime', k.createTime) + tagSet(k.tags),
          ),
        ),
      );
    case 'DescribeSecurityGroups':
      return ec2Answer(
        action,
        itemSet(
          'securityGroupInfo',
          (await ec2.listOurSecurityGroups()).map(
            (g) => el('groupId', g.id) + el('groupName', g.name) + el('vpcId', g.vpcId) + tagSet(g.tags),
          ),
        ),
      );
    case 'DescribeInstanceTypeOfferings': {
      const type = filters.get('instance-type')?.[0] ?? '';
      const zones = await ec2.offeredZones(type);
      return ec2Answer(
        action,
        itemSet(
          'instanceTypeOfferingSet',
          zones.map(
            (zone) => el('instanceType', type) + el('locationType', 'availability-zone') + el('location', zone),
          ),
        ),
      );
    }
    case 'DescribeInstanceTypes': {
      const type = listParam(params, 'InstanceType')[0] ?? '';
      const info = await ec2.describeInstanceType(type);
      if (!info) throw awsError('InvalidInstanceType', `The following supplied instance types do not exist: [${type}]`);
      const gpus = FAKE_INSTANCE_TYPES[type]?.gpus ?? 0;
      return ec2Answer(
        action,
        itemSet('instanceTypeSet', [
          el('instanceType', type) +
            `<vCpuInfo>${el('defaultVCpus', info.vcpus)}</vCpuInfo>` +
            `<memoryInfo>${el('sizeInMiB', info.memoryMiB)}</memoryInfo>` +
            `<processorInfo>${itemSet('supportedArchitectures', info.architectures)}</processorInfo>` +
            (gpus > 0 ? `<gpuInfo>${itemSet('gpus', [el('count', gpus)])}</gpuInfo>` : ''),
        ]),
      );
    }
    case 'DescribeImages': {
      const id = listParam(params, 'ImageId')[0] ?? '';
      const image = await ec2.describeImage(id);
      if (!image) throw awsError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
      return ec2Answer(
        action,
        itemSet('imagesSet', [
          el('imageId', image.id) +
            el('name', image.name) +
            el('architecture', image.architecture) +
            el('imageState', image.state) +
            el('rootDeviceName', image.rootDeviceName) +
            itemSet(
              'blockDeviceMapping',
              image.ebsDeviceNames.map(
                (device) =>
                  el('deviceName', device) +
                  `<ebs>${el('volumeSize', device === image.rootDeviceName ? image.rootSizeGb : undefined)}</ebs>`,
              ),
            ),
        ]),
      );
    }
    case 'DescribeVpcs': {
      const network = await ec2.defaultNetwork();
      return ec2Answer(action, itemSet('vpcSet', network ? [el('vpcId', network.vpcId) + el('isDefault', true)] : []));
    }
    case 'DescribeSubnets': {
      const network = await ec2.defaultNetwork();
      return ec2Answer(
        action,
        itemSet(
          'subnetSet',
          (network?.subnets ?? []).map((s) => el('subnetId', s.subnetId) + el('availabilityZone', s.zone)),
        ),
      );
    }
    case 'ImportKeyPair': {
      const name = params.get('KeyName') ?? '';
      const publicKey = Buffer.from(params.get('PublicKeyMaterial') ?? '', 'base64').toString('utf8');
      const id = await ec2.importKeyPair({ name, publicKey, tags: specifiedTags(params, 'key-pair') });
      return ec2Answer(action, el('keyName', name) + el('keyPairId', id));
    }
    case 'CreateSecurityGroup': {
      const id = await ec2.createSecurityGroup({
        name: params.get('GroupName') ?? '',
        description: params.get('GroupDescription') ?? '',
        vpcId: params.get('VpcId') ?? '',
        tags: specifiedTags(params, 'security-group'),
      });
      return ec2Answer(action, el('return', true) + el('groupId', id));
    }
    case 'AuthorizeSecurityGroupIngress':
      await ec2.authorizeSsh({
        groupId: params.get('GroupId') ?? '',
        cidr: params.get('IpPermissions.1.IpRanges.1.CidrIp') ?? '',
        tags: specifiedTags(params, 'security-group-rule'),
      });
      return done(action);
    case 'RunInstances': {
      const deviceNames = indexes(params, 'BlockDeviceMapping').map(
        (n) => params.get(`BlockDeviceMapping.${n}.DeviceName`) ?? '',
      );
      const id = await ec2.runInstance({
        clientToken: params.get('ClientToken') ?? '',
        imageId: params.get('ImageId') ?? '',
        instanceType: params.get('InstanceType') ?? '',
        keyName: params.get('KeyName') ?? '',
        securityGroupId: params.get('NetworkInterface.1.SecurityGroupId.1') ?? '',
        subnetId: params.get('NetworkInterface.1.SubnetId') ?? '',
        instanceProfileName: params.get('IamInstanceProfile.Name') ?? '',
        rootDeviceName: deviceNames[0] ?? '/dev/xvda',
        extraEbsDeviceNames: deviceNames.slice(1),
        diskGb: Number(params.get('BlockDeviceMapping.1.Ebs.VolumeSize') ?? 0),
        market: params.get('InstanceMarketOptions.MarketType') === 'spot' ? 'spot' : 'on-demand',
        userData: Buffer.from(params.get('UserData') ?? '', 'base64').toString('utf8'),
        tags: specifiedTags(params, 'instance'),
      });
      return ec2Answer(
        action,
        el('reservationId', `r-${id.slice(2)}`) + itemSet('instancesSet', [el('instanceId', id)]),
      );
    }
    case 'DescribeInstanceStatus': {
      const id = listParam(params, 'InstanceId')[0] ?? '';
      const status = await ec2.statusChecks(id);
      return ec2Answer(
        action,
        itemSet(
          'instanceStatusSet',
          [status].map(
            (s) =>
              el('instanceId', id) +
              `<instanceStatus>${el('status', s)}</instanceStatus><systemStatus>${el('status', s)}</systemStatus>`,
          ),
        ),
      );
    }
    case 'GetConsoleOutput': {
      const id = params.get('InstanceId') ?? '';
      const output = await ec2.consoleOutput(id);
      return ec2Answer(
        action,
        el('instanceId', id) + el('output', output === undefined ? undefined : Buffer.from(output).toString('base64')),
      );
    }
    case 'DescribeSpotPriceHistory': {
      const type = listParam(params, 'InstanceType')[0] ?? '';
      const zone = params.get('AvailabilityZone') ?? undefined;
      const points = await ec2.spotPriceHistory(
        type,
        zone,
        new Date(params.get('StartTime') ?? 0),
        new Date(params.get('EndTime') ?? Date.now()),
      );
      return ec2Answer(
        action,
        itemSet(
          'spotPriceHistorySet',
          points.map(
            (p) =>
              el('instanceType', type) +
              el('productDescription', 'Linux/UNIX') +
              el('spotPrice', p.usdPerHour) +
              el('timestamp', new Date(p.t).toISOString()) +
              el('availabilityZone', p.zone),
          ),
        ),
      );
    }
    case 'TerminateInstances':
      await ec2.terminateInstances(listParam(params, 'InstanceId'));
      return ec2Answer(action, itemSet('instancesSet', []));
    case 'DeleteVolume':
      await ec2.deleteVolume(params.get('VolumeId') ?? '');
      return done(action);
    case 'DisassociateAddress':
      await ec2.disassociateAddress(params.get('AssociationId') ?? '');
      return done(action);
    case 'ReleaseAddress':
      await ec2.releaseAddress(params.get('AllocationId') ?? '');
      return done(action);
    case 'DeleteNatGateway':
      await ec2.deleteNatGateway(params.get('NatGatewayId') ?? '');
      return ec2Answer(action, el('natGatewayId', params.get('NatGatewayId') ?? ''));
    case 'DeleteSnapshot':
      await ec2.deleteSnapshot(params.get('SnapshotId') ?? '');
      return done(action);
    case 'DeleteKeyPair':
      await ec2.deleteKeyPair(params.get('KeyPairId') ?? '');
      return done(action);
    case 'DeleteSecurityGroup':
      await ec2.deleteSecurityGroup(params.get('GroupId') ?? '');
      return done(action);
    default:
      return undefined;
  }
}
