import { type RunSyncReport, runSyncReportSchema } from '../../../shared/executor/sync-report-schema';

/**
 * The sync report of an executor line, checked and stripped of unknown fields; undefined when
 * malformed. The machine writes executor.jsonl: a report goes into snapshots and the journal
 * only in its known shape.
 */
export function parseSyncReport(value: unknown): RunSyncReport | undefined {
  const parsed = runSyncReportSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
