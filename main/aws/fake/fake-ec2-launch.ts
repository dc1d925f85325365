import type { Ec2LaunchPort } from '../ports/ec2-launch-port';
import { FAKE_INSTANCE_TYPES } from './fake-catalog';
import { refuseLaunch } from './fake-ec2-capacity';
import { duplicate } from './fake-ec2-ports';
import { FAKE_TIMING, type FakeEc2Region, type FakeInstance } from './fake-ec2-region';
import { awsError } from './fake-error';

/** What the launch calls need from the rest of the fake account. */
export interface FakeLaunchContext {
  now(): number;
  nextId(prefix: string): string;
  /** When the instance profile became usable (IAM propagates slowly); undefined when it does not exist. */
  profileReadyAt(name: string): number | undefined;
  /** Refuses a launch that would exceed the vCPU quota, as EC2 does. */
  checkQuota(region: FakeEc2Region, instanceType: string, market: 'on-demand' | 'spot'): void;
  /** Called once per new instance, before RunInstances answers (a test bed gives it a real sshd). */
  launched?(instance: FakeInstance): Promise<void>;
}

/** Preflight and provisioning calls over one fake region. */
export function fakeLaunch(region: FakeEc2Region, context: FakeLaunchContext): Ec2LaunchPort {
  const tokens = new Map<string, string>();
  return {
    offeredZones: async (type) => [
      ...(region.offerings.get(type) ?? (type in FAKE_INSTANCE_TYPES ? region.zones : [])),
    ],
    describeInstanceType: async (type) =>
      FAKE_INSTANCE_TYPES[type] ? structuredClone(FAKE_INSTANCE_TYPES[type]) : undefined,
    describeImage: async (id) => {
      const image = region.images.get(id);
      return image
        ? {
            id,
            name: image.name,
            architecture: image.architecture,
            state: 'available',
            rootDeviceName: image.rootDeviceName,
            ebsDeviceNames: [...image.ebsDeviceNames],
            rootSizeGb: image.rootSizeGb,
          }
        : undefined;
    },
    defaultNetwork: async () =>
      region.vpcId
        ? { vpcId: region.vpcId, subnets: region.zones.map((zone) => ({ subnetId: `subnet-${zone}`, zone })) }
        : undefined,
    importKeyPair: async ({ name, publicKey, tags }) => {
      if (region.keyPairs.has(name)) duplicate('KeyPair', name);
      if (!/^ssh-ed25519 [A-Za-z0-9+/=]+/.test(publicKey)) {
        throw awsError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
      }
      const id = context.nextId('key');
      region.keyPairs.set(name, {
        id,
        name,
        createTime: new Date(context.now()).toISOString(),
        tags: { ...tags },
        publicKey,
      });
      return id;
    },
    createSecurityGroup: async ({ name, vpcId, tags }) => {
      if ([...region.securityGroups.values()].some((group) => group.name === name)) duplicate('Group', name);
      const id = context.nextId('sg');
      region.securityGroups.set(id, { id, name, vpcId, tags: { ...tags }, ingress: [] });
      return id;
    },
    authorizeSsh: async ({ groupId, cidr, tags }) => {
      const group = region.securityGroups.get(groupId);
      if (!group) throw awsError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
      group.ingress.push({ protocol: 'tcp', fromPort: 22, toPort: 22, cidr, tags: { ...tags } });
    },
    runInstance: async (spec) => {
      const known = tokens.get(spec.clientToken);
      if (known) return known;
      const zone = spec.subnetId.replace(/^subnet-/, '');
      const image = region.images.get(spec.imageId);
      if (!image) throw awsError('InvalidAMIID.NotFound', `The image id '[${spec.imageId}]' does not exist`);
      if (!(region.offerings.get(spec.instanceType) ?? region.zones).includes(zone)) {
        throw awsError(
          'Unsupported',
          `Your requested instance type (${spec.instanceType}) is not supported in your requested Availability Zone (${zone}).`,
        );
      }
      if (!region.keyPairs.has(spec.keyName)) {
        throw awsError('InvalidKeyPair.NotFound', `The key pair '${spec.keyName}' does not exist`);
      }
      if (!region.securityGroups.has(spec.securityGroupId)) {
        throw awsError('InvalidGroup.NotFound', `The security group '${spec.securityGroupId}' does not exist`);
      }
      const readyAt = context.profileReadyAt(spec.instanceProfileName);
      if (readyAt === undefined || readyAt > context.now()) {
        throw awsError(
          'InvalidParameterValue',
          `Value (${spec.instanceProfileName}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
        );
      }
      context.checkQuota(region, spec.instanceType, spec.market);
      refuseLaunch(region.launchRefusals, { zone, instanceType: spec.instanceType, market: spec.market });
      const id = context.nextId('i');
      const now = context.now();
      region.instances.set(id, {
        id,
        instanceType: spec.instanceType,
        state: 'pending',
        since: now,
        launchTime: new Date(now).toISOString(),
        tags: { ...spec.tags },
        publicIp: `203.0.113.${(region.instances.size % 250) + 1}`,
        securityGroupIds: [spec.securityGroupId],
        keyName: spec.keyName,
        market: spec.market,
        subnetId: spec.subnetId,
        zone,
        hostKeyFingerprints: [`SHA256:${Buffer.from(id).toString('base64').replace(/=+$/, '')}fakehostkey`],
      });
      for (const device of new Set([spec.rootDeviceName, ...spec.extraEbsDeviceNames])) {
        const volumeId = context.nextId('vol');
        const sizeGb = device === spec.rootDeviceName ? spec.diskGb : image.rootSizeGb;
        region.volumes.set(volumeId, {
          id: volumeId,
          volumeType: 'gp3',
          sizeGb,
          state: 'in-use',
          createTime: new Date(now).toISOString(),
          tags: { ...spec.tags },
          attachedTo: id,
          deleteOnTermination: true,
        });
      }
      tokens.set(spec.clientToken, id);
      await context.launched?.(region.instances.get(id)!);
      return id;
    },
    describeInstance: async (id) => {
      const instance = region.instances.get(id);
      if (!instance) return undefined;
      const {
        since: _s,
        runningSince: _r,
        subnetId: _n,
        zone: _z,
        stuck: _x,
        hostKeyFingerprints: _h,
        ...visible
      } = instance;
      return structuredClone(visible);
    },
    statusChecks: async (id) => {
      const instance = region.instances.get(id);
      if (!instance?.runningSince || instance.state !== 'running') return 'not-applicable';
      return context.now() - instance.runningSince >= FAKE_TIMING.statusInitMs ? 'ok' : 'initializing';
    },
    consoleOutput: async (id) => region.consoleOutput(id, context.now()),
  };
}
