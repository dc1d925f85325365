import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../shared/domain/job';
import { trayStatus } from './tray-status';

const job = (over: Partial<JobSnapshot>): JobSnapshot => ({
  jobId: 'j',
  kind: 'run',
  title: 'Run resnet',
  state: 'running',
  lastSeq: 1,
  startedAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe('tray status', () => {
  it('is idle with no jobs', () => {
    expect(trayStatus([])).toEqual({ icon: 'idle', label: 'No run in progress' });
  });

  it('shows the running job and its step', () => {
    expect(trayStatus([job({ step: 'training' })])).toEqual({ icon: 'active', label: 'Run resnet — training' });
  });

  it('counts several running jobs', () => {
    expect(trayStatus([job({ jobId: 'a' }), job({ jobId: 'b' })])).toEqual({
      icon: 'active',
      label: '2 tasks running',
    });
  });

  it('raises the alert icon when the last job failed', () => {
    expect(trayStatus([job({ state: 'succeeded' }), job({ jobId: 'x', state: 'failed', title: 'Teardown' })])).toEqual({
      icon: 'alert',
      label: 'Failed: Teardown',
    });
  });
});
