import { describe, expect, it } from 'vitest';

import { FakeClock } from '../aws/testing/fake-clock';
import { ProgressTracker } from './progress-tracker';
import { StallDetector } from './stall-detector';

describe('ProgressTracker', () => {
  it('derives it/s and ETA from the step counter and the total', () => {
    const p = new ProgressTracker();
    p.apply({ step: 0, totalSteps: 1000 }, 0);
    p.apply({ step: 100, totalSteps: 1000, metrics: { loss: 1.2 } }, 20_000);
    const s = p.snapshot();
    expect(s.itPerSec).toBeCloseTo(5);
    expect(s.fraction).toBeCloseTo(0.1);
    expect(s.etaSeconds).toBeCloseTo(180);
    expect(s.metrics).toEqual({ loss: 1.2 });
  });

  it('a bar that restarts each epoch (Keras, Lightning) counts as continued work; epochs give the fraction', () => {
    const p = new ProgressTracker();
    p.apply({ epoch: 1, totalEpochs: 4 }, 0);
    p.apply({ step: 0, totalSteps: 100 }, 0);
    p.apply({ step: 100, totalSteps: 100 }, 10_000);
    p.apply({ epoch: 2, totalEpochs: 4 }, 10_000);
    p.apply({ step: 50, totalSteps: 100 }, 15_000);
    const s = p.snapshot();
    expect(s.itPerSec).toBeCloseTo(10);
    expect(s.fraction).toBeCloseTo(1.5 / 4);
    expect(s.etaSeconds).toBeCloseTo(25);
  });

  it('HF fractional epochs without a total give metrics but no invented ETA', () => {
    const p = new ProgressTracker();
    p.apply({ epoch: 0.16, metrics: { loss: 0.69 } }, 0);
    p.apply({ epoch: 0.32, metrics: { loss: 0.41 } }, 60_000);
    expect(p.snapshot()).toMatchObject({ epoch: 0.32, metrics: { loss: 0.41 } });
    expect(p.snapshot().etaSeconds).toBeUndefined();
  });
});

describe('StallDetector (injected clock)', () => {
  const rule = { windowMs: 10 * 60_000, gpuIdlePct: 5, cpuIdlePct: 10 };

  it('alerts once after 10 quiet minutes of an idle GPU, re-arms on a new line', () => {
    const clock = new FakeClock(0);
    const stall = new StallDetector(clock, rule);
    stall.onLine(0);
    stall.onSample({ at: 0, gpus: [{ utilizationPct: 0 }] });
    clock.advance(9 * 60_000);
    expect(stall.check()).toEqual({ stalled: false });
    clock.advance(60_000);
    expect(stall.check()).toEqual({ stalled: true, quietMs: 600_000, justNow: true });
    clock.advance(60_000);
    expect(stall.check()).toMatchObject({ stalled: true, justNow: false });
    stall.onLine(clock.now());
    expect(stall.check()).toEqual({ stalled: false });
  });

  it('a busy GPU is not a stall even with a silent log (long evaluation without output)', () => {
    const clock = new FakeClock(0);
    const stall = new StallDetector(clock, rule);
    for (let m = 0; m <= 30; m++) {
      stall.onSample({ at: clock.now(), cpuPct: 2, gpus: [{ utilizationPct: 95 }] });
      clock.advance(60_000);
    }
    expect(stall.check().stalled).toBe(false);
  });

  it('CPU-only runs use the CPU threshold; missing metrics never stall', () => {
    const clock = new FakeClock(0);
    const stall = new StallDetector(clock, rule);
    stall.onSample({ at: 0 });
    clock.advance(60 * 60_000);
    expect(stall.check().stalled).toBe(false);
    stall.onSample({ at: clock.now(), cpuPct: 4 });
    clock.advance(10 * 60_000);
    expect(stall.check().stalled).toBe(true);
  });
});
