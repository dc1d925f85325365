import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';

import { awsError } from '../aws/fake/fake-error';
import { createInstanceMetricsAdapter } from '../aws/sdk/cloudwatch-adapter';
import { FakeClock } from '../aws/testing/fake-clock';
import { CloudWatcher } from './cloud-watcher';
import { RunMonitor } from './run-monitor';

const cw = mockClient(CloudWatchClient);
const ec2 = mockClient(EC2Client);
afterEach(() => {
  cw.reset();
  ec2.reset();
});

const T0 = Date.parse('2026-11-24T10:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000);
// ids m0..m5 follow INSTANCE_METRICS: CPU, NetworkIn, NetworkOut, EBSReadBytes, EBSWriteBytes, StatusCheckFailed.
const results = (minutes: number[], status = 0) => [
  {
    Id: 'm0',
    Label: 'CPUUtilization',
    Timestamps: minutes.map(at),
    Values: minutes.map((m) => 50 + m),
    StatusCode: 'Complete' as const,
  },
  { Id: 'm1', Label: 'NetworkIn', Timestamps: minutes.map(at), Values: minutes.map(() => 6_000_000) },
  { Id: 'm2', Label: 'NetworkOut', Timestamps: [], Values: [] },
  { Id: 'm5', Label: 'StatusCheckFailed', Timestamps: minutes.map(at), Values: minutes.map(() => status) },
];

function setup() {
  const clock = new FakeClock(T0 + 5 * 60_000);
  const monitor = new RunMonitor({ runId: 'r1', clock, onDelta: () => {}, timers: { set: () => 0, clear: () => {} } });
  const port = createInstanceMetricsAdapter(
    new CloudWatchClient({ region: 'eu-west-1' }),
    new EC2Client({ region: 'eu-west-1' }),
  );
  return { clock, monitor, watcher: new CloudWatcher({ port, instanceId: 'i-0abc', monitor, clock }) };
}

describe('CloudWatch through GetMetricData (aws-sdk-client-mock)', () => {
  it('asks for the six EC2 metrics with the right statistics and turns byte sums into B/s', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: results([1, 2]) });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-0abc', State: { Name: 'running' }, InstanceLifecycle: 'spot' }] }],
    });
    const { monitor, watcher } = setup();
    expect(await watcher.poll()).toEqual({ instanceState: 'running', statusCheckFailed: false });
    const input = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.MetricDataQueries?.map((q) => [q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat])).toEqual([
      ['CPUUtilization', 'Average'],
      ['NetworkIn', 'Sum'],
      ['NetworkOut', 'Sum'],
      ['EBSReadBytes', 'Sum'],
      ['EBSWriteBytes', 'Sum'],
      ['StatusCheckFailed', 'Maximum'],
    ]);
    expect(input.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'InstanceId', Value: 'i-0abc' },
    ]);
    const series = Object.fromEntries(monitor.snapshot(100).series.map((s) => [s.name, s]));
    expect(series['cw.cpu']).toMatchObject({ unit: '%', v: [51, 52] });
    expect(series['cw.net.in']).toMatchObject({ unit: 'B/s', v: [100_000, 100_000] });
  });

  it('follows NextToken, skips points already delivered, flags a failed status check', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: results([1]), NextToken: 'p2' })
      .resolvesOnce({ MetricDataResults: results([2]) })
      .resolves({ MetricDataResults: results([2, 3], 1) });
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ State: { Name: 'running' } }] }] });
    const { monitor, watcher, clock } = setup();
    await watcher.poll();
    expect(cw.commandCalls(GetMetricDataCommand)[1]!.args[0].input.NextToken).toBe('p2');
    clock.advance(60_000);
    expect(await watcher.poll()).toEqual({ instanceState: 'running', statusCheckFailed: true });
    const cpu = monitor.snapshot(100).series.find((s) => s.name === 'cw.cpu');
    expect(cpu?.t).toEqual([at(1), at(2), at(3)].map((d) => d.getTime()));
    expect(monitor.snapshot(100).alerts.map((a) => a.kind)).toEqual(['status-check']);
  });

  it('a terminated instance that EC2 forgot reads as "gone"; other errors propagate', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    ec2
      .on(DescribeInstancesCommand)
      .rejectsOnce(awsError('InvalidInstanceID.NotFound', 'gone'))
      .rejects(awsError('UnauthorizedOperation', 'no'));
    const { watcher } = setup();
    expect(await watcher.poll()).toEqual({ instanceState: 'gone' });
    await expect(watcher.poll()).rejects.toMatchObject({ name: 'UnauthorizedOperation' });
  });
});
