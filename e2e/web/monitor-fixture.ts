import { ProgressTracker } from '../../main/monitor/progress-tracker';
import type { RunSnapshot } from '../../shared/domain/run';
import { RUN_PHASES } from '../../shared/domain/run';
import type { SyncFolderStatus } from '../../shared/domain/run-sync';
import { parseLogLine } from '../../shared/monitor/log-patterns';
import type { TrainingProgress } from '../../shared/monitor/progress';
import type { MonitorSnapshot, SeriesView } from '../../shared/monitor/view';

/**
 * A run in its training phase and its monitor snapshot, shaped exactly as the contract's
 * `runs.list` and `monitor.snapshot` answer: the monitor page is tested against these frames.
 */
export const RUN_ID = 'resnet50-20261124-093012-a1b2';
// Relative to now: the page measures the running phase against the wall clock, so a fixed
// start would make the durations in the report grow with the day the test runs.
const START = Math.floor(Date.now() / 1000) * 1000 - 3.2 * 3_600_000;
const NOW = START + 3.2 * 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The finished pull: the datasets moved and verified, checkpoints of a previous run resumed, the rest empty. */
export const PULLED: SyncFolderStatus[] = [
  {
    folder: 'cached_datasets',
    policy: 'pull-only',
    filesDone: 128,
    filesTotal: 128,
    bytesDone: 15_300_000_000,
    bytesTotal: 15_300_000_000,
    bytesPerSecond: 212_000_000,
    state: 'done',
    failures: 0,
    verified: { ok: true, checked: 128, mismatches: 0 },
  },
  {
    folder: 'logs',
    policy: 'local-wins',
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    bytesPerSecond: 0,
    state: 'done',
    failures: 0,
  },
  {
    folder: 'models',
    policy: 'local-wins',
    filesDone: 0,
    filesTotal: 0,
    bytesDone: 0,
    bytesTotal: 0,
    bytesPerSecond: 0,
    state: 'done',
    failures: 0,
  },
  {
    folder: 'checkpoints',
    policy: 'newest-wins',
    filesDone: 2,
    filesTotal: 2,
    bytesDone: 1_840_000_000,
    bytesTotal: 1_840_000_000,
    bytesPerSecond: 181_000_000,
    state: 'done',
    failures: 0,
  },
];

export function runSnapshot(): RunSnapshot {
  const done = RUN_PHASES.indexOf('training');
  const phases = Object.fromEntries(
    RUN_PHASES.map((phase, index) => [
      phase,
      index < done
        ? { status: 'succeeded', startedAt: iso(START + index * 60_000), endedAt: iso(START + (index + 1) * 60_000) }
        : index === done
          ? { status: 'running', startedAt: iso(START + index * 60_000) }
          : { status: 'pending' },
    ]),
  ) as RunSnapshot['phases'];
  return {
    runId: RUN_ID,
    name: 'resnet50-baseline',
    backend: 'aws-ec2',
    host: 'ubuntu@34.243.17.102:22',
    state: 'running',
    phases,
    lastSeq: 40,
    startedAt: iso(START),
    logTail: [],
    sync: { pull: PULLED },
  };
}

const wave = (n: number, base: number, amp: number, noise: number) =>
  Array.from({ length: n }, (_, i) => Math.max(0, base + amp * Math.sin(i / 9) + noise * Math.sin(i * 7.3)));

function series(name: string, unit: string, v: number[]): SeriesView {
  return { name, unit, t: v.map((_, i) => NOW - (v.length - i) * 5_000), v };
}

/** Training log lines as a PyTorch script prints them. */
export function logLines(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return `2026-11-24 10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} epoch ${1 + Math.floor(n / 1300)}/10 step ${n} loss=${(2.3 * Math.exp(-n / 2000) + 0.2).toFixed(4)} lr=3.0e-04`;
  });
}

/** The monitor of {@link runSnapshot}'s run: `n` samples 5 s apart (240: the last 20 minutes). */
export function monitorSnapshot(n = 240): MonitorSnapshot {
  return {
    runId: RUN_ID,
    seq: 10,
    at: NOW,
    series: [
      series('cpu', '%', wave(n, 38, 12, 4)),
      series('memory', 'B', wave(n, 9.6e9, 0.4e9, 0.1e9)),
      series(
        'disk',
        'B',
        wave(n, 61e9, 0, 0).map((v, i) => v + i * 2e7),
      ),
      series('net.rx', 'B/s', wave(n, 18e6, 9e6, 3e6)),
      series('net.tx', 'B/s', wave(n, 2e6, 1e6, 0.5e6)),
      series('gpu0.util', '%', wave(n, 91, 5, 3)),
      series('gpu0.mem', 'MiB', wave(n, 18_400, 300, 50)),
      series('gpu0.temp', '°C', wave(n, 71, 3, 1)),
      series(
        'metric.loss',
        '',
        Array.from({ length: n }, (_, i) => 2.3 * Math.exp(-i / 60) + 0.25),
      ),
    ],
    progress: {
      step: 5200,
      totalSteps: 13000,
      epoch: 4,
      totalEpochs: 10,
      metrics: { loss: 0.4123, lr: 0.0003 },
      itPerSec: 3.21,
      etaSeconds: 2430,
      fraction: 0.4,
      source: 'metrics',
      // The tqdm bar between its closes, as the executor carries its \r redraws (train-live.json).
      liveBar: {
        text: 'Epoch 5/10:  42%|████▏     | 528/1300 [02:44<04:00,  3.21it/s, loss=0.412]',
        at: NOW,
        open: true,
      },
    },
    health: {
      at: NOW,
      cpuPct: 41,
      gpus: [
        {
          index: 0,
          name: 'NVIDIA A10G',
          utilizationPct: 93,
          memoryUsedMiB: 18_420,
          memoryTotalMiB: 23_028,
          temperatureC: 72,
          powerW: 201,
        },
      ],
    },
    cost: {
      hourlyUsd: 1.0274,
      instanceHourlyUsd: 1.011,
      ebsHourlyUsd: 0.0164,
      soFarUsd: 3.29,
      projectedUsd: 3.98,
      pricesAsOf: '2025-06-15',
    },
    log: { first: 0, lines: logLines(5_000) },
    alerts: [],
  };
}

/**
 * The progress main sends after a minute of metrics.jsonl steps at `itPerSec` up to `step` and the
 * tqdm bar's latest redraw, computed by main's own progress model (not written by hand: a delta
 * replaces the whole progress, and a hand-made one showed "Epoch —" beside a bar saying "Epoch 5/10").
 */
export function trainingProgress(step: number, bar: string, itPerSec = 3.3): TrainingProgress {
  const tracker = new ProgressTracker();
  const at = Date.now();
  for (let ago = 60; ago >= 0; ago -= 5) {
    tracker.apply({ step: Math.round(step - ago * itPerSec), metrics: { loss: 0.41 } }, at - ago * 1000, 'metrics');
  }
  const update = parseLogLine(bar);
  if (update) tracker.apply(update, at);
  tracker.setLiveBar({ text: bar, at, open: true });
  return tracker.snapshot();
}
