import { beforeEach, describe, expect, it } from 'vitest';

import type { JobEvent, JobSnapshot } from '../../../shared/domain/job';
import { ok } from '../../../shared/ipc/result';
import { setApi } from '../bridge/api-ref';
import { LOG_LINES_KEPT, useJobs } from './jobs';

const AT = '2025-01-01T00:00:00.000Z';
const snapshot = (jobId: string, lastSeq: number, extra: Partial<JobSnapshot> = {}): JobSnapshot => ({
  jobId,
  kind: 'sync.push',
  title: `Job ${jobId}`,
  state: 'running',
  lastSeq,
  startedAt: AT,
  ...extra,
});

/** Answers jobs.list with `list`; every other command succeeds with an empty object. */
function serve(list: JobSnapshot[]): void {
  setApi({
    invoke: (command) => Promise.resolve(command === 'jobs.list' ? ok(list) : ok({ cancelled: true })) as never,
    subscribe: () => () => {},
  });
}

const event = (e: Omit<JobEvent, 'at'> & Record<string, unknown>) => ({ at: AT, ...e }) as JobEvent;

beforeEach(() => {
  useJobs.setState({ jobs: {}, order: [], logs: {}, loaded: false, error: undefined, cancelErrors: {} });
});

describe('jobs store', () => {
  it('loads the snapshot, then applies only newer events', async () => {
    serve([snapshot('a', 5, { step: 'old' })]);
    await useJobs.getState().loadJobs();
    useJobs.getState().applyEvent(event({ jobId: 'a', seq: 5, type: 'step', step: 'replayed' }));
    expect(useJobs.getState().jobs.a?.step).toBe('old');
    useJobs.getState().applyEvent(event({ jobId: 'a', seq: 6, type: 'step', step: 'new' }));
    expect(useJobs.getState().jobs.a).toMatchObject({ step: 'new', lastSeq: 6 });
  });

  it('keeps events that arrived while the list was in flight', async () => {
    useJobs.getState().applyEvent(event({ jobId: 'a', seq: 1, type: 'started', kind: 'scan', title: 'Scan' }));
    useJobs.getState().applyEvent(event({ jobId: 'a', seq: 2, type: 'succeeded' }));
    useJobs.getState().applyEvent(event({ jobId: 'b', seq: 1, type: 'started', kind: 'scan', title: 'Later' }));
    serve([snapshot('a', 1)]);
    await useJobs.getState().loadJobs();
    const { jobs, order } = useJobs.getState();
    expect(jobs.a?.state).toBe('succeeded');
    expect(order).toEqual(['a', 'b']);
  });

  it('after main restarted, forgets the jobs that ended with it instead of showing them running forever', async () => {
    useJobs
      .getState()
      .applyEvent(event({ jobId: 'old', seq: 1, type: 'started', kind: 'scan', title: 'Died with the host' }));
    useJobs.getState().applyEvent(event({ jobId: 'old', seq: 2, type: 'log', stream: 'info', line: 'working' }));
    useJobs.getState().forgetAll();
    expect(useJobs.getState()).toMatchObject({ jobs: {}, order: [], logs: {}, loaded: false });
    serve([snapshot('new', 1)]);
    await useJobs.getState().loadJobs();
    expect(useJobs.getState().order).toEqual(['new']);
  });

  it('keeps a bounded log tail per job', () => {
    useJobs.getState().applyEvent(event({ jobId: 'a', seq: 1, type: 'started', kind: 'k', title: 't' }));
    for (let seq = 2; seq < LOG_LINES_KEPT + 12; seq++) {
      useJobs.getState().applyEvent(event({ jobId: 'a', seq, type: 'log', stream: 'stdout', line: `line ${seq}` }));
    }
    const lines = useJobs.getState().logs.a ?? [];
    expect(lines).toHaveLength(LOG_LINES_KEPT);
    expect(lines.at(-1)?.line).toBe(`line ${LOG_LINES_KEPT + 11}`);
  });

  it('ignores events of a job it never saw start', () => {
    useJobs.getState().applyEvent(event({ jobId: 'ghost', seq: 3, type: 'step', step: 'x' }));
    expect(useJobs.getState().order).toEqual([]);
  });
});
