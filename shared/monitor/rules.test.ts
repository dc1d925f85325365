import { describe, expect, it } from 'vitest';

import { computeBurn } from './burn';
import { fillEtaSeconds } from './fill-eta';
import { lttbIndices } from './lttb';
import { parseExecutorLine, parseMetricsRecord } from './metrics-record';
import { DEFAULT_STALL_RULE, isIdle } from './stall';

describe('metrics.jsonl and executor.jsonl records', () => {
  it('any numeric field is a metric; step/epoch/totals are progress; one nesting level is flattened', () => {
    expect(
      parseMetricsRecord(
        '{"step": 120, "max_steps": 1000, "epoch": 2, "loss": 0.31, "lr": 3e-4, "eval": {"acc": 0.9}, "tag": "x"}',
      ),
    ).toEqual({
      step: 120,
      totalSteps: 1000,
      epoch: 2,
      metrics: { loss: 0.31, lr: 3e-4, 'eval/acc': 0.9 },
    });
  });

  it('non-JSON, arrays, truncated JSON → undefined', () => {
    for (const bad of ['', 'loss=1', '[1,2]', '{"loss": 0.', 'null', '{"loss": "NaN"}']) {
      expect(parseMetricsRecord(bad)).toBeUndefined();
    }
  });

  it('executor lines are read leniently', () => {
    expect(
      parseExecutorLine('{"phase":"training","status":"succeeded","at":"2026-11-24T10:00:00Z","exitCode":0}'),
    ).toEqual({
      phase: 'training',
      status: 'succeeded',
      at: Date.parse('2026-11-24T10:00:00Z'),
      exitCode: 0,
    });
    expect(parseExecutorLine('{"event":"pushing","time":1700000000}')).toEqual({
      phase: 'pushing',
      at: 1_700_000_000_000,
    });
    expect(parseExecutorLine('{"no":"phase"}')).toBeUndefined();
  });
});

describe('largest-triangle-three-buckets', () => {
  it('keeps first, last and the spike of a 17,280-point series reduced to 300', () => {
    const n = 17_280;
    const t = Array.from({ length: n }, (_, i) => i * 5000);
    const v = t.map((_, i) => (i === 9_001 ? 100 : 10 + Math.sin(i / 50)));
    const picked = lttbIndices(t, v, 300);
    expect(picked).toHaveLength(300);
    expect(picked[0]).toBe(0);
    expect(picked.at(-1)).toBe(n - 1);
    expect(picked).toContain(9_001);
    expect([...picked].sort((a, b) => a - b)).toEqual(picked);
  });

  it('returns everything when there are fewer points than asked', () => {
    expect(lttbIndices([1, 2], [3, 4], 300)).toEqual([0, 1]);
  });
});

describe('burn rate, disk fill ETA, idleness', () => {
  it('g5.xlarge + 200 GB gp3 for 2 h, ETA 1 h', () => {
    const burn = computeBurn({
      instanceType: 'g5.xlarge',
      volumes: [{ volumeType: 'gp3', sizeGb: 200 }],
      startedAt: 0,
      now: 7_200_000,
      etaSeconds: 3600,
    });
    const ebs = (0.08 * 200) / 730;
    expect(burn.instanceHourlyUsd).toBe(1.006);
    expect(burn.ebsHourlyUsd).toBeCloseTo(ebs, 10);
    expect(burn.soFarUsd).toBeCloseTo(2 * (1.006 + ebs), 10);
    expect(burn.projectedUsd).toBeCloseTo(3 * (1.006 + ebs), 10);
    expect(burn.pricesAsOf).toMatch(/^\d{4}-/);
  });

  it('an unpriced instance type gives null, never 0', () => {
    const burn = computeBurn({ instanceType: 'x9.mega', volumes: [], startedAt: 0, now: 1 });
    expect(burn.hourlyUsd).toBeNull();
    expect(burn.soFarUsd).toBeNull();
  });

  it('fill ETA from the slope: 1 GB/min with 10 GB left → 600 s; flat → none', () => {
    const GB = 1e9;
    const points = [0, 1, 2, 3].map((m) => ({ at: m * 60_000, usedBytes: (50 + m) * GB }));
    expect(fillEtaSeconds(points, 63 * GB)).toBeCloseTo(600, 5);
    expect(
      fillEtaSeconds(
        points.map((p) => ({ ...p, usedBytes: GB })),
        2 * GB,
      ),
    ).toBeUndefined();
    expect(fillEtaSeconds(points.slice(0, 1), GB)).toBeUndefined();
  });

  it('GPUs decide idleness when present, else the CPU; unknown is never idle', () => {
    expect(isIdle({ cpuPct: 90, gpus: [{ utilizationPct: 1 }, { utilizationPct: 2 }] }, DEFAULT_STALL_RULE)).toBe(true);
    expect(isIdle({ cpuPct: 1, gpus: [{ utilizationPct: 1 }, { utilizationPct: 80 }] }, DEFAULT_STALL_RULE)).toBe(
      false,
    );
    expect(isIdle({ cpuPct: 3 }, DEFAULT_STALL_RULE)).toBe(true);
    expect(isIdle({}, DEFAULT_STALL_RULE)).toBe(false);
  });
});
