import type { CallOptions } from './ec2-types';

/**
 * Deletes cost resources in one region. Each call is idempotent on our side: a resource
 * already gone is reported by the adapter as success, so retries after a crash are safe.
 */
export interface Ec2CleanupPort {
  terminateInstances(instanceIds: string[], options?: CallOptions): Promise<void>;
  deleteVolume(volumeId: string, options?: CallOptions): Promise<void>;
  disassociateAddress(associationId: string, options?: CallOptions): Promise<void>;
  releaseAddress(allocationId: string, options?: CallOptions): Promise<void>;
  deleteNatGateway(natGatewayId: string, options?: CallOptions): Promise<void>;
  deleteLoadBalancer(arn: string, options?: CallOptions): Promise<void>;
  deleteSnapshot(snapshotId: string, options?: CallOptions): Promise<void>;
  deleteKeyPair(keyPairId: string, options?: CallOptions): Promise<void>;
  deleteSecurityGroup(groupId: string, options?: CallOptions): Promise<void>;
}
