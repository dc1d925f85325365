import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { loadRecordedRun } from '../monitor/testing/recorded-run';
import { LIVE_BAR_INTERVAL_MS, LiveBarFile } from './live-bar-file';
import { startTraining } from './train';
import { BAR_SNAPSHOT_MS, MAX_SEGMENT_CHARS, TrainOutput } from './train-output';

const dir = mkdtempSync(join(tmpdir(), 'traindeck-train-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(now: () => number = () => 0) {
  const lines: string[] = [];
  const bars: { text: string; open: boolean }[] = [];
  const output = new TrainOutput(
    { line: (text) => lines.push(text), bar: (text, open) => bars.push({ text, open }) },
    now,
  );
  return { output, lines, bars };
}

/** Replays a recording's stream through TrainOutput at its own pace. */
function replay(name: string, stream: 'stdout' | 'stderr') {
  const run = loadRecordedRun(name);
  let clock = run.startedAt;
  const { output, lines, bars } = collect(() => clock);
  const decoder = new TextDecoder();
  const liveAt: number[] = [];
  for (const chunk of run.chunks.filter((c) => c.stream === stream)) {
    clock = chunk.at;
    const before = bars.length;
    output.push(decoder.decode(chunk.bytes, { stream: true }));
    if (bars.length > before) liveAt.push(clock);
  }
  output.end();
  return { run, lines, bars, liveAt };
}

describe('TrainOutput: tqdm redraws are live progress, not one glued line', () => {
  it('real PyTorch + tqdm (per-epoch bars): one log line per bar close, live redraws in between', () => {
    const { lines, bars, run } = replay('torch-tqdm', 'stderr');
    const closes = lines.filter((l) => / 300\/300 \[/.test(l));
    expect(closes).toHaveLength(3);
    // The old executor glued every redraw of an epoch into one line (76 in the run).
    for (const line of lines) expect(line.match(/\d+\/300 \[/g)?.length ?? 0).toBeLessThanOrEqual(1);
    const minutes = (run.endedAt - run.startedAt) / 60_000;
    expect(lines.length).toBeLessThanOrEqual(3 + Math.ceil(minutes * (60_000 / BAR_SNAPSHOT_MS)) * 2);
    expect(bars.filter((b) => b.open).length).toBeGreaterThan(100);
    expect(bars.filter((b) => !b.open).map((b) => b.text)).toEqual(closes);
  });

  it('Keras 3 (backspaces, then \\r): bars without the backspaces, one line per epoch', () => {
    const { lines, bars } = replay('keras', 'stdout');
    expect(lines.filter((l) => l.startsWith('Epoch '))).toEqual(['Epoch 1/3', 'Epoch 2/3', 'Epoch 3/3']);
    expect(lines.filter((l) => /^300\/300 /.test(l))).toHaveLength(3);
    expect(bars.some((b) => b.text.includes('\u0008'))).toBe(false);
  });

  it('HF Trainer (tqdm.write clears the bar around each log dict): the dicts and one closing bar', () => {
    const { lines } = replay('hf-trainer', 'stderr');
    expect(lines.filter((l) => / 900\/900 \[/.test(l)).length).toBeGreaterThanOrEqual(1);
    for (const line of lines) expect(line.match(/\d+\/900 \[/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('an open bar is logged at most once per snapshot interval; the end of the stream logs its last state', () => {
    let clock = 0;
    const { output, lines } = collect(() => clock);
    for (let n = 0; n <= 600; n++) {
      clock = n * 1000;
      output.push(`\r${n}/1000 [bar]`);
    }
    expect(lines).toHaveLength(600_000 / BAR_SNAPSHOT_MS);
    output.end();
    expect(lines.at(-1)).toBe('600/1000 [bar]');
  });

  it('\\r\\n is a line end (also split across reads), a lone \\r a redraw, a cleared bar no line', () => {
    const { output, lines, bars } = collect();
    output.push('one\r\ntwo\r');
    output.push('\nbar 1\rbar 2\r      \rafter\n');
    expect(lines).toEqual(['one', 'two', 'after']);
    expect(bars).toEqual([
      { text: 'bar 1', open: true },
      { text: 'bar 2', open: true },
    ]);
  });

  it('a line that never ends is logged in pieces: memory stays bounded', () => {
    const { output, lines } = collect();
    for (let i = 0; i < 40; i++) output.push('x'.repeat(16 * 1024));
    expect(lines.length).toBe(Math.floor((40 * 16 * 1024) / MAX_SEGMENT_CHARS) - 1);
    output.end();
    expect(lines.every((l) => l.length <= MAX_SEGMENT_CHARS)).toBe(true);
    expect(lines.join('').length).toBe(40 * 16 * 1024);
  });

  it('property: whatever the read boundaries, the lines are the same', () => {
    const text = 'start\nEpoch 1/2:  50%| 1/2 [00:01]\rEpoch 1/2: 100%| 2/2 [00:02]\nmid\r\nend';
    const whole = collect();
    whole.output.push(text);
    whole.output.end();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), (cuts) => {
        const sorted = [...new Set(cuts)].sort((a, b) => a - b);
        const split = collect();
        let from = 0;
        for (const cut of [...sorted, text.length]) {
          split.output.push(text.slice(from, cut));
          from = cut;
        }
        split.output.end();
        expect(split.lines).toEqual(whole.lines);
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(whole.lines).toEqual(['start', 'Epoch 1/2: 100%| 2/2 [00:02]', 'mid', 'end']);
  });
});

describe('LiveBarFile: the latest redraw, at most twice a second', () => {
  it('throttles writes, never loses the latest state, writes a close at once', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const path = join(dir, 'live.json');
      const file = new LiveBarFile(path, () => Date.now());
      const read = () => JSON.parse(readFileSync(path, 'utf8')) as { text: string; open: boolean };
      file.update('1/10', true, 'stderr');
      expect(read().text).toBe('1/10');
      for (let n = 2; n <= 5; n++) file.update(`${n}/10`, true, 'stderr');
      expect(read().text).toBe('1/10');
      vi.advanceTimersByTime(LIVE_BAR_INTERVAL_MS);
      expect(read()).toMatchObject({ text: '5/10', open: true });
      file.update('10/10', false, 'stderr');
      expect(read()).toMatchObject({ text: '10/10', open: false });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('startTraining with a real process printing a tqdm-like bar', () => {
  it('train.log gets the closed bar once; train-live.json has its last state', async () => {
    const logFile = join(dir, 'bar.log');
    const liveBarFile = join(dir, 'train-live.json');
    const script = `for i in 1 2 3 4 5; do printf '\\r%s/5 [bar]' $i >&2; sleep 0.05; done; printf '\\n' >&2; echo done`;
    const training = startTraining(script, { cwd: dir, env: process.env, logFile, liveBarFile });
    expect(await training.exited).toEqual({ code: 0, signal: null });
    const log = readFileSync(logFile, 'utf8');
    expect(log.match(/\[stderr\] 5\/5 \[bar\]\n/g)).toHaveLength(1);
    expect(log).not.toMatch(/1\/5/);
    expect(log).toMatch(/Z done\n/);
    expect(JSON.parse(readFileSync(liveBarFile, 'utf8'))).toMatchObject({
      text: '5/5 [bar]',
      open: false,
      stream: 'stderr',
    });
  });
});
