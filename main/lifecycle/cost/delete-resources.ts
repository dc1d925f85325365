import { setMaxListeners } from 'node:events';

import type { CostResource, ResourceKind } from '../../../shared/domain/cost';
import { TypedError } from '../../../shared/ipc/result';
import { awsErrorCode, describeAwsError, isThrottling } from '../../aws/aws-errors';
import type { Ec2Port } from '../../aws/ports/aws-ports';
import { waitFor } from '../../aws/waiters';
import type { Clock } from '../../core/clock';
import { retry } from '../../core/retry';
import { type Sleep } from '../../core/sleep';
import { mapBounded } from './map-bounded';

/**
 * What happened to one resource: deleted by this call, failed (with why), or `gone`: already deleted
 * by someone else before this call came to it (a stopped run's own teardown; the reason says whose),
 * so this call neither deleted it nor counts it.
 */
export interface DeletionOutcome {
  resource: CostResource;
  outcome: 'deleted' | 'failed' | 'gone';
  reason?: string;
}

/** Options of {@link deleteResources}. */
export interface DeleteOptions {
  ec2(region: string): Ec2Port;
  clock: Clock;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Longest wait for instances to reach `terminated` (then: reported as survivors). */
  instanceWaitMs?: number;
  natWaitMs?: number;
  onProgress?(outcome: DeletionOutcome | { resource: CostResource; outcome: 'deleting' }): void;
}

/** The dependency order: what holds others goes first (instances hold volumes, addresses and groups). */
export const DELETION_ORDER: ResourceKind[] = [
  'instance',
  'volume',
  'nat-gateway',
  'address',
  'load-balancer',
  'snapshot',
  'key-pair',
  'security-group',
];

// ENIs of terminated instances detach lazily: a security group may stay "in use" for a minute.
const retryable = (error: unknown) =>
  isThrottling(error) ||
  awsErrorCode(error) === 'DependencyViolation' ||
  awsErrorCode(error) === 'VolumeInUse' ||
  awsErrorCode(error) === 'InvalidIPAddress.InUse';

const why = (error: unknown): string => {
  const code = awsErrorCode(error);
  if (code === 'InvalidSnapshot.InUse') return `${describeAwsError(error)} — deregister that AMI first`;
  if (code === 'DependencyViolation') return `still in use by another resource (${describeAwsError(error)})`;
  return describeAwsError(error);
};

/**
 * Deletes `targets` in dependency order, region by region (regions in parallel): terminate
 * instances and wait (bounded) for `terminated`, then volumes, NAT gateways (waited for, as
 * they hold their addresses), addresses, load balancers, snapshots, key pairs, security
 * groups. Each delete is retried on throttling and on transient "in use" answers. Returns an
 * outcome per target; nothing here decides success: the caller rescans.
 */
export async function deleteResources(targets: CostResource[], options: DeleteOptions): Promise<DeletionOutcome[]> {
  if (options.signal) setMaxListeners(500, options.signal);
  const regions = [...new Set(targets.map((resource) => resource.region))];
  const perRegion = await mapBounded(regions, 8, (region) =>
    deleteInRegion(
      region,
      targets.filter((resource) => resource.region === region),
      options,
    ),
  );
  return perRegion.flat();
}

async function deleteInRegion(
  region: string,
  targets: CostResource[],
  options: DeleteOptions,
): Promise<DeletionOutcome[]> {
  const ec2 = options.ec2(region);
  const signalOption = options.signal ? { signal: options.signal } : {};
  const deleteRetry = { attempts: 8, baseMs: 1_000, retryable, sleep: options.sleep, ...signalOption };
  const outcomes: DeletionOutcome[] = [];
  const record = (outcome: DeletionOutcome) => {
    outcomes.push(outcome);
    options.onProgress?.(outcome);
  };
  const ofKind = (kind: ResourceKind) => targets.filter((resource) => resource.kind === kind);

  const instances = ofKind('instance');
  if (instances.length > 0) {
    instances.forEach((resource) => options.onProgress?.({ resource, outcome: 'deleting' }));
    try {
      await retry(
        () =>
          ec2.terminateInstances(
            instances.map((i) => i.id),
            signalOption,
          ),
        deleteRetry,
      );
      await waitFor(
        async () => {
          const alive = (await ec2.listInstances(signalOption)).filter((i) =>
            instances.some((target) => target.id === i.id),
          );
          return alive.length === 0 ? true : undefined;
        },
        {
          what: `${instances.length} instance(s) in ${region} to terminate`,
          maxMs: options.instanceWaitMs ?? 10 * 60_000,
          intervalMs: 5_000,
          clock: options.clock,
          sleep: options.sleep,
          ...signalOption,
        },
      );
      instances.forEach((resource) => record({ resource, outcome: 'deleted' }));
    } catch (error) {
      options.signal?.throwIfAborted();
      const states = new Map((await ec2.listInstances(signalOption).catch(() => [])).map((i) => [i.id, i.state]));
      for (const resource of instances) {
        const state = states.get(resource.id);
        if (state === undefined) record({ resource, outcome: 'deleted' });
        else {
          record({
            resource,
            outcome: 'failed',
            reason:
              error instanceof TypedError && error.code === 'TIMEOUT'
                ? `still ${state} after the wait; AWS usually finishes it, rerun to confirm`
                : why(error),
          });
        }
      }
    }
  }

  const one = async (resource: CostResource, remove: () => Promise<void>) => {
    options.onProgress?.({ resource, outcome: 'deleting' });
    try {
      await retry(remove, deleteRetry);
      record({ resource, outcome: 'deleted' });
    } catch (error) {
      options.signal?.throwIfAborted();
      record({ resource, outcome: 'failed', reason: why(error) });
    }
  };

  for (const resource of ofKind('volume')) await one(resource, () => ec2.deleteVolume(resource.id, signalOption));
  const gateways = ofKind('nat-gateway');
  for (const resource of gateways) await one(resource, () => ec2.deleteNatGateway(resource.id, signalOption));
  if (gateways.length > 0) {
    await waitFor(
      async () =>
        (await ec2.listNatGateways(signalOption)).some((g) => gateways.some((target) => target.id === g.id))
          ? undefined
          : true,
      {
        what: `NAT gateways in ${region} to be deleted`,
        maxMs: options.natWaitMs ?? 5 * 60_000,
        intervalMs: 10_000,
        clock: options.clock,
        sleep: options.sleep,
        ...signalOption,
      },
    ).catch(() => undefined);
  }
  const addresses = new Map((await ec2.listAddresses(signalOption).catch(() => [])).map((a) => [a.allocationId, a]));
  for (const resource of ofKind('address')) {
    await one(resource, async () => {
      const association = addresses.get(resource.id)?.associationId;
      if (association) await ec2.disassociateAddress(association, signalOption);
      await ec2.releaseAddress(resource.id, signalOption);
    });
  }
  for (const resource of ofKind('load-balancer')) {
    await one(resource, () => ec2.deleteLoadBalancer(resource.id, signalOption));
  }
  for (const resource of ofKind('snapshot')) await one(resource, () => ec2.deleteSnapshot(resource.id, signalOption));
  for (const resource of ofKind('key-pair')) await one(resource, () => ec2.deleteKeyPair(resource.id, signalOption));
  for (const resource of ofKind('security-group')) {
    await one(resource, () => ec2.deleteSecurityGroup(resource.id, signalOption));
  }
  return outcomes;
}
