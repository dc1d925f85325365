import { describe, expect, it } from 'vitest';

import type { ExecutorStatus } from '../../shared/executor/protocol';
import { trainingEndMessage } from './end-message';

const status = (outcome: ExecutorStatus['outcome'], reason?: string): ExecutorStatus => ({
  runId: 'run-1',
  outcome,
  ...(reason ? { reason } : {}),
  timings: {},
  pushed: true,
  manifest: [],
  prefixes: [],
  finishedAt: '2026-12-06T00:00:00.000Z',
});

describe("the machine's own webhook post at the training's end", () => {
  it('names a stop someone asked for, and a spot interruption, as what they are, never as a failure', () => {
    const at = () => Date.parse('2026-12-06T01:02:03.000Z');
    const of = (outcome: ExecutorStatus['outcome'], reason?: string) => {
      const m = trainingEndMessage(status(outcome, reason), at);
      return [m.level, m.title];
    };
    expect(of('succeeded')).toEqual(['success', 'Training finished']);
    // The budget's or the user's stop: the training is SIGTERMed and exits 143; not a failure.
    expect(of('cancelled', 'stopped by request; training exited with code 143')).toEqual([
      'warning',
      'Training stopped',
    ]);
    expect(of('ttl-expired')).toEqual(['warning', 'Training stopped']);
    expect(of('spot-interrupted')).toEqual(['warning', 'Training interrupted']);
    expect(of('failed', 'training exited with code 3')).toEqual(['error', 'Training failed']);
  });

  it('says the outcome and why in the body, and whether the data got to S3', () => {
    const m = trainingEndMessage({ ...status('cancelled', 'stopped by request'), pushed: false }, () => 0);
    expect(m).toEqual({
      level: 'warning',
      title: 'Training stopped',
      body: 'Run run-1 ended on its machine (cancelled: stopped by request); its push did not complete.',
      at: '1970-01-01T00:00:00.000Z',
      runId: 'run-1',
    });
  });
});
