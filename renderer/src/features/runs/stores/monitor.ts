import { create } from 'zustand';

import type { AppError } from '../../../../../shared/ipc/result';
import { applyMonitorFields, type MonitorFields } from '../../../../../shared/monitor/apply-delta';
import type { MonitorDelta, MonitorSnapshot } from '../../../../../shared/monitor/view';
import { api } from '../../../bridge/api-ref';
import { LogBuffer } from '../log/log-buffer';
import { useRuns } from './runs';

/** Log lines the page keeps for the shown run. */
const LOG_LINES = 100_000;

/** A monitor snapshot as the page holds it: the log in an append-only buffer, not an array copied per delta. */
export interface MonitorView extends MonitorFields {
  log: LogBuffer;
}

function toView({ log, ...fields }: MonitorSnapshot): MonitorView {
  return { ...fields, log: LogBuffer.of(log, LOG_LINES) };
}

interface MonitorStore {
  runId: string | undefined;
  snapshot: MonitorView | undefined;
  loading: boolean;
  error: AppError | undefined;
  /** Loads the monitor snapshot of a run (and forgets the previous run's). */
  watch(runId: string | undefined): Promise<void>;
  applyDelta(delta: MonitorDelta): void;
  /** Main restarted: its monitor seqs started over, so the old snapshot would ignore every new delta. Keeps `runId` to watch again. */
  forgetSnapshot(): void;
}

/** The shown run's monitor: one snapshot, then `monitor.delta` folded in; a gap reloads the snapshot. */
export const useMonitor = create<MonitorStore>()((set, get) => ({
  runId: undefined,
  snapshot: undefined,
  loading: false,
  error: undefined,

  watch: async (runId) => {
    set({
      runId,
      loading: Boolean(runId),
      error: undefined,
      ...(runId !== get().runId ? { snapshot: undefined } : {}),
    });
    if (!runId) return;
    const result = await api().invoke('monitor.snapshot', { runId, points: 500 });
    if (result.ok) useRuns.getState().noteCost(runId, result.value.cost);
    if (get().runId !== runId) return;
    // NOT_FOUND: the monitor starts with training; its first delta loads the snapshot (below).
    set(
      result.ok
        ? { snapshot: toView(result.value), loading: false }
        : { error: result.error.code === 'NOT_FOUND' ? undefined : result.error, loading: false },
    );
  },

  applyDelta: (delta) => {
    const { snapshot, runId } = get();
    if (delta.runId !== runId) return;
    const applied = snapshot ? applyMonitorFields(snapshot, delta, { points: 500 }) : undefined;
    if (!snapshot || !applied || applied.reload) {
      // One snapshot request at a time, and none after one failed (its error stays shown until the next
      // watch: another run, or a reconnect): deltas arrive 10 times a second, each would start another heavy load.
      if (!get().loading && !get().error) void get().watch(runId);
      return;
    }
    if (applied.snapshot !== snapshot) {
      set({ snapshot: delta.log ? { ...applied.snapshot, log: snapshot.log.append(delta.log) } : applied.snapshot });
    }
  },

  forgetSnapshot: () => set({ snapshot: undefined, error: undefined }),
}));
