import type {
  CallOptions,
  Ec2Address,
  Ec2Instance,
  Ec2KeyPair,
  Ec2NatGateway,
  Ec2SecurityGroup,
  Ec2Snapshot,
  Ec2Volume,
  LoadBalancer,
} from './ec2-types';

/**
 * Reads what may cost money in one region. Every list is complete (paginators flattened).
 * Errors keep the AWS error code as their `name` (OptInRequired, UnauthorizedOperation,
 * RequestLimitExceeded…), so callers can tell a refused region from throttling.
 */
export interface Ec2InventoryPort {
  /** Instances in every state but terminated. */
  listInstances(options?: CallOptions): Promise<Ec2Instance[]>;
  /** Every EBS volume, attached or not. */
  listVolumes(options?: CallOptions): Promise<Ec2Volume[]>;
  /** Snapshots owned by this account (never public or shared ones). */
  listSnapshots(options?: CallOptions): Promise<Ec2Snapshot[]>;
  /** Elastic IP addresses. */
  listAddresses(options?: CallOptions): Promise<Ec2Address[]>;
  /** NAT gateways not yet deleted. */
  listNatGateways(options?: CallOptions): Promise<Ec2NatGateway[]>;
  /** Load balancers (ELB v2) with their tags. */
  listLoadBalancers(options?: CallOptions): Promise<LoadBalancer[]>;
  /** Key pairs tagged by TrainDeck (others are free and none of our business). */
  listOurKeyPairs(options?: CallOptions): Promise<Ec2KeyPair[]>;
  /** Security groups tagged by TrainDeck. */
  listOurSecurityGroups(options?: CallOptions): Promise<Ec2SecurityGroup[]>;
}

/** The regions enabled for the account (opted-in or not requiring opt-in). */
export interface RegionListPort {
  listEnabledRegions(options?: CallOptions): Promise<string[]>;
}
