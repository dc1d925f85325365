import {
  DeleteKeyPairCommand,
  DeleteNatGatewayCommand,
  DeleteSecurityGroupCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DisassociateAddressCommand,
  type EC2Client,
  ReleaseAddressCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DeleteLoadBalancerCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';

import { isNotFound } from '../aws-errors';
import type { Ec2CleanupPort } from '../ports/ec2-cleanup-port';
import { sendOptions } from './sdk-tags';

/** A delete that finds nothing has done its job: teardown reruns after a crash must not fail on it. */
async function gone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The cleanup port over the SDK. */
export function createEc2CleanupAdapter(ec2: EC2Client, elb: ElasticLoadBalancingV2Client): Ec2CleanupPort {
  return {
    terminateInstances: (InstanceIds, { signal } = {}) =>
      gone(() => ec2.send(new TerminateInstancesCommand({ InstanceIds }), sendOptions(signal))),
    deleteVolume: (VolumeId, { signal } = {}) =>
      gone(() => ec2.send(new DeleteVolumeCommand({ VolumeId }), sendOptions(signal))),
    disassociateAddress: (AssociationId, { signal } = {}) =>
      gone(() => ec2.send(new DisassociateAddressCommand({ AssociationId }), sendOptions(signal))),
    releaseAddress: (AllocationId, { signal } = {}) =>
      gone(() => ec2.send(new ReleaseAddressCommand({ AllocationId }), sendOptions(signal))),
    deleteNatGateway: (NatGatewayId, { signal } = {}) =>
      gone(() => ec2.send(new DeleteNatGatewayCommand({ NatGatewayId }), sendOptions(signal))),
    deleteLoadBalancer: (LoadBalancerArn, { signal } = {}) =>
      gone(() => elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn }), sendOptions(signal))),
    deleteSnapshot: (SnapshotId, { signal } = {}) =>
      gone(() => ec2.send(new DeleteSnapshotCommand({ SnapshotId }), sendOptions(signal))),
    deleteKeyPair: (KeyPairId, { signal } = {}) =>
      gone(() => ec2.send(new DeleteKeyPairCommand({ KeyPairId }), sendOptions(signal))),
    deleteSecurityGroup: (GroupId, { signal } = {}) =>
      gone(() => ec2.send(new DeleteSecurityGroupCommand({ GroupId }), sendOptions(signal))),
  };
}
