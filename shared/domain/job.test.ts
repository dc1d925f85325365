import { describe, expect, it } from 'vitest';

import { applyJobEvent, type JobEvent, type JobSnapshot } from './job';

const at = '2026-01-01T00:00:00.000Z';
const started: JobEvent = { jobId: 'j1', seq: 1, at, type: 'started', kind: 'sync.push', title: 'Push models' };

describe('applyJobEvent', () => {
  it('builds a snapshot from started, step, progress and the terminal event', () => {
    let snapshot: JobSnapshot | undefined = applyJobEvent(undefined, started);
    snapshot = applyJobEvent(snapshot, { jobId: 'j1', seq: 2, at, type: 'step', step: 'uploading' });
    snapshot = applyJobEvent(snapshot, {
      jobId: 'j1',
      seq: 3,
      at,
      type: 'progress',
      progress: { done: 3, total: 10, unit: 'files' },
    });
    snapshot = applyJobEvent(snapshot, {
      jobId: 'j1',
      seq: 4,
      at: '2026-01-01T00:00:05.000Z',
      type: 'succeeded',
      result: { files: 10 },
    });
    expect(snapshot).toMatchObject({
      state: 'succeeded',
      step: 'uploading',
      lastSeq: 4,
      progress: { done: 3 },
      result: { files: 10 },
      endedAt: '2026-01-01T00:00:05.000Z',
    });
  });

  it('ignores events at or below the snapshot seq, so replays after a reconnect are harmless', () => {
    const snapshot = applyJobEvent(applyJobEvent(undefined, started), {
      jobId: 'j1',
      seq: 2,
      at,
      type: 'step',
      step: 'second',
    });
    const replayed = applyJobEvent(snapshot, { jobId: 'j1', seq: 2, at, type: 'step', step: 'replayed' });
    expect(replayed).toBe(snapshot);
  });

  it('ignores events of a job it has no snapshot for, except started', () => {
    expect(applyJobEvent(undefined, { jobId: 'j9', seq: 5, at, type: 'step', step: 'x' })).toBeUndefined();
  });

  it('records the error of a failed job', () => {
    const failed = applyJobEvent(applyJobEvent(undefined, started), {
      jobId: 'j1',
      seq: 2,
      at,
      type: 'failed',
      error: { code: 'AWS', message: 'Denied.' },
    });
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'AWS' } });
  });
});
