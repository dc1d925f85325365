import { create } from 'zustand';

import type { PushNowReport } from '../../../../../shared/executor/protocol';
import type { AppError } from '../../../../../shared/ipc/result';
import { api } from '../../../bridge/api-ref';

/** One run's "Push checkpoints now": on its way, its last answer, and the newest checkpoint in S3. */
export interface PushNowState {
  busy: boolean;
  /** What the last push that ran moved; cleared when another is asked for (its answer replaces it). */
  report?: PushNowReport | undefined;
  error?: AppError | undefined;
  /** ISO time of the newest checkpoint in S3; null when there is none yet, undefined when not asked. */
  newestAt?: string | null;
}

interface PushNowStore {
  byRun: Record<string, PushNowState>;
  /** Asks main to push the run's checkpoints now (the training goes on). */
  push(runId: string): Promise<void>;
  /** Asks main for the newest checkpoint in S3 (listed by main itself). */
  refresh(runId: string): Promise<void>;
}

/** The push during training, per run: store actions call the API, the panel only renders. */
export const usePushNow = create<PushNowStore>()((set, get) => {
  const patch = (runId: string, change: Partial<PushNowState>) =>
    set({ byRun: { ...get().byRun, [runId]: { busy: false, ...get().byRun[runId], ...change } } });
  return {
    byRun: {},
    push: async (runId) => {
      // The earlier push's result beside this one's refusal would read as this push's.
      patch(runId, { busy: true, error: undefined, report: undefined });
      const result = await api().invoke('runs.pushNow', { runId, folders: ['checkpoints'] });
      if (!result.ok) return patch(runId, { busy: false, error: result.error });
      patch(runId, { busy: false, report: result.value, newestAt: result.value.newestCheckpoint?.at ?? null });
    },
    refresh: async (runId) => {
      const result = await api().invoke('runs.newestCheckpoint', { runId });
      if (result.ok) patch(runId, { newestAt: result.value.newest?.at ?? null });
    },
  };
});
