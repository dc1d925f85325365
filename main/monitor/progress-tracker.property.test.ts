import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { ProgressUpdate, TrainingProgress } from '../../shared/monitor/progress';
import { ProgressTracker, type UpdateOrigin } from './progress-tracker';

// Invariants of the progress model, whatever the sources say and in whatever order their lines meet:
// total progress never goes back, ETA and rate are finite and never negative, and with a known true
// pace the rate is that pace (the mix of a global metrics step and a per-epoch bar gave 3–30×).

interface Event {
  at: number;
  origin: UpdateOrigin;
  update: ProgressUpdate;
}

// Plain checks (not expect) inside the loops: thousands of snapshots per run stay cheap.
function checkSnapshot(s: TrainingProgress, previous: number) {
  const fail = (what: string) => {
    throw new Error(`${what}: ${JSON.stringify(s)} (fraction before: ${previous})`);
  };
  if (s.etaSeconds !== undefined && !(Number.isFinite(s.etaSeconds) && s.etaSeconds >= 0)) fail('ETA not ≥ 0');
  if (s.itPerSec !== undefined && !(Number.isFinite(s.itPerSec) && s.itPerSec > 0)) fail('rate not > 0');
  const fraction = s.fraction ?? 0;
  if (fraction < previous || fraction > 1) fail('progress went back or past 1');
  return fraction;
}

/** A training at `rate` steps/s: metrics.jsonl with a global step every `every` steps, a per-epoch bar. */
function training(p: { epochs: number; steps: number; rate: number; every: number; drawn: boolean[]; label: boolean }) {
  const metrics: Event[] = [];
  const log: Event[] = [];
  const t0 = Date.parse('2026-12-05T10:00:00Z');
  let global = 0;
  for (let epoch = 1; epoch <= p.epochs; epoch++) {
    const at = t0 + (global * 1000) / p.rate;
    if (!p.label) log.push({ at, origin: 'log', update: { epoch, totalEpochs: p.epochs } });
    for (let n = 1; n <= p.steps; n++) {
      global++;
      const at = t0 + (global * 1000) / p.rate;
      // The bar's redraws are throttled (some steps never drawn); its last state always is.
      if (n === p.steps || p.drawn[global % p.drawn.length]) {
        log.push({
          at,
          origin: 'log',
          update: { step: n, totalSteps: p.steps, ...(p.label ? { epoch, totalEpochs: p.epochs } : {}) },
        });
      }
      if (global % p.every === 0) metrics.push({ at, origin: 'metrics', update: { step: global, epoch } });
    }
  }
  return { metrics, log, t0, total: global };
}

const trainingArb = fc.record({
  epochs: fc.integer({ min: 1, max: 4 }),
  steps: fc.integer({ min: 20, max: 200 }),
  rate: fc.double({ min: 2, max: 200, noNaN: true }),
  every: fc.integer({ min: 1, max: 25 }),
  drawn: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
  label: fc.boolean(),
});

describe('ProgressTracker properties', () => {
  it('metrics step + per-epoch bar in any interleaving: monotonic progress, the true rate, ETA ≥ 0, done = 1', () => {
    fc.assert(
      fc.property(trainingArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }), (p, picks) => {
        const { metrics, log, t0, total } = training(p);
        const tracker = new ProgressTracker();
        let fraction = 0;
        let i = 0;
        while (metrics.length || log.length) {
          // Any merge of the two files' lines, each file in its own order.
          const fromMetrics = metrics.length > 0 && (log.length === 0 || (picks[i++ % picks.length] ?? true));
          const event = (fromMetrics ? metrics : log).shift()!;
          tracker.apply(event.update, event.at, event.origin);
          const s = tracker.snapshot();
          fraction = checkSnapshot(s, fraction);
          // Past the first 20 s of a source's own time, its rate is the true one (within rounding of throttled draws).
          if (event.at - t0 > 20_000 && s.itPerSec !== undefined && Math.abs(s.itPerSec - p.rate) / p.rate >= 0.15) {
            throw new Error(`rate ${s.itPerSec} it/s, true ${p.rate}`);
          }
        }
        const end = tracker.snapshot();
        expect(end.fraction).toBe(1);
        expect(end.etaSeconds).toBe(0);
        // The step shown is the chosen source's: metrics.jsonl written every `every` steps may end short of the total.
        expect(end.step).toBeGreaterThan(total - p.every);
        expect(end.totalSteps).toBe(total);
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('arbitrary updates from any source, times out of order: never negative, never NaN, never backwards', () => {
    const update = fc.record(
      {
        step: fc.integer({ min: 0, max: 5000 }),
        totalSteps: fc.integer({ min: 0, max: 5000 }),
        epoch: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 20, noNaN: true })),
        totalEpochs: fc.integer({ min: 0, max: 20 }),
      },
      { requiredKeys: [] },
    );
    const event = fc.record({
      dt: fc.integer({ min: -30_000, max: 120_000 }),
      origin: fc.constantFrom<UpdateOrigin>('log', 'metrics'),
      update,
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 80 }), (events) => {
        const tracker = new ProgressTracker();
        let at = 1_000_000;
        let fraction = 0;
        for (const e of events) {
          at += e.dt;
          tracker.apply(e.update, at, e.origin);
          fraction = checkSnapshot(tracker.snapshot(), fraction);
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('shrunk counterexamples', () => {
  it('a denormal epoch fraction gives no infinite ETA', () => {
    const p = new ProgressTracker();
    p.apply({ epoch: 5e-324, totalEpochs: 2 }, 0);
    p.apply({ totalEpochs: 1 }, 1);
    expect(p.snapshot().etaSeconds).toBeUndefined();
  });
});

describe('a restarted bar vs a new epoch', () => {
  it('a new epoch: the bar restarts after "Epoch 2/2"; the last redraws of epoch 1 that were throttled away still count', () => {
    const p = new ProgressTracker();
    p.apply({ epoch: 1, totalEpochs: 2 }, 0);
    p.apply({ step: 0, totalSteps: 100 }, 0);
    p.apply({ step: 90, totalSteps: 100 }, 9_000);
    p.apply({ epoch: 2, totalEpochs: 2 }, 10_000);
    p.apply({ step: 10, totalSteps: 100 }, 11_000);
    expect(p.snapshot()).toMatchObject({ step: 110, totalSteps: 200, fraction: 0.55, itPerSec: 10, source: 'log' });
    expect(p.snapshot().etaSeconds).toBeCloseTo(9);
  });

  it('a restarted bar (same epoch, dropped mid-way): the work seen counts, the lost tail does not', () => {
    const p = new ProgressTracker();
    p.apply({ step: 0, totalSteps: 100 }, 0);
    p.apply({ step: 50, totalSteps: 100 }, 5_000);
    p.apply({ step: 5, totalSteps: 100 }, 5_500);
    expect(p.snapshot().itPerSec).toBeCloseTo(55 / 5.5);
    // The fraction does not jump back to 5 %.
    expect(p.snapshot().fraction).toBe(0.5);
  });

  it('a validation bar (shorter) between training bars is not a restart of the training bar', () => {
    const p = new ProgressTracker();
    p.apply({ epoch: 1, totalEpochs: 2 }, 0);
    p.apply({ step: 0, totalSteps: 300 }, 0);
    p.apply({ step: 300, totalSteps: 300 }, 10_000);
    p.apply({ step: 40, totalSteps: 40 }, 12_000);
    p.apply({ epoch: 2, totalEpochs: 2 }, 12_000);
    p.apply({ step: 30, totalSteps: 300 }, 13_000);
    expect(p.snapshot()).toMatchObject({ step: 330, totalSteps: 600 });
  });

  it('the issue: a global step 1500 in metrics.jsonl and the bar at 200/782 are not each other’s restarts', () => {
    const p = new ProgressTracker();
    for (let step = 1400; step <= 1600; step += 10) {
      const at = (step - 1400) * (1000 / 30);
      p.apply({ step, epoch: 2 }, at, 'metrics');
      p.apply({ step: step - 782, totalSteps: 782, epoch: 2, totalEpochs: 3 }, at, 'log');
    }
    expect(p.snapshot().itPerSec).toBeCloseTo(30);
    expect(p.snapshot()).toMatchObject({ source: 'metrics', step: 1600, totalSteps: 2346 });
    expect(p.snapshot().etaSeconds).toBeCloseTo(746 / 30);
  });
});

describe('the live bar beside a global step', () => {
  it('metrics.jsonl step 5210 (no total, no epoch) and the live bar "Epoch 5/10 … 560/1300": epoch 5/10, 13000 steps, an ETA', () => {
    const p = new ProgressTracker();
    for (let i = 0; i <= 30; i++) {
      const at = i * 1000;
      p.apply({ step: 5111 + Math.round(i * 3.3) }, at, 'metrics');
      p.apply({ step: 461 + Math.round(i * 3.3), totalSteps: 1300, epoch: 5, totalEpochs: 10 }, at, 'log');
    }
    const s = p.snapshot();
    expect(s).toMatchObject({ source: 'metrics', epoch: 5, totalEpochs: 10, step: 5210, totalSteps: 13000 });
    expect(s.itPerSec).toBeCloseTo(3.3, 1);
    expect(s.etaSeconds).toBeCloseTo((13000 - 5210) / 3.3, -2);
  });

  it('a bar that names its epoch but not how many ("Epoch 0: 300/300", Lightning) claims no end of the training', () => {
    const p = new ProgressTracker();
    p.apply({ step: 0, totalSteps: 300, epoch: 0 }, 0);
    p.apply({ step: 300, totalSteps: 300, epoch: 0 }, 30_000);
    p.apply({ step: 30, totalSteps: 300, epoch: 1 }, 33_000);
    expect(p.snapshot().fraction).toBeUndefined();
    expect(p.snapshot().etaSeconds).toBeUndefined();
    expect(p.snapshot()).toMatchObject({ step: 330, itPerSec: 10 });
  });

  it('a bare bar that read 100 % and restarts: the length it claimed was wrong, so no "ETA 0 s" while it counts on', () => {
    const p = new ProgressTracker();
    p.apply({ step: 0, totalSteps: 100 }, 0);
    p.apply({ step: 100, totalSteps: 100 }, 10_000);
    expect(p.snapshot().etaSeconds).toBe(0);
    p.apply({ step: 20, totalSteps: 100 }, 12_000);
    expect(p.snapshot().etaSeconds).toBeUndefined();
  });
});
