import { isOurs } from '../../../shared/domain/tags';
import type { Ec2CleanupPort } from '../ports/ec2-cleanup-port';
import type { Ec2InventoryPort } from '../ports/ec2-inventory-port';
import type { FakeEc2Region } from './fake-ec2-region';
import { awsError } from './fake-error';

const clone = <T>(value: T): T => structuredClone(value);

/** Inventory calls over one fake region (copies, so callers cannot mutate the fake by accident). */
export function fakeInventory(region: FakeEc2Region): Ec2InventoryPort {
  return {
    listInstances: async () =>
      [...region.instances.values()]
        .filter((i) => i.state !== 'terminated')
        .map((i) =>
          clone({
            id: i.id,
            instanceType: i.instanceType,
            state: i.state,
            ...(i.launchTime ? { launchTime: i.launchTime } : {}),
            tags: i.tags,
            ...(i.publicIp ? { publicIp: i.publicIp } : {}),
            securityGroupIds: i.securityGroupIds,
            ...(i.keyName ? { keyName: i.keyName } : {}),
            market: i.market,
            zone: i.zone,
          }),
        ),
    listVolumes: async () =>
      [...region.volumes.values()].map(({ deleteOnTermination: _dot, ...volume }) => clone(volume)),
    listSnapshots: async () => [...region.snapshots.values()].map(clone),
    listAddresses: async () => [...region.addresses.values()].map(clone),
    listNatGateways: async () =>
      [...region.natGateways.values()].map(({ deletingSince: _since, ...gateway }) => clone(gateway)),
    listLoadBalancers: async () => [...region.loadBalancers.values()].map(clone),
    listOurKeyPairs: async () =>
      [...region.keyPairs.values()].filter((k) => isOurs(k.tags)).map(({ publicKey: _key, ...pair }) => clone(pair)),
    listOurSecurityGroups: async () =>
      [...region.securityGroups.values()]
        .filter((g) => isOurs(g.tags))
        .map(({ ingress: _rules, ...group }) => clone(group)),
  };
}

/**
 * Cleanup calls over one fake region; already-gone resources are success, as the SDK adapter treats them.
 * `terminating` hears each instance that starts shutting down (a test bed stops its sshd).
 */
export function fakeCleanup(
  region: FakeEc2Region,
  now: () => number,
  terminating?: (instanceId: string) => void,
): Ec2CleanupPort {
  const gone = (run: () => void) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof Error && /NotFound/.test(error.name))) throw error;
    }
  };
  return {
    terminateInstances: async (ids) => {
      const missing = ids.filter((id) => !region.instances.has(id));
      if (missing.length === ids.length && ids.length > 0) return;
      for (const id of ids) {
        if (!region.instances.has(id)) continue;
        region.terminate(id, now());
        terminating?.(id);
      }
    },
    deleteVolume: async (id) => gone(() => region.deleteVolume(id)),
    disassociateAddress: async (id) => gone(() => region.disassociateAddress(id)),
    releaseAddress: async (id) => gone(() => region.releaseAddress(id)),
    deleteNatGateway: async (id) => gone(() => region.deleteNatGateway(id, now())),
    deleteLoadBalancer: async (arn) => {
      region.loadBalancers.delete(arn);
    },
    deleteSnapshot: async (id) => gone(() => region.deleteSnapshot(id)),
    deleteKeyPair: async (id) => {
      for (const [name, pair] of region.keyPairs) if (pair.id === id) region.keyPairs.delete(name);
    },
    deleteSecurityGroup: async (id) => gone(() => region.deleteSecurityGroup(id)),
  };
}

/** Throws EC2's error for a name that is already taken. */
export function duplicate(kind: string, name: string): never {
  throw awsError(`Invalid${kind}.Duplicate`, `The ${kind} '${name}' already exists.`);
}
