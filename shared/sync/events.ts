import type { SyncAction, SyncDirection, SyncProgress, SyncSummary, VerifyMismatch } from './types';

/**
 * What a sync reports while it runs: the JSON lines of `traindeck sync --json`, consumed by
 * the executor and the UI. The last line is always `summary` (or the command's error).
 */
export type SyncEvent =
  | { type: 'warning'; message: string; fix?: string }
  | {
      type: 'plan';
      direction: SyncDirection;
      uploads: number;
      downloads: number;
      deletes: number;
      skips: number;
      bytes: number;
      dryRun: boolean;
    }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'retry'; key: string; attempt: number; message: string }
  | { type: 'failed-file'; folder: string; relPath: string; message: string }
  | { type: 'action'; action: Omit<SyncAction, 'local' | 'remote'> }
  | { type: 'summary'; summary: SyncSummary }
  | { type: 'verify'; checked: number; mismatches: VerifyMismatch[]; extra: string[] }
  /** Last line of the CLI with --json: what the process cost (benchmarks and memory tests read it). */
  | { type: 'resources'; peakRssBytes: number; cpuSeconds: number };
