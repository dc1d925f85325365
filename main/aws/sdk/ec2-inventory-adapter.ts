import {
  DescribeAddressesCommand,
  DescribeKeyPairsCommand,
  DescribeRegionsCommand,
  type EC2Client,
  paginateDescribeInstances,
  paginateDescribeNatGateways,
  paginateDescribeSecurityGroups,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
} from '@aws-sdk/client-ec2';
import {
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  paginateDescribeLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing-v2';

import { TAG_CREATED_BY } from '../../../shared/domain/tags';
import type { Ec2InventoryPort, RegionListPort } from '../ports/ec2-inventory-port';
import type { LoadBalancer } from '../ports/ec2-types';
import { iso, sendOptions, toTagMap } from './sdk-tags';

const OURS = [{ Name: 'tag-key', Values: [TAG_CREATED_BY] }];

/** Collects every item of every page. */
async function flatten<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...(pick(page) ?? []));
  return items;
}

/** The inventory port over the SDK: EC2 plus ELB v2 for load balancers. */
export function createEc2InventoryAdapter(ec2: EC2Client, elb: ElasticLoadBalancingV2Client): Ec2InventoryPort {
  return {
    async listInstances({ signal } = {}) {
      const states = ['pending', 'running', 'shutting-down', 'stopping', 'stopped'];
      const pages = paginateDescribeInstances(
        { client: ec2 },
        { Filters: [{ Name: 'instance-state-name', Values: states }] },
        sendOptions(signal),
      );
      const instances = await flatten(pages, (page) =>
        page.Reservations?.flatMap((reservation) => reservation.Instances ?? []),
      );
      return instances.map((i) => ({
        id: i.InstanceId ?? '',
        instanceType: i.InstanceType ?? 'unknown',
        state: i.State?.Name ?? 'unknown',
        ...(i.LaunchTime ? { launchTime: iso(i.LaunchTime) } : {}),
        tags: toTagMap(i.Tags),
        ...(i.PublicIpAddress ? { publicIp: i.PublicIpAddress } : {}),
        securityGroupIds: (i.SecurityGroups ?? []).flatMap((group) => (group.GroupId ? [group.GroupId] : [])),
        ...(i.KeyName ? { keyName: i.KeyName } : {}),
        market: i.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
        ...(i.Placement?.AvailabilityZone ? { zone: i.Placement.AvailabilityZone } : {}),
      }));
    },
    async listVolumes({ signal } = {}) {
      const volumes = await flatten(
        paginateDescribeVolumes({ client: ec2 }, {}, sendOptions(signal)),
        (page) => page.Volumes,
      );
      return volumes.map((v) => ({
        id: v.VolumeId ?? '',
        volumeType: v.VolumeType ?? 'unknown',
        sizeGb: v.Size ?? 0,
        state: v.State ?? 'unknown',
        ...(v.CreateTime ? { createTime: iso(v.CreateTime) } : {}),
        tags: toTagMap(v.Tags),
        ...(v.Attachments?.[0]?.InstanceId ? { attachedTo: v.Attachments[0].InstanceId } : {}),
      }));
    },
    async listSnapshots({ signal } = {}) {
      const snapshots = await flatten(
        paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ['self'] }, sendOptions(signal)),
        (page) => page.Snapshots,
      );
      return snapshots.map((s) => ({
        id: s.SnapshotId ?? '',
        sizeGb: s.VolumeSize ?? 0,
        state: s.State ?? 'unknown',
        ...(s.StartTime ? { startTime: iso(s.StartTime) } : {}),
        tags: toTagMap(s.Tags),
      }));
    },
    async listAddresses({ signal } = {}) {
      const { Addresses = [] } = await ec2.send(new DescribeAddressesCommand({}), sendOptions(signal));
      return Addresses.map((a) => ({
        allocationId: a.AllocationId ?? '',
        publicIp: a.PublicIp ?? '',
        ...(a.AssociationId ? { associationId: a.AssociationId } : {}),
        ...(a.InstanceId ? { instanceId: a.InstanceId } : {}),
        tags: toTagMap(a.Tags),
      }));
    },
    async listNatGateways({ signal } = {}) {
      const filter = [{ Name: 'state', Values: ['pending', 'available', 'deleting', 'failed'] }];
      const gateways = await flatten(
        paginateDescribeNatGateways({ client: ec2 }, { Filter: filter }, sendOptions(signal)),
        (page) => page.NatGateways,
      );
      return gateways.map((g) => ({
        id: g.NatGatewayId ?? '',
        state: g.State ?? 'unknown',
        ...(g.CreateTime ? { createTime: iso(g.CreateTime) } : {}),
        tags: toTagMap(g.Tags),
      }));
    },
    async listLoadBalancers({ signal } = {}) {
      const found = await flatten(
        paginateDescribeLoadBalancers({ client: elb }, {}, sendOptions(signal)),
        (page) => page.LoadBalancers,
      );
      const balancers: LoadBalancer[] = found.map((lb) => ({
        arn: lb.LoadBalancerArn ?? '',
        name: lb.LoadBalancerName ?? '',
        lbType: lb.Type ?? 'application',
        state: lb.State?.Code ?? 'unknown',
        ...(lb.CreatedTime ? { createdTime: iso(lb.CreatedTime) } : {}),
        tags: {},
      }));
      // DescribeTags takes at most 20 ARNs per call.
      for (let start = 0; start < balancers.length; start += 20) {
        const batch = balancers.slice(start, start + 20);
        const { TagDescriptions = [] } = await elb.send(
          new DescribeTagsCommand({ ResourceArns: batch.map((lb) => lb.arn) }),
          sendOptions(signal),
        );
        for (const description of TagDescriptions) {
          const balancer = batch.find((lb) => lb.arn === description.ResourceArn);
          if (balancer) balancer.tags = toTagMap(description.Tags);
        }
      }
      return balancers;
    },
    async listOurKeyPairs({ signal } = {}) {
      const { KeyPairs = [] } = await ec2.send(new DescribeKeyPairsCommand({ Filters: OURS }), sendOptions(signal));
      return KeyPairs.map((k) => ({
        id: k.KeyPairId ?? '',
        name: k.KeyName ?? '',
        ...(k.CreateTime ? { createTime: iso(k.CreateTime) } : {}),
        tags: toTagMap(k.Tags),
      }));
    },
    async listOurSecurityGroups({ signal } = {}) {
      const groups = await flatten(
        paginateDescribeSecurityGroups({ client: ec2 }, { Filters: OURS }, sendOptions(signal)),
        (page) => page.SecurityGroups,
      );
      return groups.map((g) => ({
        id: g.GroupId ?? '',
        name: g.GroupName ?? '',
        ...(g.VpcId ? { vpcId: g.VpcId } : {}),
        tags: toTagMap(g.Tags),
      }));
    },
  };
}

/** Enabled regions, asked of one home region. */
export function createRegionListAdapter(ec2: EC2Client): RegionListPort {
  return {
    async listEnabledRegions({ signal } = {}) {
      const { Regions = [] } = await ec2.send(new DescribeRegionsCommand({ AllRegions: false }), sendOptions(signal));
      return Regions.flatMap((region) =>
        region.RegionName && region.OptInStatus !== 'not-opted-in' ? [region.RegionName] : [],
      ).sort();
    },
  };
}
