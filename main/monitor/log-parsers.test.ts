import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { splitTimestamp } from '../../shared/monitor/log-line';
import { compilePatterns, DEFAULT_PROGRESS_PATTERNS, parseLogLine } from '../../shared/monitor/log-patterns';
import type { ProgressUpdate } from '../../shared/monitor/progress';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, 'testing', 'fixtures', name), 'utf8').split('\n');
const parseAll = (name: string) =>
  fixture(name)
    .map((l) => parseLogLine(splitTimestamp(l).text))
    .filter((u): u is ProgressUpdate => u !== undefined);

describe('plain-log progress patterns on real-world samples', () => {
  it('tqdm: step/total from the bar and loss, lr from the postfix; the timestamp is split off', () => {
    const updates = parseAll('tqdm.log');
    expect(updates[0]).toEqual({ step: 0, totalSteps: 100 });
    expect(updates.at(-1)).toEqual({ step: 52, totalSteps: 100, metrics: { loss: 0.377, lr: 1e-4 } });
    expect(splitTimestamp(fixture('tqdm.log')[1] as string).at).toBe(Date.parse('2026-11-24T10:00:01.000Z'));
  });

  it('PyTorch Lightning: epoch from "Epoch N:", batch/total, train/val metrics; v_num and the model table ignored', () => {
    const updates = parseAll('lightning.log');
    expect(updates.at(-1)).toEqual({
      epoch: 1,
      step: 156,
      totalSteps: 1563,
      metrics: { train_loss: 0.401, val_loss: 0.498, val_acc: 0.871 },
    });
    expect(updates.some((u) => u.metrics && 'v_num' in u.metrics)).toBe(false);
  });

  it('Hugging Face Trainer: dict lines give loss, grad_norm, learning_rate and a fractional epoch; the banner is not a metric', () => {
    const updates = parseAll('hf-trainer.log');
    expect(updates).toContainEqual({ step: 500, totalSteps: 9375 });
    const dict = updates.find((u) => u.metrics?.loss === 0.4121);
    expect(dict).toMatchObject({
      epoch: 0.32,
      metrics: { loss: 0.4121, grad_norm: 2.05, learning_rate: 4.466666666666667e-5 },
    });
    expect(updates.find((u) => u.metrics?.eval_loss)).toMatchObject({
      epoch: 1,
      metrics: { eval_loss: 0.3811, eval_accuracy: 0.8712 },
    });
    expect(updates.some((u) => u.metrics && ('examples' in u.metrics || 'device' in u.metrics))).toBe(false);
  });

  it('Keras 2 and 3: "Epoch 3/10", the batch bar and "- loss: …" metrics; "ETA: 2s" is not a metric', () => {
    const updates = parseAll('keras.log');
    expect(updates[0]).toEqual({ epoch: 1, totalEpochs: 10 });
    expect(updates[1]).toEqual({
      step: 1875,
      totalSteps: 1875,
      metrics: { loss: 0.2954, accuracy: 0.9138, val_loss: 0.1425, val_accuracy: 0.957 },
    });
    expect(updates[3]).toEqual({ step: 938, totalSteps: 1875, metrics: { loss: 0.1412, accuracy: 0.9581 } });
    expect(updates.at(-1)).toEqual({ step: 1875, totalSteps: 1875, metrics: { accuracy: 0.9672, loss: 0.1101 } });
  });

  it('simple forms: "epoch 3/10", "step=120", "Step 7/50", "loss: 1.5e-3"', () => {
    expect(parseLogLine('epoch 3/10 step=120 loss: 1.5e-3')).toEqual({
      epoch: 3,
      totalEpochs: 10,
      step: 120,
      metrics: { loss: 0.0015 },
    });
    expect(parseLogLine('Step 7/50')).toEqual({ step: 7, totalSteps: 50 });
  });

  it('garbage, tracebacks, clock times and non-numbers never throw and yield no fake progress', () => {
    const lines = fixture('garbage.log');
    expect(() => lines.map((l) => parseLogLine(l))).not.toThrow();
    expect(lines.map((l) => parseLogLine(l)).filter(Boolean)).toEqual([]);
    expect(parseLogLine('\u0000\uFFFD\uFFFD loss=0.5')).toEqual({ metrics: { loss: 0.5 } });
  });

  it('user patterns with named groups extend the defaults; a bad pattern is reported, not thrown', () => {
    const { patterns, errors } = compilePatterns(['iter (?<step>\\d+) of (?<totalSteps>\\d+)', '(unclosed']);
    expect(errors).toHaveLength(1);
    expect(parseLogLine('iter 40 of 400', { patterns: [...patterns, ...DEFAULT_PROGRESS_PATTERNS] })).toEqual({
      step: 40,
      totalSteps: 400,
    });
  });
});
