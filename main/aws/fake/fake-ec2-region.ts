import type { TagMap } from '../../../shared/domain/tags';
import type { SpotPricePoint } from '../../../shared/pricing/spot-history';
import type {
  Ec2Address,
  Ec2Instance,
  Ec2KeyPair,
  Ec2NatGateway,
  Ec2SecurityGroup,
  Ec2Snapshot,
  Ec2Volume,
  LoadBalancer,
} from '../ports/ec2-types';
import { USER_TERMINATION } from '../ports/ec2-types';
import type { FakeImage } from './fake-catalog';
import type { LaunchRefusal } from './fake-ec2-capacity';
import { awsError } from './fake-error';

/** How long each transition takes in the fake, roughly what EC2 shows. */
export const FAKE_TIMING = {
  pendingMs: 20_000,
  shuttingDownMs: 40_000,
  stoppingMs: 30_000,
  statusInitMs: 60_000,
  consoleMs: 30_000,
  sshdMs: 45_000,
  natDeleteMs: 60_000,
};

/** An instance with what the fake needs to move it through its states. */
export interface FakeInstance extends Ec2Instance {
  since: number;
  runningSince?: number;
  subnetId?: string;
  zone: string;
  /** Never leaves shutting-down (the scenario "stuck in shutting-down"). */
  stuck?: boolean;
  hostKeyFingerprints: string[];
}

/** A volume with its DeleteOnTermination flag. */
export interface FakeVolume extends Ec2Volume {
  deleteOnTermination: boolean;
}

/** The state of one region of the fake account. Plain data, so a test can seed and inspect it. */
export class FakeEc2Region {
  instances = new Map<string, FakeInstance>();
  volumes = new Map<string, FakeVolume>();
  snapshots = new Map<string, Ec2Snapshot>();
  addresses = new Map<string, Ec2Address>();
  natGateways = new Map<string, Ec2NatGateway & { deletingSince?: number }>();
  loadBalancers = new Map<string, LoadBalancer>();
  keyPairs = new Map<string, Ec2KeyPair & { publicKey: string }>();
  securityGroups = new Map<
    string,
    Ec2SecurityGroup & {
      ingress: Array<{ protocol: string; fromPort: number; toPort: number; cidr: string; tags: TagMap }>;
    }
  >();
  images = new Map<string, FakeImage>();
  /** Instance type → its spot price history in every zone (unseeded types get a made-up market). */
  spotPrices = new Map<string, SpotPricePoint[]>();
  /** Instance type → zones where it is offered. */
  offerings = new Map<string, string[]>();
  /** Injected capacity refusals of RunInstances, per zone, type and market (capacity failover tests). */
  launchRefusals: LaunchRefusal[] = [];
  zones: string[];
  vpcId: string | undefined;

  constructor(readonly name: string) {
    this.zones = ['a', 'b', 'c'].map((letter) => `${name}${letter}`);
    this.vpcId = `vpc-${hex(name)}`;
  }

  /** Moves every resource to the state it has reached at `now`. */
  settle(now: number): void {
    for (const instance of this.instances.values()) {
      if (instance.state === 'pending' && now - instance.since >= FAKE_TIMING.pendingMs) {
        this.move(instance, 'running', instance.since + FAKE_TIMING.pendingMs);
      }
      if (instance.state === 'stopping' && now - instance.since >= FAKE_TIMING.stoppingMs) {
        this.move(instance, 'stopped', instance.since + FAKE_TIMING.stoppingMs);
      }
      if (instance.state === 'shutting-down' && !instance.stuck && now - instance.since >= FAKE_TIMING.shuttingDownMs) {
        this.move(instance, 'terminated', instance.since + FAKE_TIMING.shuttingDownMs);
        this.onTerminated(instance);
      }
    }
    for (const gateway of this.natGateways.values()) {
      if (gateway.deletingSince !== undefined && now - gateway.deletingSince >= FAKE_TIMING.natDeleteMs) {
        this.natGateways.delete(gateway.id);
      }
    }
  }

  private move(instance: FakeInstance, state: string, at: number): void {
    instance.state = state;
    instance.since = at;
    if (state === 'running') instance.runningSince = at;
  }

  // What EC2 does at termination: DeleteOnTermination volumes go, others become available, EIPs detach.
  private onTerminated(instance: FakeInstance): void {
    delete instance.publicIp;
    for (const volume of [...this.volumes.values()].filter((v) => v.attachedTo === instance.id)) {
      if (volume.deleteOnTermination) this.volumes.delete(volume.id);
      else {
        volume.state = 'available';
        delete volume.attachedTo;
      }
    }
    for (const address of this.addresses.values()) {
      if (address.instanceId === instance.id) {
        delete address.instanceId;
        delete address.associationId;
      }
    }
  }

  /** Starts termination (idempotent, as EC2 is). */
  /** TerminateInstances (`reason` the user's), or AWS taking a spot instance back (`Server.SpotInstanceTermination`). */
  terminate(id: string, now: number, reason = USER_TERMINATION): void {
    const instance = this.instances.get(id);
    if (!instance) throw awsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    if (instance.state === 'terminated' || instance.state === 'shutting-down') return;
    instance.state = 'shutting-down';
    instance.stateReason = reason;
    instance.since = now;
  }

  deleteVolume(id: string): void {
    const volume = this.volumes.get(id);
    if (!volume) throw awsError('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
    if (volume.attachedTo) throw awsError('VolumeInUse', `Volume ${id} is currently attached to ${volume.attachedTo}`);
    this.volumes.delete(id);
  }

  releaseAddress(allocationId: string): void {
    const address = this.addresses.get(allocationId);
    if (!address) throw awsError('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
    if (address.associationId) throw awsError('InvalidIPAddress.InUse', `Address ${address.publicIp} is in use.`);
    this.addresses.delete(allocationId);
  }

  disassociateAddress(associationId: string): void {
    const address = [...this.addresses.values()].find((a) => a.associationId === associationId);
    if (!address) {
      throw awsError('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
    }
    delete address.associationId;
    delete address.instanceId;
  }

  deleteSnapshot(id: string): void {
    if (!this.snapshots.has(id)) throw awsError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    const image = [...this.images.values()].find((candidate) => candidate.snapshotIds.includes(id));
    if (image) throw awsError('InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${image.id}`);
    this.snapshots.delete(id);
  }

  deleteSecurityGroup(id: string): void {
    if (!this.securityGroups.has(id)) {
      throw awsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    }
    const user = [...this.instances.values()].find((i) => i.state !== 'terminated' && i.securityGroupIds.includes(id));
    if (user) throw awsError('DependencyViolation', `resource ${id} has a dependent object`);
    this.securityGroups.delete(id);
  }

  deleteNatGateway(id: string, now: number): void {
    const gateway = this.natGateways.get(id);
    if (!gateway) throw awsError('NatGatewayNotFound', `The Nat Gateway ${id} was not found`);
    if (gateway.deletingSince === undefined) {
      gateway.state = 'deleting';
      gateway.deletingSince = now;
    }
  }

  /** Console output once the instance has booted long enough: the host key fingerprints, as cloud-init prints them. */
  consoleOutput(id: string, now: number): string | undefined {
    const instance = this.instances.get(id);
    if (!instance?.runningSince || now - instance.runningSince < FAKE_TIMING.consoleMs) return undefined;
    const lines = instance.hostKeyFingerprints.map((fingerprint) => `256 ${fingerprint} root@ip-172-31-0-10 (ED25519)`);
    return [
      '[    0.000000] Linux version 6.1',
      'ci-info: no authorized SSH keys fingerprints found for user ubuntu.',
      '-----BEGIN SSH HOST KEY FINGERPRINTS-----',
      ...lines,
      '-----END SSH HOST KEY FINGERPRINTS-----',
      'Cloud-init finished',
    ].join('\n');
  }
}

/** A stable hex suffix from a string (fake ids look like real ones). */
export function hex(text: string, length = 8): string {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(3).slice(0, length);
}
