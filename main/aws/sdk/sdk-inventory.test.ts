import {
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';

import { awsError } from '../fake/fake-error';
import { createEc2CleanupAdapter } from './ec2-cleanup-adapter';
import { createEc2InventoryAdapter, createRegionListAdapter } from './ec2-inventory-adapter';

const ec2 = mockClient(EC2Client);
mockClient(ElasticLoadBalancingV2Client);
afterEach(() => ec2.reset());
const client = () =>
  new EC2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' } });
const elb = () =>
  new ElasticLoadBalancingV2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
  });

describe('SDK inventory and cleanup adapters', () => {
  it('flattens every page of DescribeInstances and asks only for non-terminated states', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-1',
                State: { Name: 'running' },
                InstanceType: 'g5.xlarge',
                Tags: [{ Key: 'Name', Value: 'a' }],
              },
            ],
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Reservations: [
          {
            Instances: [
              { InstanceId: 'i-2', State: { Name: 'stopped' }, InstanceType: 't3.micro', InstanceLifecycle: 'spot' },
            ],
          },
        ],
      });
    const instances = await createEc2InventoryAdapter(client(), elb()).listInstances();
    expect(instances.map((i) => [i.id, i.state, i.market])).toEqual([
      ['i-1', 'running', 'on-demand'],
      ['i-2', 'stopped', 'spot'],
    ]);
    expect(instances[0]?.tags).toEqual({ Name: 'a' });
    expect(ec2.commandCalls(DescribeInstancesCommand)[1]?.args[0].input.NextToken).toBe('page-2');
    expect(ec2.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
    ]);
  });

  it('lists only enabled regions', async () => {
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'ap-east-1', OptInStatus: 'opted-in' },
      ],
    });
    expect(await createRegionListAdapter(client()).listEnabledRegions()).toEqual(['ap-east-1', 'eu-west-1']);
  });

  it('treats "already gone" as success, so a rerun after a crash does not fail', async () => {
    ec2.on(DeleteVolumeCommand).rejects(awsError('InvalidVolume.NotFound', 'gone'));
    ec2.on(TerminateInstancesCommand).rejects(awsError('UnauthorizedOperation', 'no'));
    const cleanup = createEc2CleanupAdapter(client(), elb());
    await expect(cleanup.deleteVolume('vol-1')).resolves.toBeUndefined();
    await expect(cleanup.terminateInstances(['i-1'])).rejects.toThrow('no');
  });

  it('passes the abort signal to the SDK', async () => {
    ec2.on(DescribeRegionsCommand).resolves({ Regions: [] });
    const controller = new AbortController();
    await createRegionListAdapter(client()).listEnabledRegions({ signal: controller.signal });
    expect((ec2.commandCalls(DescribeRegionsCommand)[0]?.args as unknown[])[1]).toEqual({
      abortSignal: controller.signal,
    });
  });
});
