import { getEventListeners } from 'node:events';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { MonitorNotice } from '../../shared/monitor/notices';
import type { MonitorDelta } from '../../shared/monitor/view';
import { FakeClock } from '../aws/testing/fake-clock';
import { createLogger } from '../core/logger';
import { localHost } from '../host/local-host';
import { RunMonitor } from './run-monitor';
import { RunWatcher } from './run-watcher';
import { ManualTimers } from './testing/manual-timers';

function setup() {
  const clock = new FakeClock(Date.parse('2026-11-24T10:00:00Z'));
  const timers = new ManualTimers(clock);
  const deltas: MonitorDelta[] = [];
  const notices: MonitorNotice[] = [];
  const monitor = new RunMonitor({
    runId: 'r1',
    clock,
    timers,
    onDelta: (d) => deltas.push(d),
    onNotice: (n) => notices.push(n),
  });
  return { clock, timers, deltas, notices, monitor };
}

describe('RunMonitor', () => {
  it('coalesces 1,000 lines in one second into at most 10 deltas, losing no line', () => {
    const { timers, deltas, monitor } = setup();
    for (let ms = 0; ms < 1000; ms++) {
      monitor.addTrainLines([`step=${ms} loss=${1 / (ms + 1)}`]);
      timers.advance(1);
    }
    timers.advance(200);
    expect(deltas.length).toBeLessThanOrEqual(11);
    const lines = deltas.flatMap((d) => d.log?.lines ?? []);
    expect(lines).toHaveLength(1000);
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i + 1));
    expect(deltas.at(-1)?.progress?.step).toBe(999);
  });

  it('never shows URL credentials a training prints (the window is untrusted)', () => {
    const { timers, deltas, monitor } = setup();
    monitor.addTrainLines(['pushing to https://user:hf_SECRET2@huggingface.co/acme/model step=3']);
    timers.advance(200);
    const shown = JSON.stringify([deltas, monitor.snapshot(100)]);
    expect(shown).toContain('https://***@huggingface.co/acme/model');
    expect(shown).not.toContain('hf_SECRET2');
  });

  it('a snapshot carries everything and never swallows what other subscribers await; the next delta has seq + 1', () => {
    const { timers, deltas, monitor } = setup();
    monitor.addTrainLines(['epoch 1/2', ' 10/100 [00:01<00:09, 10it/s, loss=0.5]']);
    monitor.addMetricsLines(['{"step": 10, "accuracy": 0.7}', 'not json']);
    const snap = monitor.snapshot(100);
    expect(snap.log.lines).toHaveLength(2);
    // Pending changes went out as a delta first: another window's subscription loses nothing.
    expect(deltas.at(-1)).toMatchObject({
      seq: snap.seq,
      log: { first: 0, lines: ['epoch 1/2', ' 10/100 [00:01<00:09, 10it/s, loss=0.5]'] },
    });
    expect(snap.progress).toMatchObject({ epoch: 1, totalEpochs: 2, step: 10, metrics: { loss: 0.5, accuracy: 0.7 } });
    expect(snap.series.map((s) => s.name).sort()).toEqual(['metric.accuracy', 'metric.loss']);
    monitor.addTrainLines(['after']);
    timers.advance(150);
    expect(deltas.at(-1)).toMatchObject({ seq: snap.seq + 1, log: { first: 2, lines: ['after'] } });
    expect(deltas.at(-1)?.points).toBeUndefined();
  });

  it('stall: 10 quiet minutes of idle GPUs → one alert and one notice', () => {
    const { clock, timers, notices, monitor } = setup();
    monitor.addTrainLines(['started']);
    for (let i = 0; i <= 150; i++) {
      monitor.addHealth({
        at: clock.now(),
        cpuPct: 40,
        gpus: [
          {
            index: 0,
            name: 'A10G',
            utilizationPct: 0,
            memoryUsedMiB: 1,
            memoryTotalMiB: 2,
            temperatureC: 30,
            powerW: 20,
          },
        ],
      });
      timers.advance(5000);
    }
    expect(notices).toEqual([{ kind: 'stall', runId: 'r1', quietMs: 600_000, gpu: true }]);
    expect(monitor.snapshot(10).alerts.map((a) => a.kind)).toEqual(['stall']);
  });

  it('spot interruption from IMDS → alert and notice once; GPU failure → alert once', () => {
    const { notices, monitor } = setup();
    const notice = { action: 'terminate', time: '2026-11-24T10:02:00Z' };
    monitor.addCloud({ spotInterruption: notice });
    monitor.addCloud({ spotInterruption: notice });
    monitor.addHealth({ at: 1, gpuError: 'GPU metrics unavailable: driver' });
    monitor.addHealth({ at: 2, gpuError: 'GPU metrics unavailable: driver' });
    expect(notices).toEqual([{ kind: 'spot-interruption', runId: 'r1', ...notice }]);
    expect(monitor.snapshot(10).alerts.map((a) => a.kind)).toEqual(['spot-interruption', 'gpu-unavailable']);
  });
});

describe('RunWatcher on a local "instance" with a training script writing tqdm lines and metrics.jsonl', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'traindeck-watch-'));
    mkdirSync(join(dir, 'logs'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('follows the logs, the executor phase, health and cost; survives a truncated log and garbage', async () => {
    const shell = localHost();
    const script = join(dir, 'train.sh');
    writeFileSync(
      script,
      `#!/bin/sh\ncd "$(dirname "$0")"\nfor i in 1 2 3 4 5; do\n  printf '%s  %d%%|█| %d/5 [00:0%d<00:00, 1.00it/s, loss=0.%d]\\r' "$(date -u +%Y-%m-%dT%H:%M:%S.000Z)" $((i*20)) $i $i $((9-i)) >> logs/train.log\n  echo "{\\"step\\": $i, \\"loss\\": 0.$((9-i)), \\"lr\\": 0.001}" >> logs/metrics.jsonl\ndone\necho '{"seq":1,"at":"2026-11-24T10:00:00Z","phase":"training","status":"started"}' >> logs/executor.jsonl\nprintf '\\377\\376 garbage\\n' >> logs/train.log\n`,
    );
    await shell.exec(`sh ${script}`, { timeoutMs: 5000 });
    const { clock, timers, monitor } = setup();
    const controller = new AbortController();
    const paths = {
      dataDir: dir,
      trainLog: join(dir, 'logs/train.log'),
      metricsJsonl: join(dir, 'logs/metrics.jsonl'),
      executorJsonl: join(dir, 'logs/executor.jsonl'),
    };
    const burn = {
      instanceType: 'g5.xlarge',
      volumes: [{ volumeType: 'gp3', sizeGb: 100 }],
      startedAt: clock.now() - 3_600_000,
    };
    const watcher = new RunWatcher({
      monitor,
      shell,
      paths,
      clock,
      log: createLogger({ level: 'error' }),
      sleep: clock.sleep,
      burn,
    });
    const run = (ticks: number) => watcher.run(controller.signal, ticks);
    await run(1);
    timers.advance(200);
    const snap = monitor.snapshot(100);
    expect(snap.progress).toMatchObject({
      step: 5,
      metrics: { loss: 0.4, lr: 0.001 },
      phase: { phase: 'training', status: 'started' },
    });
    expect(snap.log.lines).toHaveLength(6);
    expect(snap.health?.memory).toBeDefined();
    expect(snap.cost?.soFarUsd).toBeGreaterThan(1);
    writeFileSync(paths.trainLog, 'fresh 1\n');
    appendFileSync(paths.trainLog, 'step=6 loss=0.3\n');
    await run(1);
    expect(monitor.snapshot(100).log.lines.slice(-2)).toEqual(['fresh 1', 'step=6 loss=0.3']);
    expect(monitor.snapshot(100).alerts.map((a) => a.kind)).toContain('log-rotated');
  });

  it('a long watch leaves no listeners on its signal, even with a shell that never removes its own', async () => {
    const { clock, monitor } = setup();
    const leaky = {
      exec: async (_command: string, options: { signal?: AbortSignal | undefined }) => (
        options.signal?.addEventListener('abort', () => {}),
        { stdout: '', stderr: '', code: 1 }
      ),
    };
    const paths = { dataDir: dir, trainLog: 'x', metricsJsonl: 'y', executorJsonl: 'z' };
    const watcher = new RunWatcher({
      monitor,
      shell: leaky,
      paths,
      clock,
      log: createLogger({ level: 'error' }),
      sleep: clock.sleep,
    });
    const controller = new AbortController();
    await watcher.run(controller.signal, 200);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
