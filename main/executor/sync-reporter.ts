import type { RunSyncReport } from '../../shared/domain/run-sync';
import type { SyncFolder } from '../../shared/run-config/schema';
import type { SyncEvent } from '../../shared/sync/events';
import type { SyncDirection } from '../../shared/sync/types';
import { SyncFigures } from './sync-figures';

/** What a pull or push tells about its progress; `end` after the sync, whether it threw or not. */
export interface SyncObserver {
  onEvent(event: SyncEvent): void;
  end(): void;
}

/** Lines of per-folder figures at most this often per direction (executor.jsonl is pushed and journaled). */
export const SYNC_REPORT_INTERVAL_MS = 1_000;

/**
 * True at most once per `intervalMs` (the first call passes): the engine reports progress
 * every 250 ms, far more often than a log line is worth.
 */
export function createThrottle(intervalMs: number, now: () => number = Date.now): () => boolean {
  let last: number | undefined;
  return () => {
    const at = now();
    if (last !== undefined && at - last < intervalMs) return false;
    last = at;
    return true;
  };
}

/**
 * Writes per-folder figures of one direction through `write`, throttled, plus one final line
 * when the sync ends (its summary, an error or a cancel), so the last figures are always exact.
 */
export function syncReporter(direction: SyncDirection, folders: readonly SyncFolder[], write: (report: RunSyncReport) => void, options: { now?: () => number; intervalMs?: number } = {}): SyncObserver {
  const figures = new SyncFigures(direction, folders, options.now);
  const allowed = createThrottle(options.intervalMs ?? SYNC_REPORT_INTERVAL_MS, options.now);
  let finalSent = false;
  const send = () => write({ type: 'sync', direction, folders: figures.snapshot() });
  return {
    onEvent(event) {
      if (finalSent || !figures.take(event)) return;
      if (figures.isEnded) {
        finalSent = true;
        send();
      } else if (allowed()) send();
    },
    end() {
      if (finalSent) return;
      // No summary came: the sync threw (bucket check, plan) or was cut short.
      figures.end(true);
      finalSent = true;
      send();
    },
  };
}
