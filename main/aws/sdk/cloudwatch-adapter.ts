import { type CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';

import { type AwsSettings, createCloudWatchClient, createEc2Client } from '../client-factory';
import {
  INSTANCE_METRICS,
  type InstanceMetric,
  type InstanceMetricsPort,
  type MetricPoint,
} from '../ports/metrics-port';
import { sendOptions } from './sdk-tags';

// Bytes are summed per period (the caller divides by the period for a rate); CPU is averaged;
// a status check counts as failed if it failed at any time in the period.
const STAT: Record<InstanceMetric, string> = {
  CPUUtilization: 'Average',
  NetworkIn: 'Sum',
  NetworkOut: 'Sum',
  EBSReadBytes: 'Sum',
  EBSWriteBytes: 'Sum',
  StatusCheckFailed: 'Maximum',
};
const MAX_PAGES = 10;

function queries(instanceId: string, periodSeconds: number): MetricDataQuery[] {
  return INSTANCE_METRICS.map((name, i) => ({
    Id: `m${i}`,
    Label: name,
    MetricStat: {
      Metric: { Namespace: 'AWS/EC2', MetricName: name, Dimensions: [{ Name: 'InstanceId', Value: instanceId }] },
      Period: periodSeconds,
      Stat: STAT[name],
    },
    ReturnData: true,
  }));
}

/** The metrics port over CloudWatch GetMetricData and EC2 DescribeInstances. */
export function createInstanceMetricsAdapter(cloudwatch: CloudWatchClient, ec2: EC2Client): InstanceMetricsPort {
  return {
    async getInstanceMetrics({ instanceId, start, end, periodSeconds }, { signal } = {}) {
      const out = Object.fromEntries(INSTANCE_METRICS.map((m) => [m, [] as MetricPoint[]])) as Record<
        InstanceMetric,
        MetricPoint[]
      >;
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const response = await cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries(instanceId, periodSeconds),
            StartTime: start,
            EndTime: end,
            ScanBy: 'TimestampAscending',
            NextToken: nextToken,
          }),
          sendOptions(signal),
        );
        for (const result of response.MetricDataResults ?? []) {
          const name = INSTANCE_METRICS[Number(result.Id?.slice(1))];
          if (!name) continue;
          const times = result.Timestamps ?? [];
          (result.Values ?? []).forEach((v, i) => {
            const t = times[i];
            if (t && Number.isFinite(v)) out[name].push({ t: t.getTime(), v });
          });
        }
        nextToken = response.NextToken;
        if (!nextToken) break;
      }
      for (const points of Object.values(out)) points.sort((a, b) => a.t - b.t);
      return out;
    },
    async describeInstance(instanceId, { signal } = {}) {
      try {
        const response = await ec2.send(
          new DescribeInstancesCommand({ InstanceIds: [instanceId] }),
          sendOptions(signal),
        );
        const instance = response.Reservations?.[0]?.Instances?.[0];
        if (!instance) return undefined;
        return {
          state: instance.State?.Name ?? 'unknown',
          ...(instance.InstanceType ? { instanceType: instance.InstanceType } : {}),
          spot: instance.InstanceLifecycle === 'spot',
          ...(instance.LaunchTime ? { launchTime: instance.LaunchTime.getTime() } : {}),
        };
      } catch (error) {
        // Terminated long enough ago, EC2 answers "not found": for the monitor that is "gone".
        if (error instanceof Error && error.name === 'InvalidInstanceID.NotFound') return undefined;
        throw error;
      }
    },
  };
}

/** The real port for one region, with clients from the one client factory (endpoints, retries, profile). */
export function createSdkInstanceMetricsPort(settings: AwsSettings): InstanceMetricsPort {
  return createInstanceMetricsAdapter(createCloudWatchClient(settings), createEc2Client(settings));
}
