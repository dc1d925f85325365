import { describe, expect, it } from 'vitest';

import type { JobEvent } from '../../shared/domain/job';
import { EventBus } from './event-bus';
import { JobRunner } from './jobs';
import { silentLogger } from './logger';

function setup() {
  const bus = new EventBus();
  const events: JobEvent[] = [];
  bus.on('jobs.event', (event) => events.push(event));
  return { jobs: new JobRunner(bus, silentLogger), events };
}

describe('JobRunner', () => {
  it('returns the job id at once and reports started → step → progress → succeeded with growing seq', async () => {
    const { jobs, events } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { jobId, done } = jobs.start({ kind: 'demo', title: 'Demo', timeoutMs: 5_000 }, async (job) => {
      job.step('working');
      job.progress({ done: 1, total: 2, unit: 'files' });
      await gate;
      return { files: 2 };
    });
    expect(jobs.list()).toMatchObject([{ jobId, state: 'running', step: 'working' }]);
    release();
    const final = await done;
    expect(final).toMatchObject({ state: 'succeeded', result: { files: 2 } });
    expect(events.map((e) => e.type)).toEqual(['started', 'step', 'progress', 'succeeded']);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('reports a failure with the typed error', async () => {
    const { jobs } = setup();
    const { done } = jobs.start({ kind: 'demo', title: 'Demo', timeoutMs: 5_000 }, async () => {
      throw new Error('disk full');
    });
    expect(await done).toMatchObject({
      state: 'failed',
      error: { code: 'INTERNAL', message: expect.stringContaining('disk full') },
    });
  });

  it('cancels through the job signal, even when the work ignores it', async () => {
    const { jobs } = setup();
    const { jobId, done } = jobs.start({ kind: 'demo', title: 'Demo', timeoutMs: 5_000 }, () => new Promise(() => {}));
    expect(jobs.cancel(jobId)).toBe(true);
    expect(await done).toMatchObject({ state: 'cancelled' });
    expect(jobs.cancel(jobId)).toBe(false);
  });

  it('stops a job at its time limit with TIMEOUT', async () => {
    const { jobs } = setup();
    const { done } = jobs.start({ kind: 'demo', title: 'Slow', timeoutMs: 20 }, () => new Promise(() => {}));
    expect(await done).toMatchObject({
      state: 'failed',
      error: { code: 'TIMEOUT', message: expect.stringContaining('Slow') },
    });
  });

  it('says false when cancelling an unknown job', () => {
    expect(setup().jobs.cancel('nope')).toBe(false);
  });
});
