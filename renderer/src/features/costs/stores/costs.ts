import { create } from 'zustand';

import type { ScanResult } from '../../../../../shared/domain/cost';
import type { JobEvent } from '../../../../../shared/domain/job';
import type { DeletionEvent, DeletionState, KillAllResult } from '../../../../../shared/domain/kill-all';
import type { AppError, Result } from '../../../../../shared/ipc/result';
import { api } from '../../../bridge/api-ref';
import type { KillScope } from '../view/kill-scope';

/** Where one resource is in the running (or last) kill-all. */
export interface DeletionStatus {
  state: DeletionState;
  reason?: string;
}

/** What the user confirmed in the dialog. */
export interface KillAllChoice {
  resourceIds: string[];
  includeUntracked: boolean;
  confirmation?: string;
}

interface CostsStore {
  scan: ScanResult | undefined;
  scanning: boolean;
  /** Regions answered of all, while a scan runs (from `costs.scanProgress`). */
  scanProgress: { done: number; total: number } | undefined;
  scanError: AppError | undefined;
  /** The kill-all job this window started (its snapshot lives in the jobs store). */
  killJobId: string | undefined;
  /** The resources of that kill-all, as confirmed, for the progress list. */
  killTargets: string[];
  /** What that deletion was asked to do (the kill-all, a run's teardown, rows), for its card's words. */
  killScope: KillScope;
  deletions: Record<string, DeletionStatus>;
  killError: AppError | undefined;
  killResult: KillAllResult | undefined;
  runScan(): Promise<void>;
  /** Deletes what the user confirmed; `scope` says what it was asked as (the kill-all button by default). */
  startKillAll(choice: KillAllChoice, scope?: KillScope): Promise<boolean>;
  /** "Tear down run": main's teardown of one run by its tags (`costs.teardownRun`), shown as the kill-all's progress. */
  startTeardownRun(runId: string, resourceIds: string[]): Promise<boolean>;
  /** Asks main to show the untracked-deletion phrase outside the window (dialog or host terminal). */
  requestUntrackedPhrase(resourceIds: string[]): Promise<Result<{ count: number; shownIn: string }>>;
  applyDeletion(event: DeletionEvent): void;
  applyScanProgress(progress: { done: number; total: number }): void;
  applyJobEvent(event: JobEvent): void;
  dismissKill(): void;
  /** Main restarted: a kill-all still running ended with it, so its progress is dropped (the scan stays). */
  forgetKill(): void;
}

// Deletion events that came before the kill-all's job id did (main starts deleting before its
// answer reaches the page): kept while a kill is starting, replayed once the id is known.
let early: DeletionEvent[] = [];
let earlyJob: JobEvent[] = [];

/**
 * The cost panel: the last all-region scan and the kill-all this window started. Per-resource
 * progress comes from `costs.deletion`, the verified end from the job's `succeeded` result.
 */
export const useCosts = create<CostsStore>()((set, get) => {
  const started = (jobId: string) => {
    set({ killJobId: jobId });
    const replay = early.filter((event) => event.jobId === jobId);
    const replayJob = earlyJob.filter((event) => event.jobId === jobId);
    early = [];
    earlyJob = [];
    for (const event of replay) get().applyDeletion(event);
    for (const event of replayJob) get().applyJobEvent(event);
  };
  return {
    scan: undefined,
    scanning: false,
    scanProgress: undefined,
    scanError: undefined,
    killJobId: undefined,
    killTargets: [],
    killScope: { kind: 'kill-all' },
    deletions: {},
    killError: undefined,
    killResult: undefined,

    runScan: async () => {
      if (get().scanning) return;
      set({ scanning: true, scanError: undefined, scanProgress: undefined });
      const result = await api().invoke('costs.scan', {});
      set(
        result.ok
          ? { scan: result.value, scanning: false, scanProgress: undefined }
          : { scanError: result.error, scanning: false, scanProgress: undefined },
      );
    },

    requestUntrackedPhrase: (resourceIds) => api().invoke('costs.untrackedPhrase', { resourceIds }),

    startKillAll: async (choice, scope = { kind: 'kill-all' }) => {
      set({
        killError: undefined,
        killResult: undefined,
        deletions: {},
        killTargets: choice.resourceIds,
        killScope: scope,
      });
      const result = await api().invoke('costs.killAll', {
        resourceIds: choice.resourceIds,
        includeUntracked: choice.includeUntracked,
        ...(choice.confirmation ? { confirmation: choice.confirmation } : {}),
        // A row's Delete stops only its own run; "Kill all" every live EC2 run (main decides which).
        scope: scope.kind === 'rows' ? 'rows' : 'kill-all',
      });
      if (!result.ok) {
        set({ killError: result.error, killTargets: [] });
        return false;
      }
      started(result.value.jobId);
      return true;
    },

    startTeardownRun: async (runId, resourceIds) => {
      set({
        killError: undefined,
        killResult: undefined,
        deletions: {},
        killTargets: resourceIds,
        killScope: { kind: 'run', runId },
      });
      const result = await api().invoke('costs.teardownRun', { runId });
      if (!result.ok) {
        set({ killError: result.error, killTargets: [] });
        return false;
      }
      started(result.value.jobId);
      return true;
    },

    applyDeletion: (event) => {
      if (!get().killJobId && get().killTargets.length > 0) early.push(event);
      if (event.jobId !== get().killJobId) return;
      const status: DeletionStatus = event.reason
        ? { state: event.state, reason: event.reason }
        : { state: event.state };
      set({ deletions: { ...get().deletions, [event.resourceId]: status } });
    },

    // A scan started by another window (or the tray) reports too: shown only while this one scans.
    applyScanProgress: (progress) => {
      if (get().scanning) set({ scanProgress: progress });
    },

    applyJobEvent: (event) => {
      if (!get().killJobId && get().killTargets.length > 0) earlyJob.push(event);
      if (event.jobId !== get().killJobId || event.type !== 'succeeded') return;
      const result = event.result as KillAllResult | undefined;
      if (result) set({ killResult: result, scan: result.rescan });
    },

    dismissKill: () =>
      set({ killJobId: undefined, killTargets: [], deletions: {}, killResult: undefined, killError: undefined }),

    forgetKill: () => {
      if (get().killJobId && !get().killResult) get().dismissKill();
    },
  };
});
