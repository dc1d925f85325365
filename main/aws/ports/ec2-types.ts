import type { TagMap } from '../../../shared/domain/tags';

/** Options every port call takes: an abort signal, so no call outlives its job. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** An EC2 instance as the lifecycle needs it (not terminated). */
export interface Ec2Instance {
  id: string;
  instanceType: string;
  /** pending | running | shutting-down | stopping | stopped | terminated */
  state: string;
  launchTime?: string;
  tags: TagMap;
  publicIp?: string;
  securityGroupIds: string[];
  keyName?: string;
  market: 'on-demand' | 'spot';
  /** Its availability zone, when EC2 says (spot is priced per zone). */
  zone?: string;
  /** Why it left running, when EC2 says (StateReason.Code): {@link SPOT_TERMINATION} when AWS took a spot instance back. */
  stateReason?: string;
}

/** The StateReason code of a spot instance AWS took back (an interruption), as DescribeInstances gives it. */
export const SPOT_TERMINATION = 'Server.SpotInstanceTermination';
/** The StateReason code of an instance terminated by an API call (a teardown, the user). */
export const USER_TERMINATION = 'Client.UserInitiatedShutdown';

/** An EBS volume. */
export interface Ec2Volume {
  id: string;
  volumeType: string;
  sizeGb: number;
  /** creating | available | in-use | deleting | error */
  state: string;
  createTime?: string;
  tags: TagMap;
  attachedTo?: string;
}

/** An EBS snapshot owned by the account. */
export interface Ec2Snapshot {
  id: string;
  sizeGb: number;
  state: string;
  startTime?: string;
  tags: TagMap;
}

/** An Elastic IP address. */
export interface Ec2Address {
  allocationId: string;
  publicIp: string;
  associationId?: string;
  instanceId?: string;
  tags: TagMap;
}

/** A NAT gateway that is not yet deleted. */
export interface Ec2NatGateway {
  id: string;
  state: string;
  createTime?: string;
  tags: TagMap;
}

/** An Elastic Load Balancing v2 load balancer. */
export interface LoadBalancer {
  arn: string;
  name: string;
  /** application | network | gateway */
  lbType: string;
  state: string;
  createdTime?: string;
  tags: TagMap;
}

/** A key pair registered in EC2. */
export interface Ec2KeyPair {
  id: string;
  name: string;
  createTime?: string;
  tags: TagMap;
}

/** A security group. */
export interface Ec2SecurityGroup {
  id: string;
  name: string;
  vpcId?: string;
  tags: TagMap;
}
