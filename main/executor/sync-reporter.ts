import type { RunSyncReport } from '../../shared/domain/run-sync';
import type { SyncFolder } from '../../shared/run-config/schema';
import type { SyncEvent } from '../../shared/sync/events';
import type { SyncDirection } from '../../shared/sync/types';
import { SyncFigures } from './sync-figures';

/**
 * What a pull or push tells about its progress; `end` after the sync, whether it threw or not.
 * `progressIntervalMs` is how often it wants the engine's progress events.
 */
export interface SyncObserver {
  readonly progressIntervalMs: number;
  onEvent(event: SyncEvent): void;
  end(): void;
}

/** Lines of per-folder figures at most this often per direction (executor.jsonl is pushed and journaled). */
export const SYNC_REPORT_INTERVAL_MS = 1_000;

/**
 * Writes per-folder figures of one direction through `write`: a line per engine progress event
 * (the engine sends them at most every `progressIntervalMs`), plus one final line when the sync
 * ends (its summary, an error or a cancel), so the last figures are always exact.
 */
export function syncReporter(
  direction: SyncDirection,
  folders: readonly SyncFolder[],
  write: (report: RunSyncReport) => void,
  options: { now?: () => number; intervalMs?: number } = {},
): SyncObserver {
  const figures = new SyncFigures(direction, folders, options.now);
  let finalSent = false;
  const send = () => write({ type: 'sync', direction, folders: figures.snapshot() });
  const sendFinal = () => {
    finalSent = true;
    send();
  };
  return {
    progressIntervalMs: options.intervalMs ?? SYNC_REPORT_INTERVAL_MS,
    onEvent(event) {
      if (finalSent || !figures.take(event)) return;
      if (figures.isEnded) sendFinal();
      // A failed file shows in the next line; the engine's last progress, in the final one.
      else if (event.type === 'progress' && !figures.allFinished) send();
    },
    end() {
      if (finalSent) return;
      // No summary came: the sync threw (bucket check, plan) or was cut short.
      figures.end(true);
      sendFinal();
    },
  };
}
