import type { CloudHealth } from '../../shared/monitor/health';
import type { InstanceMetric, InstanceMetricsPort } from '../aws/ports/metrics-port';
import type { Clock } from '../core/clock';
import type { RunMonitor } from './run-monitor';

/** Series name and unit per metric; byte sums become B/s. */
const SERIES: Record<InstanceMetric, { name: string; unit: string; perSecond: boolean }> = {
  CPUUtilization: { name: 'cw.cpu', unit: '%', perSecond: false },
  NetworkIn: { name: 'cw.net.in', unit: 'B/s', perSecond: true },
  NetworkOut: { name: 'cw.net.out', unit: 'B/s', perSecond: true },
  EBSReadBytes: { name: 'cw.ebs.read', unit: 'B/s', perSecond: true },
  EBSWriteBytes: { name: 'cw.ebs.write', unit: 'B/s', perSecond: true },
  StatusCheckFailed: { name: 'cw.status-check-failed', unit: '', perSecond: false },
};

/** Settings of {@link CloudWatcher}. */
export interface CloudWatcherOptions {
  port: InstanceMetricsPort;
  instanceId: string;
  monitor: RunMonitor;
  clock: Clock;
  /** 60 with detailed monitoring, 300 with basic. */
  periodSeconds?: number;
  /** How far back each poll looks: CloudWatch publishes late, so re-read recent periods. */
  lookbackMs?: number;
}

/**
 * Polls CloudWatch and EC2 for one instance (call `poll` every minute or so). Points already
 * delivered are skipped by time, so overlapping windows add no duplicates.
 */
export class CloudWatcher {
  private readonly lastT = new Map<InstanceMetric, number>();

  constructor(private readonly options: CloudWatcherOptions) {}

  async poll(signal?: AbortSignal): Promise<CloudHealth> {
    const { port, instanceId, monitor, clock } = this.options;
    const period = this.options.periodSeconds ?? 60;
    const end = new Date(clock.now());
    const start = new Date(clock.now() - (this.options.lookbackMs ?? 15 * 60_000));
    const [metrics, status] = await Promise.all([
      port.getInstanceMetrics({ instanceId, start, end, periodSeconds: period }, { signal }),
      port.describeInstance(instanceId, { signal }),
    ]);
    const points: { name: string; unit: string; t: number; v: number }[] = [];
    let statusCheckFailed: boolean | undefined;
    for (const [metric, series] of Object.entries(metrics) as [InstanceMetric, { t: number; v: number }[]][]) {
      const { name, unit, perSecond } = SERIES[metric];
      const after = this.lastT.get(metric) ?? -Infinity;
      for (const p of series) {
        if (p.t <= after) continue;
        points.push({ name, unit, t: p.t, v: perSecond ? p.v / period : p.v });
        this.lastT.set(metric, p.t);
      }
      if (metric === 'StatusCheckFailed' && series.length) statusCheckFailed = (series.at(-1)?.v ?? 0) > 0;
    }
    const cloud: CloudHealth = { instanceState: status?.state ?? 'gone' };
    if (statusCheckFailed !== undefined) cloud.statusCheckFailed = statusCheckFailed;
    monitor.addCloud(cloud, points);
    return cloud;
  }
}
