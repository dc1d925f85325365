import { create } from 'zustand';

import { applyJobEvent, type JobEvent, type JobSnapshot } from '../../../shared/domain/job';
import type { AppError } from '../../../shared/ipc/result';
import { api } from '../bridge/api-ref';

/** Lines of log kept per job: enough for a tail, bounded so a chatty job cannot eat memory. */
export const LOG_LINES_KEPT = 200;

/** One log line of a job as the renderer keeps it. */
export interface JobLogLine {
  seq: number;
  stream: 'stdout' | 'stderr' | 'info';
  line: string;
}

interface JobsStore {
  /** Snapshots by id; `order` keeps main's order (oldest first) plus jobs started since. */
  jobs: Record<string, JobSnapshot>;
  order: string[];
  logs: Record<string, JobLogLine[]>;
  loaded: boolean;
  error: AppError | undefined;
  /** Per job: why the last cancel request failed. */
  cancelErrors: Record<string, AppError>;
  loadJobs(): Promise<void>;
  applyEvent(event: JobEvent): void;
  cancelJob(jobId: string): Promise<void>;
  /** Drops every job: main restarted and they ended with it (the bridge reloads the list). */
  forgetAll(): void;
}

/**
 * Jobs: a snapshot from `jobs.list`, then every newer `jobs.event` folded in with the
 * shared `applyJobEvent` (which drops seq <= lastSeq, so replays and races are harmless).
 */
export const useJobs = create<JobsStore>()((set, get) => ({
  jobs: {},
  order: [],
  logs: {},
  loaded: false,
  error: undefined,
  cancelErrors: {},

  loadJobs: async () => {
    const result = await api().invoke('jobs.list', {});
    if (!result.ok) return set({ error: result.error });
    // Events may have arrived while the list was in flight: keep whichever copy is newer.
    const { jobs: local, order: localOrder } = get();
    const jobs: Record<string, JobSnapshot> = {};
    for (const remote of result.value) {
      const mine = local[remote.jobId];
      jobs[remote.jobId] = mine && mine.lastSeq > remote.lastSeq ? mine : remote;
    }
    const order = result.value.map((job) => job.jobId);
    for (const id of localOrder) {
      const startedSince = local[id];
      if (jobs[id] || !startedSince) continue;
      jobs[id] = startedSince;
      order.push(id);
    }
    set({ jobs, order, loaded: true, error: undefined });
  },

  applyEvent: (event) => {
    const { jobs, order, logs } = get();
    const before = jobs[event.jobId];
    const after = applyJobEvent(before, event);
    if (!after || after === before) return;
    const next: Partial<JobsStore> = { jobs: { ...jobs, [event.jobId]: after } };
    if (!before) next.order = [...order, event.jobId];
    if (event.type === 'log') {
      const lines = [...(logs[event.jobId] ?? []), { seq: event.seq, stream: event.stream, line: event.line }];
      next.logs = { ...logs, [event.jobId]: lines.slice(-LOG_LINES_KEPT) };
    }
    set(next);
  },

  cancelJob: async (jobId) => {
    const result = await api().invoke('jobs.cancel', { jobId });
    const { [jobId]: _previous, ...rest } = get().cancelErrors;
    set({ cancelErrors: result.ok ? rest : { ...rest, [jobId]: result.error } });
  },

  forgetAll: () => set({ jobs: {}, order: [], logs: {}, loaded: false, error: undefined, cancelErrors: {} }),
}));
