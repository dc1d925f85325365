import { HOURS_PER_MONTH, PRICE_TABLE, type PriceTable } from './price-table';

/** What the estimator needs to know of a resource; a subset of what the scanner sees. */
export type PricedThing =
  | { kind: 'instance'; instanceType: string; state: string; hasPublicIp: boolean }
  | { kind: 'volume'; volumeType: string; sizeGb: number }
  | { kind: 'snapshot'; sizeGb: number }
  | { kind: 'address' }
  | { kind: 'nat-gateway'; state: string }
  | { kind: 'load-balancer'; lbType: string }
  | { kind: 'key-pair' | 'security-group' };

// Instances bill from pending to the start of shutting-down/stopping (EBS bills separately).
const BILLED_INSTANCE_STATES = new Set(['pending', 'running']);

/** Whether an instance in this EC2 state bills its hourly price (pending or running). */
export const instanceBills = (state: string): boolean => BILLED_INSTANCE_STATES.has(state);

/**
 * Estimated $/hour, or null when the table has no price for it. Snapshots are priced on their
 * full size (an upper bound: incremental snapshots store less). A public IPv4 address bills
 * whether it is an Elastic IP or an instance's own.
 */
export function hourlyCost(thing: PricedThing, table: PriceTable = PRICE_TABLE): number | null {
  switch (thing.kind) {
    case 'instance': {
      if (!BILLED_INSTANCE_STATES.has(thing.state)) return 0;
      const price = table.instanceHourly[thing.instanceType];
      if (price === undefined) return null;
      return price + (thing.hasPublicIp ? table.publicIpv4Hourly : 0);
    }
    case 'volume': {
      const perGbMonth = table.ebsGbMonth[thing.volumeType];
      return perGbMonth === undefined ? null : (perGbMonth * thing.sizeGb) / HOURS_PER_MONTH;
    }
    case 'snapshot':
      return (table.snapshotGbMonth * thing.sizeGb) / HOURS_PER_MONTH;
    case 'address':
      return table.publicIpv4Hourly;
    case 'nat-gateway':
      return thing.state === 'deleted' ? 0 : table.natGatewayHourly;
    case 'load-balancer':
      return table.loadBalancerHourly[thing.lbType] ?? null;
    case 'key-pair':
    case 'security-group':
      return 0;
  }
}
