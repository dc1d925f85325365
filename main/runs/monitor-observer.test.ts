import { describe, expect, it, vi } from 'vitest';

import type { ProgressPattern } from '../../shared/monitor/log-patterns';
import { DEFAULT_STALL_RULE } from '../../shared/monitor/stall';
import { monitoringSchema } from '../../shared/run-config/monitoring-section';
import type { InstanceMetricsPort } from '../aws/ports/metrics-port';
import type { RemoteHost } from '../host/remote-host';
import type { MonitorService } from '../monitor/monitor-service';
import { autoStopOf, monitorObserver } from './monitor-observer';

const paths = {
  dataDir: '/w/data',
  trainLog: '/w/logs/train.log',
  metricsJsonl: '/w/logs/metrics.jsonl',
  executorJsonl: '/w/logs/executor.jsonl',
};
const host = {} as RemoteHost;

function fakeMonitor() {
  return { watch: vi.fn(), attachAws: vi.fn(() => true), setShell: vi.fn(), finish: vi.fn(async () => {}) };
}

describe('monitor observer', () => {
  it('watches health and logs through the run connection, and finishes (a last read) with the run', async () => {
    const monitor = fakeMonitor();
    const observer = monitorObserver(monitor as unknown as MonitorService, () => ({}) as InstanceMetricsPort);
    observer.trainingStarted('r1', host, paths);
    observer.reconnected('r1', host);
    await observer.ended('r1');
    // No monitoring section: the app's default interval and stall rule.
    expect(monitor.watch).toHaveBeenCalledWith({
      runId: 'r1',
      shell: host,
      paths,
      intervalMs: 5000,
      stallRule: DEFAULT_STALL_RULE,
    });
    expect(monitor.attachAws).not.toHaveBeenCalled(); // ssh-host and local runs have no instance to price
    expect(monitor.setShell).toHaveBeenCalledWith('r1', host);
    expect(monitor.finish).toHaveBeenCalledWith('r1');
  });

  it('on EC2 prices the instance and its gp3 volume, checks spot notices, and polls CloudWatch in its region', () => {
    const monitor = fakeMonitor();
    const port = {} as InstanceMetricsPort;
    const factory = vi.fn(() => port);
    const machine = {
      instanceId: 'i-0abc',
      region: 'eu-west-1',
      profile: 'ml',
      instanceType: 'g5.xlarge',
      diskGb: 200,
      spot: true,
      launchedAt: 1_700_000_000_000,
    };
    monitorObserver(monitor as unknown as MonitorService, factory).trainingStarted('r2', host, paths, { aws: machine });
    expect(factory).toHaveBeenCalledWith(machine);
    expect(monitor.attachAws).toHaveBeenCalledWith('r2', {
      burn: {
        instanceType: 'g5.xlarge',
        volumes: [{ volumeType: 'gp3', sizeGb: 200 }],
        startedAt: 1_700_000_000_000,
        hasPublicIp: true,
        // A spot instance with no spot price reader: priced on-demand, said as an upper bound with why.
        market: 'spot',
        spot: { problem: 'This TrainDeck does not read spot prices.' },
      },
      spot: true,
      cloud: { port, instanceId: 'i-0abc' },
    });
  });

  it('a spot instance: its spot price now is read for its region and type and handed to the burn', async () => {
    const monitor = { ...fakeMonitor(), setSpot: vi.fn() };
    const answer = { zones: [{ zone: 'eu-west-1b', usdPerHour: 0.4 }] };
    const spotNow = vi.fn(async () => answer);
    const machine = {
      instanceId: 'i-0abc',
      region: 'eu-west-1',
      instanceType: 'g5.xlarge',
      diskGb: 200,
      spot: true,
      zone: 'eu-west-1b',
      launchedAt: 1_700_000_000_000,
    };
    const earlierAttempts = { usd: 0.8, attempts: 1, upperBound: false };
    monitorObserver(monitor as unknown as MonitorService, () => ({}) as InstanceMetricsPort, undefined, undefined, {
      spotNow,
    }).trainingStarted('r7', host, paths, { aws: machine, earlierAttempts });
    expect(monitor.attachAws).toHaveBeenCalledWith(
      'r7',
      expect.objectContaining({
        burn: expect.objectContaining({ market: 'spot', zone: 'eu-west-1b', earlier: earlierAttempts }),
        readSpot: expect.any(Function),
      }),
    );
    // The monitor reads (and re-reads) the price through it, on the watch's signal.
    const { readSpot } = (
      monitor.attachAws.mock.calls as unknown as Array<
        [string, { readSpot: (signal: AbortSignal) => Promise<unknown> }]
      >
    )[0]![1];
    const signal = new AbortController().signal;
    await expect(readSpot(signal)).resolves.toEqual(answer);
    expect(spotNow).toHaveBeenCalledWith({ region: 'eu-west-1' }, 'g5.xlarge', signal);
  });

  it("passes the run config's sample interval, stall rule and extra progress patterns to the monitor", () => {
    const monitor = fakeMonitor();
    const monitoring = monitoringSchema.parse({
      sampleIntervalSeconds: 15,
      stall: { minutes: 30, gpuIdlePct: 2 },
      progressPatterns: ['iter (?<step>\\d+) of (?<total>\\d+)'],
    });
    monitorObserver(monitor as unknown as MonitorService).trainingStarted('r3', host, paths, { monitoring });
    const request = monitor.watch.mock.calls[0]![0] as {
      intervalMs: number;
      stallRule: unknown;
      parse: { patterns: ProgressPattern[] };
    };
    expect(request.intervalMs).toBe(15_000);
    expect(request.stallRule).toEqual({ windowMs: 30 * 60_000, gpuIdlePct: 2, cpuIdlePct: 10 });
    expect(request.parse.patterns[0]!.match('iter 12 of 100')).toEqual({ step: '12', total: '100' });
    expect(request.parse.patterns.length).toBeGreaterThan(1); // the built-in patterns still apply
  });

  it("a run without a monitoring section is watched with the Settings page's interval and stall rule, read at its start", () => {
    const monitor = fakeMonitor();
    let settings = { sampleIntervalSeconds: 60, stall: { minutes: 25, gpuIdlePct: 3, cpuIdlePct: 20 } };
    const observer = monitorObserver(monitor as unknown as MonitorService, undefined, () => settings);
    observer.trainingStarted('r4', host, paths);
    settings = { sampleIntervalSeconds: 7, stall: { minutes: 2, gpuIdlePct: 1, cpuIdlePct: 1 } };
    observer.trainingStarted('r5', host, paths);
    // A run config's own section still wins over the settings.
    observer.trainingStarted('r6', host, paths, { monitoring: monitoringSchema.parse({ sampleIntervalSeconds: 9 }) });
    const requests = monitor.watch.mock.calls.map((call) => call[0] as { intervalMs: number; stallRule: unknown });
    expect(requests.map((r) => [r.intervalMs, r.stallRule])).toEqual([
      [60_000, { windowMs: 25 * 60_000, gpuIdlePct: 3, cpuIdlePct: 20 }],
      [7_000, { windowMs: 2 * 60_000, gpuIdlePct: 1, cpuIdlePct: 1 }],
      [9_000, { windowMs: 10 * 60_000, gpuIdlePct: 5, cpuIdlePct: 10 }],
    ]);
  });

  it('refuses an invalid progress pattern in the run config', () => {
    expect(monitoringSchema.safeParse({ progressPatterns: ['(unclosed'] }).error?.issues[0]?.message).toMatch(
      /^not a valid regular expression \(missing closing \)/,
    );
    // RE2 cannot run backreferences or lookaround in linear time: refused with the reason, not run slowly.
    expect(monitoringSchema.safeParse({ progressPatterns: ['(a)\\1'] }).error?.issues[0]?.message).toMatch(
      /without backreferences or lookaround/,
    );
  });
});

describe('what the monitor may stop a run for (autoStopOf)', () => {
  const requestStop = () => undefined;

  it('nothing without a budget or a "stop"/"alert" action: the monitor only watches', () => {
    expect(autoStopOf({ graceSeconds: 60, requestStop }, undefined, 5000)).toBeUndefined();
    expect(autoStopOf(undefined, undefined, 5000)).toBeUndefined();
  });

  it('a budget checked with two intervals and a minute of slack, the stall and loss actions as configured', () => {
    const monitoring = monitoringSchema.parse({ stall: { action: 'stop' }, nonFiniteLoss: 'alert' });
    expect(autoStopOf({ maxCostUsd: 25, graceSeconds: 90, requestStop }, monitoring, 5000)).toEqual({
      budget: { maxCostUsd: 25, graceSeconds: 90, checkEverySeconds: 70 },
      stallAction: 'stop',
      lossAction: 'alert',
      requestStop,
    });
  });

  it('the CLI (stopsOnly) watches only a run it may stop, and prices it without CloudWatch or IMDS', () => {
    const monitor = fakeMonitor();
    const factory = vi.fn(() => ({}) as InstanceMetricsPort);
    const observer = monitorObserver(monitor as unknown as MonitorService, factory, undefined, undefined, {
      stopsOnly: true,
    });
    observer.trainingStarted('r1', host, paths, { guard: { graceSeconds: 60, requestStop } });
    expect(monitor.watch).not.toHaveBeenCalled();
    const aws = {
      instanceId: 'i-0abc',
      region: 'eu-west-1',
      instanceType: 'g5.xlarge',
      diskGb: 100,
      spot: true,
      launchedAt: 1_700_000_000_000,
    };
    observer.trainingStarted('r2', host, paths, { aws, guard: { maxCostUsd: 10, graceSeconds: 60, requestStop } });
    expect(monitor.watch).toHaveBeenCalledWith(expect.objectContaining({ runId: 'r2', measurePush: true }));
    expect(factory).not.toHaveBeenCalled();
    expect(monitor.attachAws).toHaveBeenCalledWith('r2', expect.objectContaining({ spot: false }));
    expect((monitor.attachAws.mock.calls[0] as unknown[])[1]).not.toHaveProperty('cloud');
  });
});
