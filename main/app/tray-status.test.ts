import { describe, expect, it } from 'vitest';

import type { JobSnapshot } from '../../shared/domain/job';
import { menuChanged, trayStatus } from './tray-status';

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
    expect(trayStatus([])).toEqual({
      icon: 'idle',
      label: 'No run in progress',
      tooltip: 'TrainDeck — No run in progress',
    });
  });

  it('shows the running job in the menu and its step in the tooltip', () => {
    expect(trayStatus([job({ step: 'training' })])).toEqual({
      icon: 'active',
      label: 'Run resnet',
      tooltip: 'TrainDeck — Run resnet — training',
    });
  });

  it('counts several running jobs', () => {
    expect(trayStatus([job({ jobId: 'a' }), job({ jobId: 'b' })])).toMatchObject({
      icon: 'active',
      label: '2 tasks running',
    });
  });

  it('raises the alert icon when the last job failed', () => {
    expect(trayStatus([job({ state: 'succeeded' }), job({ jobId: 'x', state: 'failed', title: 'Teardown' })])).toEqual({
      icon: 'alert',
      label: 'Failed: Teardown',
      tooltip: 'TrainDeck — Failed: Teardown',
    });
  });

  it('rebuilds the menu when a job starts, ends or fails, not when its step text changes', () => {
    const training = trayStatus([job({ step: 'training' })]);
    const pushing = trayStatus([job({ step: 'pushing' })]);
    expect(menuChanged(undefined, training)).toBe(true);
    expect(menuChanged(training, pushing)).toBe(false);
    expect(pushing.tooltip).not.toBe(training.tooltip);
    expect(menuChanged(pushing, trayStatus([job({ state: 'succeeded' })]))).toBe(true);
    expect(menuChanged(pushing, trayStatus([job({ state: 'failed' })]))).toBe(true);
  });
});
