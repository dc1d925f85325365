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
  /** A request failed and will be tried again (`key` is empty for bucket-level requests). */
  | { type: 'retry'; key: string; attempt: number; message: string }
  | { type: 'failed-file'; folder: string; relPath: string; message: string }
  | { type: 'action'; action: Omit<SyncAction, 'local' | 'remote'> }
  | { type: 'summary'; summary: SyncSummary }
  | { type: 'verify'; checked: number; mismatches: VerifyMismatch[]; extra: string[] }
  /** What the process cost (benchmarks and memory tests read it); the last line of the CLI with --json on success. */
  | { type: 'resources'; peakRssBytes: number; cpuSeconds: number }
  /** The last line of the CLI with --json when it fails: the error as a sentence and its fix. */
  | { type: 'error'; message: string; fix?: string };
