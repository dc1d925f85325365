import type { CallOptions } from './ec2-types';

/** The EC2 metrics the monitor reads from CloudWatch (namespace AWS/EC2). */
export const INSTANCE_METRICS = [
  'CPUUtilization',
  'NetworkIn',
  'NetworkOut',
  'EBSReadBytes',
  'EBSWriteBytes',
  'StatusCheckFailed',
] as const;
/** One of {@link INSTANCE_METRICS}. */
export type InstanceMetric = (typeof INSTANCE_METRICS)[number];

/** One datapoint: epoch ms and value (Average for CPU, Sum for bytes, Maximum for checks). */
export interface MetricPoint {
  t: number;
  v: number;
}

/** What EC2 says about the watched instance. */
export interface InstanceStatus {
  state: string;
  instanceType?: string;
  /** Launched as a spot instance. */
  spot: boolean;
  /** Epoch ms. */
  launchTime?: number;
}

/**
 * The monitor's narrow view of CloudWatch and EC2 for one region: works when SSH does not.
 * Errors keep the AWS error code as their `name`.
 */
export interface InstanceMetricsPort {
  /**
   * One GetMetricData call (paginated internally) for every {@link INSTANCE_METRICS} of one
   * instance between `start` and `end`; points ascending in time, missing metrics empty.
   */
  getInstanceMetrics(
    input: { instanceId: string; start: Date; end: Date; periodSeconds: number },
    options?: CallOptions,
  ): Promise<Record<InstanceMetric, MetricPoint[]>>;
  /** The instance's state; undefined when EC2 no longer knows it. */
  describeInstance(instanceId: string, options?: CallOptions): Promise<InstanceStatus | undefined>;
}
