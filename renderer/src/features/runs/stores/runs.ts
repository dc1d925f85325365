import { create } from 'zustand';

import type { JobEvent } from '../../../../../shared/domain/job';
import type { KillAllResult } from '../../../../../shared/domain/kill-all';
import { applyRunEvent, emptyRunSnapshot, type RunEvent, type RunSnapshot } from '../../../../../shared/domain/run';
import type { AppError } from '../../../../../shared/ipc/result';
import { api } from '../../../bridge/api-ref';

interface RunsStore {
  runs: Record<string, RunSnapshot>;
  loaded: boolean;
  error: AppError | undefined;
  /** The run the page shows; by default the newest running one. */
  selected: string | undefined;
  actionError: AppError | undefined;
  /** "Tear down now" per run: its job (progress in the jobs store), its verified result or why it did not start. */
  teardowns: Record<string, { jobId?: string; result?: KillAllResult; error?: AppError }>;
  /** "Retry with the same settings" per failed run: on its way, or why it did not start. */
  retries: Record<string, { busy: boolean; error: AppError | undefined }>;
  loadRuns(): Promise<void>;
  applyEvent(event: RunEvent): void;
  select(runId: string | undefined): void;
  cancel(runId: string): Promise<void>;
  /** Starts a new run with the settings `runId` was started with (main's record, its trust gate); shows the new run. */
  retry(runId: string): Promise<void>;
  teardownNow(runId: string): Promise<void>;
  dismissTeardown(runId: string): void;
  applyJobEvent(event: JobEvent): void;
  /**
   * Main restarted: drops the runs (reloaded from its journal, whose seqs may be lower than
   * ours) and the teardowns still waiting on a job that ended with it.
   */
  forgetAll(): void;
}

/** Runs of the pipeline: a snapshot from `runs.list`, then `runs.event` folded in by seq. */
export const useRuns = create<RunsStore>()((set, get) => ({
  runs: {},
  loaded: false,
  error: undefined,
  selected: undefined,
  actionError: undefined,
  teardowns: {},
  retries: {},

  loadRuns: async () => {
    const result = await api().invoke('runs.list', {});
    if (!result.ok) return set({ error: result.error, loaded: true });
    const local = get().runs;
    const runs: Record<string, RunSnapshot> = { ...local };
    for (const remote of result.value) {
      const mine = local[remote.runId];
      runs[remote.runId] = mine && mine.lastSeq > remote.lastSeq ? mine : remote;
    }
    set({ runs, loaded: true, error: undefined });
  },

  applyEvent: (event) => {
    const before =
      get().runs[event.runId] ??
      (event.type === 'started' ? emptyRunSnapshot(event.runId, event.name, event.backend, event.at) : undefined);
    if (!before) {
      void get().loadRuns();
      return;
    }
    const after = applyRunEvent(before, event);
    if (after !== before || !get().runs[event.runId]) set({ runs: { ...get().runs, [event.runId]: after } });
  },

  select: (runId) => set({ selected: runId, actionError: undefined }),

  cancel: async (runId) => {
    const result = await api().invoke('runs.cancel', { runId });
    set({ actionError: result.ok ? undefined : result.error });
  },

  retry: async (runId) => {
    set({ retries: { ...get().retries, [runId]: { busy: true, error: undefined } } });
    const result = await api().invoke('runs.retry', { runId });
    set({ retries: { ...get().retries, [runId]: { busy: false, error: result.ok ? undefined : result.error } } });
    // The new run's `started` event may come before or after this answer: select it by id either way.
    if (result.ok) get().select(result.value.runId);
  },

  teardownNow: async (runId) => {
    set({ teardowns: { ...get().teardowns, [runId]: {} } });
    const result = await api().invoke('costs.teardownRun', { runId });
    set({
      teardowns: { ...get().teardowns, [runId]: result.ok ? { jobId: result.value.jobId } : { error: result.error } },
    });
  },

  dismissTeardown: (runId) => {
    const { [runId]: _done, ...rest } = get().teardowns;
    set({ teardowns: rest });
  },

  applyJobEvent: (event) => {
    if (event.type !== 'succeeded') return;
    const entry = Object.entries(get().teardowns).find(([, t]) => t.jobId === event.jobId);
    if (entry) {
      set({ teardowns: { ...get().teardowns, [entry[0]]: { ...entry[1], result: event.result as KillAllResult } } });
    }
  },

  forgetAll: () =>
    set({
      runs: {},
      loaded: false,
      teardowns: Object.fromEntries(Object.entries(get().teardowns).filter(([, t]) => t.result || t.error)),
    }),
}));

/** Runs newest first. */
export function runsNewestFirst(runs: Record<string, RunSnapshot>): RunSnapshot[] {
  return Object.values(runs).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The shown run: the one picked in History, else the newest running one, else the newest. */
export function useShownRunId(): string | undefined {
  return useRuns((s) => {
    if (s.selected && s.runs[s.selected]) return s.selected;
    const all = runsNewestFirst(s.runs);
    return (all.find((r) => r.state === 'running') ?? all[0])?.runId;
  });
}
