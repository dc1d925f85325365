import { describe, expect, it } from 'vitest';

import type { LiveBarRecord } from '../../shared/executor/protocol';
import type { TrainingProgress } from '../../shared/monitor/progress';
import { LIVE_BAR_INTERVAL_MS } from '../executor/live-bar-file';
import { TrainOutput } from '../executor/train-output';
import { RunMonitor } from './run-monitor';
import { loadRecordedRun, type RecordedRun, truthSteps } from './testing/recorded-run';

// Real trainings (PyTorch + tqdm, recorded by testing/fixtures/recorded/record.py) replayed through the
// executor's output handling and the monitor at the monitor's own cadence. The truth is in the recording:
// every redraw says how many steps were done when it was read.
const TICK_MS = 5000;

interface Tick {
  at: number;
  progress: TrainingProgress;
}

/** What the desktop's monitor sees: train.log lines, the live bar file and metrics.jsonl, every 5 s. */
function watch(run: RecordedRun): Tick[] {
  let clock = run.startedAt;
  const monitor = new RunMonitor({ runId: run.name, clock: { now: () => clock }, onDelta: () => undefined });
  const logLines: string[] = [];
  let live: LiveBarRecord | undefined;
  let liveWrittenAt = -Infinity;
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const outputs = Object.fromEntries(
    (['stdout', 'stderr'] as const).map((stream) => [
      stream,
      new TrainOutput(
        {
          line: (text) => logLines.push(`${new Date(clock).toISOString()} ${text}`),
          bar: (text, open) => {
            // LiveBarFile's throttle: at most one state per interval (the latest wins at the next write).
            if (open && clock - liveWrittenAt < LIVE_BAR_INTERVAL_MS) return;
            liveWrittenAt = clock;
            live = { at: new Date(clock).toISOString(), stream, text, open };
          },
        },
        () => clock,
      ),
    ]),
  ) as Record<'stdout' | 'stderr', TrainOutput>;
  const ticks: Tick[] = [];
  let chunk = 0;
  let metric = 0;
  for (let at = run.startedAt + TICK_MS; at <= run.endedAt + TICK_MS; at += TICK_MS) {
    for (; chunk < run.chunks.length && (run.chunks[chunk]?.at ?? Infinity) <= at; chunk++) {
      const c = run.chunks[chunk]!;
      clock = c.at;
      outputs[c.stream].push(decoder[c.stream].decode(c.bytes, { stream: true }));
    }
    clock = at;
    monitor.addTrainLines(logLines.splice(0));
    if (live) monitor.addLiveBar(live);
    const lines: string[] = [];
    for (; metric < run.metrics.length && (run.metrics[metric]?.at ?? Infinity) <= at; metric++) {
      lines.push(run.metrics[metric]!.line);
    }
    monitor.addMetricsLines(lines);
    ticks.push({ at, progress: monitor.progressSnapshot() });
  }
  return ticks;
}

/** The real rate over the minute before `at` (the window the monitor uses), from the recording. */
function truthRate(truth: { at: number; step: number }[], at: number, windowMs = 60_000): number {
  const inWindow = truth.filter((p) => p.at <= at && p.at >= at - windowMs);
  const first = inWindow[0];
  const last = inWindow.at(-1);
  if (!first || !last || last.at === first.at) return NaN;
  return ((last.step - first.step) * 1000) / (last.at - first.at);
}

function check(name: string, options: { totalSteps?: number; rateTolerance?: number }) {
  const run = loadRecordedRun(name);
  const truth = truthSteps(run);
  const ticks = watch(run);
  const duration = run.endedAt - run.startedAt;
  const rates: string[] = [];
  for (const tick of ticks) {
    const elapsed = tick.at - run.startedAt;
    const real = truthRate(truth, tick.at);
    const { itPerSec, etaSeconds } = tick.progress;
    if (etaSeconds !== undefined) expect(etaSeconds).toBeGreaterThanOrEqual(0);
    if (elapsed < 15_000 || elapsed > duration - 5000 || !Number.isFinite(real)) continue;
    rates.push(`${Math.round(elapsed / 1000)}s: ${itPerSec?.toFixed(1)} (real ${real.toFixed(1)})`);
    expect(itPerSec, rates.join('; ')).toBeDefined();
    expect(Math.abs(itPerSec! - real) / real, rates.join('; ')).toBeLessThan(options.rateTolerance ?? 0.2);
    if (options.totalSteps && elapsed >= duration * 0.2 && elapsed <= duration * 0.9) {
      // What a perfect estimator knows at this moment: the steps left at the real current pace.
      const done = truth.filter((p) => p.at <= tick.at).at(-1)?.step ?? 0;
      const left = (options.totalSteps - done) / real;
      expect(etaSeconds, `ETA at ${elapsed} ms`).toBeDefined();
      expect(Math.abs(etaSeconds! - left), `ETA ${etaSeconds} s, real ${left} s at ${elapsed} ms`).toBeLessThan(
        left * 0.2 + TICK_MS / 1000,
      );
    }
  }
  const last = ticks.at(-1)!.progress;
  if (options.totalSteps) expect(last).toMatchObject({ step: options.totalSteps, totalSteps: options.totalSteps });
  expect(last.fraction).toBe(1);
  // Total progress never goes back, tick after tick.
  const fractions = ticks.map((t) => t.progress.fraction ?? 0);
  expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  return { ticks, run };
}

describe('progress from recorded real trainings (rate and ETA against the recording)', () => {
  it('PyTorch: global step in metrics.jsonl + per-epoch tqdm bar "Epoch i/3 … n/300": real it/s, epochs × bar = 900', () => {
    const { ticks } = check('torch-tqdm', { totalSteps: 900 });
    expect(ticks.some((t) => t.progress.source === 'metrics')).toBe(true);
    // The live bar arrives between the bar's closes (before, nothing until the epoch ended).
    expect(ticks.filter((t) => t.progress.liveBar?.open).length).toBeGreaterThan(ticks.length / 2);
  });

  it('PyTorch: what the live bar knows shows before any line of the log does: epoch i of N, the whole length and an ETA', () => {
    const run = loadRecordedRun('torch-tqdm');
    const ticks = watch(run);
    let checked = 0;
    for (const { progress } of ticks) {
      const bar = progress.liveBar?.open ? /Epoch (\d+)\/(\d+)/.exec(progress.liveBar.text) : null;
      if (!bar) continue;
      expect(progress, progress.liveBar?.text).toMatchObject({ epoch: Number(bar[1]), totalEpochs: Number(bar[2]) });
      if (progress.itPerSec === undefined) continue;
      // metrics.jsonl has a global step and no total: the total is the bar's, epochs × bar length.
      expect(progress.totalSteps, progress.liveBar?.text).toBe(900);
      expect(progress.etaSeconds, progress.liveBar?.text).toBeGreaterThan(0);
      checked++;
    }
    // Epoch 1 (its bar not closed yet, so nothing in train.log) is among them.
    expect(ticks.some((t) => t.progress.liveBar?.open && t.progress.liveBar.text.startsWith('Epoch 1/3'))).toBe(true);
    expect(checked).toBeGreaterThan(ticks.length / 2);
  });

  it('HF Trainer format (one global bar over max_steps, log dicts through tqdm.write)', () => {
    check('hf-trainer', { totalSteps: 900 });
  });

  it('Keras 3 format ("Epoch i/3", a per-epoch bar redrawn after backspaces)', () => {
    check('keras', { totalSteps: 900 });
  });

  it('Lightning format ("Epoch N" bars of 300, a validation bar of 40 in between): the training bar counts', () => {
    // No epoch total in Lightning's bar: rate yes, a fraction only at the end is not claimed.
    const run = loadRecordedRun('lightning');
    const truth = truthSteps(run);
    const ticks = watch(run);
    for (const tick of ticks) {
      const elapsed = tick.at - run.startedAt;
      const real = truthRate(truth, tick.at);
      if (elapsed < 15_000 || elapsed > run.endedAt - run.startedAt - 5000 || !Number.isFinite(real)) continue;
      expect(Math.abs(tick.progress.itPerSec! - real) / real).toBeLessThan(0.2);
    }
    expect(ticks.at(-1)!.progress.step).toBe(900);
    // "Epoch 0: 300/300" ended an epoch, not the training: never "100 % done, ETA 0 s" with two epochs to go.
    const early = ticks.filter((t) => t.at < run.endedAt - 10_000);
    expect(early.filter((t) => t.progress.etaSeconds === 0 || t.progress.fraction === 1)).toEqual([]);
  });
});
