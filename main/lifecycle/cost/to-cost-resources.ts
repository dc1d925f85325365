import type { CostResource } from '../../../shared/domain/cost';
import { isOurs, runIdOf, type TagMap } from '../../../shared/domain/tags';
import { defined } from '../../../shared/object/defined';
import { hourlyCost } from '../../../shared/pricing/estimate';
import { PRICE_TABLE, type PriceTable } from '../../../shared/pricing/price-table';
import { spotNowPrice } from '../../../shared/pricing/spot-now-price';
import type {
  Ec2Address,
  Ec2Instance,
  Ec2KeyPair,
  Ec2NatGateway,
  Ec2SecurityGroup,
  Ec2Snapshot,
  Ec2Volume,
  LoadBalancer,
} from '../../aws/ports/ec2-types';
import type { SpotNow } from '../pricing/spot-now';

/** Everything one region holds, as the inventory port lists it. */
export interface RegionInventory {
  instances: Ec2Instance[];
  volumes: Ec2Volume[];
  snapshots: Ec2Snapshot[];
  addresses: Ec2Address[];
  natGateways: Ec2NatGateway[];
  loadBalancers: LoadBalancer[];
  keyPairs: Ec2KeyPair[];
  securityGroups: Ec2SecurityGroup[];
}

const round = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 10_000);

/**
 * Turns a region's inventory into priced, tagged, aged scan rows. A spot instance is priced by
 * `spot` (its type's newest spot price per zone, see spot-now.ts); without it, on-demand, at most.
 */
export function toCostResources(
  region: string,
  inventory: RegionInventory,
  now: number,
  table: PriceTable = PRICE_TABLE,
  spot: ReadonlyMap<string, SpotNow> = new Map(),
): CostResource[] {
  const row = (
    kind: CostResource['kind'],
    id: string,
    type: string,
    state: string,
    tags: TagMap,
    createdAt: string | undefined,
    hourly: number | null,
    note?: string,
  ): CostResource => ({
    kind,
    region,
    id,
    type,
    state,
    tags,
    ours: isOurs(tags),
    hourlyUsd: round(hourly),
    ...defined({ runId: runIdOf(tags) }),
    ...(createdAt
      ? { createdAt, ageHours: Math.max(0, Math.round(((now - Date.parse(createdAt)) / 3_600_000) * 10) / 10) }
      : {}),
    ...(note ? { note } : {}),
  });
  return [
    ...inventory.instances.map((i) => {
      const onDemand = hourlyCost(
        { kind: 'instance', instanceType: i.instanceType, state: i.state, hasPublicIp: Boolean(i.publicIp) },
        table,
      );
      if (i.market !== 'spot') return row('instance', i.id, i.instanceType, i.state, i.tags, i.launchTime, onDemand);
      const type = `${i.instanceType} (spot)`;
      // Not billing (stopped, terminated): $0 whatever the market.
      if (onDemand === 0) return row('instance', i.id, type, i.state, i.tags, i.launchTime, 0);
      const price = spotNowPrice({
        instanceType: i.instanceType,
        zone: i.zone,
        spot: spot.get(i.instanceType) ?? { problem: 'it was not read' },
        onDemandHourly: table.instanceHourly[i.instanceType] ?? null,
        ipv4Hourly: i.publicIp ? table.publicIpv4Hourly : 0,
      });
      return {
        ...row('instance', i.id, type, i.state, i.tags, i.launchTime, price.hourlyUsd, price.note),
        ...(price.upperBound ? { upperBound: true } : {}),
      };
    }),
    ...inventory.volumes.map((v) =>
      row(
        'volume',
        v.id,
        `${v.volumeType} ${v.sizeGb} GB`,
        v.state,
        v.tags,
        v.createTime,
        hourlyCost({ kind: 'volume', volumeType: v.volumeType, sizeGb: v.sizeGb }, table),
        v.attachedTo ? `attached to ${v.attachedTo}` : undefined,
      ),
    ),
    ...inventory.snapshots.map((s) =>
      row(
        'snapshot',
        s.id,
        `${s.sizeGb} GB`,
        s.state,
        s.tags,
        s.startTime,
        hourlyCost({ kind: 'snapshot', sizeGb: s.sizeGb }, table),
      ),
    ),
    ...inventory.addresses.map((a) =>
      row(
        'address',
        a.allocationId,
        `IPv4 ${a.publicIp}`,
        a.associationId ? 'associated' : 'unassociated',
        a.tags,
        undefined,
        hourlyCost({ kind: 'address' }, table),
        a.instanceId ? `associated with ${a.instanceId}` : undefined,
      ),
    ),
    ...inventory.natGateways.map((g) =>
      row(
        'nat-gateway',
        g.id,
        'NAT gateway',
        g.state,
        g.tags,
        g.createTime,
        hourlyCost({ kind: 'nat-gateway', state: g.state }, table),
      ),
    ),
    ...inventory.loadBalancers.map((lb) =>
      row(
        'load-balancer',
        lb.arn,
        `${lb.lbType} ${lb.name}`,
        lb.state,
        lb.tags,
        lb.createdTime,
        hourlyCost({ kind: 'load-balancer', lbType: lb.lbType }, table),
      ),
    ),
    ...inventory.keyPairs.map((k) => row('key-pair', k.id, `key pair ${k.name}`, 'available', k.tags, k.createTime, 0)),
    ...inventory.securityGroups.map((g) =>
      row('security-group', g.id, `security group ${g.name}`, 'available', g.tags, undefined, 0),
    ),
  ];
}
