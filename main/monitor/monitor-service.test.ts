import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { AppNotification } from '../../shared/domain/notification';
import type { MonitorDelta, MonitorSnapshot } from '../../shared/monitor/view';
import type { InstanceMetricsPort } from '../aws/ports/metrics-port';
import { FakeClock } from '../aws/testing/fake-clock';
import { EventBus } from '../core/event-bus';
import { createLogger } from '../core/logger';
import { NotificationService } from '../core/notifications';
import { createRouter } from '../core/router';
import { localHost } from '../host/local-host';
import { monitorHandlers } from './monitor-handlers';
import { MonitorNotifier } from './monitor-notifier';
import { MonitorService } from './monitor-service';
import { ManualTimers } from './testing/manual-timers';
import { parked, until } from './testing/parked-sleep';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup() {
  dir = mkdtempSync(join(tmpdir(), 'traindeck-monitor-svc-'));
  mkdirSync(join(dir, 'logs'));
  const clock = new FakeClock(Date.parse('2026-11-24T10:00:00Z'));
  const timers = new ManualTimers(clock);
  const bus = new EventBus();
  const deltas: MonitorDelta[] = [];
  const notes: AppNotification[] = [];
  bus.on('monitor.delta', (d) => deltas.push(d));
  bus.on('app.notification', (n) => notes.push(n));
  const log = createLogger({ level: 'error' });
  const service = new MonitorService({
    bus,
    clock,
    log,
    timers,
    sleep: parked,
    notifier: new MonitorNotifier(new NotificationService(bus, clock)),
  });
  const router = createRouter(monitorHandlers(service) as never, { isTrusted: () => true, log });
  const paths = {
    dataDir: dir,
    trainLog: join(dir, 'logs/train.log'),
    metricsJsonl: join(dir, 'logs/metrics.jsonl'),
    executorJsonl: join(dir, 'logs/executor.jsonl'),
  };
  return { clock, timers, deltas, notes, service, router, paths, bus };
}

describe('MonitorService through the router', () => {
  it('unknown run → NOT_FOUND with a fix; bad request → INVALID_REQUEST', async () => {
    const { router, service } = setup();
    const sender = { transport: 'in-process' } as const;
    expect(await router.handle('monitor.snapshot', { runId: 'nope' }, sender)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await router.handle('monitor.snapshot', { runId: '../x', points: 1 }, sender)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await router.handle('monitor.list', {}, sender)).toEqual({ ok: true, value: [] });
    service.stopAll();
  });

  it('watch → snapshot with health, progress and log; deltas on the bus; a finished training notifies', async () => {
    const { router, service, timers, deltas, notes, paths, bus } = setup();
    writeFileSync(paths.trainLog, ' 40/100 [00:10<00:15, 4.00it/s, loss=0.25]\n');
    writeFileSync(paths.executorJsonl, '{"seq":1,"at":"2026-11-24T10:00:00Z","phase":"training","status":"started"}\n');
    service.watch({
      runId: 'run-1',
      shell: localHost(),
      paths,
      burn: { instanceType: 'g5.xlarge', volumes: [], startedAt: Date.parse('2026-11-24T09:00:00Z') },
    });
    await until(() => timers.pending > 0 && service.snapshot('run-1').cost !== undefined);
    timers.advance(100);
    expect(deltas.length).toBeGreaterThan(0);
    const result = await router.handle('monitor.snapshot', { runId: 'run-1', points: 50 }, { transport: 'in-process' });
    const snap = (result as { ok: true; value: MonitorSnapshot }).value;
    expect(snap.progress).toMatchObject({
      step: 40,
      totalSteps: 100,
      metrics: { loss: 0.25 },
      phase: { phase: 'training' },
    });
    expect(snap.log.lines).toEqual([' 40/100 [00:10<00:15, 4.00it/s, loss=0.25]']);
    expect(snap.health?.memory).toBeDefined();
    expect(snap.cost?.hourlyUsd).toBeCloseTo(1.006);
    expect(snap.seq).toBe(deltas.at(-1)?.seq);
    // The pipeline's events reach the notifier through the bus, the duration from the training phase's start.
    bus.emit('runs.event', {
      type: 'started',
      runId: 'run-1',
      seq: 1,
      at: '2026-11-24T10:00:00.000Z',
      name: 'demo',
      backend: 'ssh-host',
    });
    bus.emit('runs.event', {
      type: 'phase',
      runId: 'run-1',
      seq: 5,
      at: '2026-11-24T10:10:00.000Z',
      phase: 'training',
      status: 'running',
    });
    bus.emit('runs.event', {
      type: 'phase',
      runId: 'run-1',
      seq: 9,
      at: '2026-11-24T11:30:00.000Z',
      phase: 'training',
      status: 'succeeded',
      detail: { exitCode: 0 },
    });
    bus.emit('runs.event', {
      type: 'phase',
      runId: 'run-1',
      seq: 10,
      at: '2026-11-24T11:31:00.000Z',
      phase: 'training',
      status: 'succeeded',
      detail: { exitCode: 0 },
    });
    expect(notes.map((n) => `${n.title}: ${n.body}`)).toEqual([
      'Training finished: Run run-1 succeeded (exit code 0) after 1 h 20 min.',
    ]);
    service.stopAll();
  });

  it('finish reads the lines written after the last round (the final step), then stops; snapshots stay for the page', async () => {
    const { service, timers, paths } = setup();
    writeFileSync(paths.trainLog, ' 40/100 [00:10<00:15, 4.00it/s, loss=0.25]\n');
    service.watch({ runId: 'run-2', shell: localHost(), paths });
    await until(() => timers.pending > 0 && service.snapshot('run-2').progress.step === 40);
    // Training ends between two samples: its last lines land after the round above.
    writeFileSync(
      paths.trainLog,
      ' 40/100 [00:10<00:15, 4.00it/s, loss=0.25]\n100/100 [00:25<00:00, 4.00it/s, loss=0.05]\n',
    );
    await service.finish('run-2');
    const snap = service.snapshot('run-2');
    expect(snap.progress).toMatchObject({ step: 100, metrics: { loss: 0.05 } });
    expect(snap.log.lines).toHaveLength(2);
    expect(service.list()).toHaveLength(1);
    await service.finish('unknown-run');
    service.stopAll();
  });

  it('finish during the first round still ends (the loop never sleeps on a spent signal)', async () => {
    const { service, paths } = setup();
    writeFileSync(paths.trainLog, '1/10 [00:01<00:09, 1.00it/s, loss=0.9]\n');
    service.watch({ runId: 'run-3', shell: localHost(), paths });
    await service.finish('run-3', 5_000);
    expect(service.snapshot('run-3').progress.step).toBe(1);
  });

  it("finish is bounded as a whole: a shell that never answers and ignores its signal cannot hold the run's end", async () => {
    const { service, paths } = setup();
    let calls = 0;
    const hung = { exec: () => (calls++, new Promise<never>(() => {})) };
    service.watch({ runId: 'hung-1', shell: hung, paths });
    await until(() => calls > 0);
    const started = Date.now();
    await service.finish('hung-1', 200);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Stopped, and the run stays listed for the page.
    expect(service.list().map((r) => r.runId)).toEqual(['hung-1']);
    expect(calls).toBe(1);
  });

  it('progress reads where training stands without flushing a delta (a snapshot does); unknown run → undefined', async () => {
    const { service, deltas, paths } = setup();
    writeFileSync(paths.trainLog, ' 40/100 [00:10<00:15, 4.00it/s, loss=0.25]\n');
    service.watch({ runId: 'run-4', shell: localHost(), paths });
    await until(() => service.progress('run-4')?.step === 40);
    expect(service.progress('run-4')).toMatchObject({ step: 40, totalSteps: 100, metrics: { loss: 0.25 } });
    expect(deltas).toHaveLength(0);
    service.snapshot('run-4');
    expect(deltas).toHaveLength(1);
    expect(service.progress('nope')).toBeUndefined();
    service.stopAll();
  });

  it('spot run: the IMDS notice read over the run shell → alert, delta and one "Spot instance interrupted" notification', async () => {
    const { service, timers, deltas, notes, paths } = setup();
    const shell = {
      exec: async (command: string) =>
        command.includes('spot/instance-action')
          ? { stdout: '{"action":"terminate","time":"2026-11-24T10:02:00Z"}\n200', stderr: '', code: 0 }
          : { stdout: '', stderr: '', code: 1 },
    };
    service.watch({ runId: 'spot-1', shell, paths, checkSpot: true });
    await until(() => notes.length > 0);
    timers.advance(100);
    expect(notes.map((n) => n.title)).toEqual(['Spot instance interrupted']);
    expect(deltas.at(-1)?.alerts?.map((a) => a.kind)).toEqual(['spot-interruption']);
    expect(service.snapshot('spot-1').cloud?.spotInterruption).toEqual({
      action: 'terminate',
      time: '2026-11-24T10:02:00Z',
    });
    service.stopAll();
  });

  it('attachAws: burn rate, spot check and CloudWatch/EC2 polling join a running watch', async () => {
    const { service, paths, clock } = setup();
    service.watch({ runId: 'aws-1', shell: localHost(), paths });
    const port: InstanceMetricsPort = {
      getInstanceMetrics: async () => ({
        CPUUtilization: [{ t: clock.now() - 60_000, v: 97 }],
        NetworkIn: [],
        NetworkOut: [],
        EBSReadBytes: [],
        EBSWriteBytes: [],
        StatusCheckFailed: [{ t: clock.now() - 60_000, v: 0 }],
      }),
      describeInstance: async () => ({ state: 'running', instanceType: 'g5.xlarge', spot: true }),
    };
    expect(
      service.attachAws('nope', { burn: { instanceType: 'g5.xlarge', volumes: [], startedAt: 0 }, spot: true }),
    ).toBe(false);
    expect(
      service.attachAws('aws-1', {
        burn: { instanceType: 'g5.xlarge', volumes: [{ volumeType: 'gp3', sizeGb: 100 }], startedAt: clock.now() },
        spot: true,
        cloud: { port, instanceId: 'i-0abc' },
      }),
    ).toBe(true);
    await until(() => service.snapshot('aws-1').cloud?.instanceState === 'running');
    expect(service.snapshot('aws-1').series.find((x) => x.name === 'cw.cpu')?.v).toEqual([97]);
    expect(service.snapshot('aws-1').cost?.hourlyUsd).toBeCloseTo(1.006 + (0.08 * 100) / 730);
    service.stopAll();
  });
});
