import type { Architecture } from '../../../shared/domain/instance-family';
import type { TagMap } from '../../../shared/domain/tags';
import type { CallOptions, Ec2Instance } from './ec2-types';

/** What preflight needs to know of an instance type. */
export interface InstanceTypeInfo {
  vcpus: number;
  memoryMiB: number;
  architectures: Architecture[];
  gpus: number;
}

/** What provisioning needs to know of an AMI. */
export interface ImageInfo {
  id: string;
  name: string;
  architecture: string;
  state: string;
  rootDeviceName: string;
  /** EBS device names of the image's own mappings (each gets DeleteOnTermination). */
  ebsDeviceNames: string[];
  /** Root snapshot size: the root volume may not be smaller. */
  rootSizeGb?: number;
}

/** The default VPC and its default subnet per availability zone. */
export interface DefaultNetwork {
  vpcId: string;
  subnets: Array<{ subnetId: string; zone: string }>;
}

/** Everything RunInstances gets; the adapter turns it into the one safe request shape. */
export interface RunInstanceSpec {
  /** Idempotency token: a retried call after a crash returns the same instance. */
  clientToken: string;
  imageId: string;
  instanceType: string;
  keyName: string;
  securityGroupId: string;
  subnetId: string;
  instanceProfileName: string;
  rootDeviceName: string;
  /** Other EBS devices of the image, also DeleteOnTermination. */
  extraEbsDeviceNames: string[];
  diskGb: number;
  market: 'on-demand' | 'spot';
  /** cloud-init user data (plain text; the adapter base64-encodes it). */
  userData: string;
  tags: TagMap;
}

/** Status checks as DescribeInstanceStatus reports them. */
export type StatusChecks = 'ok' | 'initializing' | 'impaired' | 'insufficient-data' | 'not-applicable' | 'unknown';

/** The EC2 calls of preflight and provisioning, in one region. */
export interface Ec2LaunchPort {
  /** Availability zones where the type is offered (empty: not offered in the region). */
  offeredZones(instanceType: string, options?: CallOptions): Promise<string[]>;
  /** undefined when EC2 does not know the type. */
  describeInstanceType(instanceType: string, options?: CallOptions): Promise<InstanceTypeInfo | undefined>;
  /** undefined when the image does not exist or is not visible to the account. */
  describeImage(imageId: string, options?: CallOptions): Promise<ImageInfo | undefined>;
  /** undefined when the region has no default VPC. */
  defaultNetwork(options?: CallOptions): Promise<DefaultNetwork | undefined>;
  importKeyPair(input: { name: string; publicKey: string; tags: TagMap }, options?: CallOptions): Promise<string>;
  createSecurityGroup(
    input: { name: string; description: string; vpcId: string; tags: TagMap },
    options?: CallOptions,
  ): Promise<string>;
  /** The only ingress rule: 22/tcp from `cidr`. */
  authorizeSsh(input: { groupId: string; cidr: string; tags: TagMap }, options?: CallOptions): Promise<void>;
  runInstance(spec: RunInstanceSpec, options?: CallOptions): Promise<string>;
  describeInstance(instanceId: string, options?: CallOptions): Promise<Ec2Instance | undefined>;
  statusChecks(instanceId: string, options?: CallOptions): Promise<StatusChecks>;
  /** The decoded console output, or undefined while EC2 has none yet. */
  consoleOutput(instanceId: string, options?: CallOptions): Promise<string | undefined>;
}
