import { create } from 'zustand';

import type { AppError } from '../../../../../shared/ipc/result';
import type { RunReport, SavedRunReport } from '../../../../../shared/report/run-report';
import { api } from '../../../bridge/api-ref';

/** One run's report as the page has it. */
export interface ReportEntry {
  /** main's report (with the journal's resources); absent until loaded. */
  report?: RunReport;
  // `| undefined` here and below: `set` clears a value by writing undefined (leaving it out keeps the old one).
  error?: AppError | undefined;
  loading: boolean;
  saving: boolean;
  /** Where "Save report" wrote the files (the texts themselves are not kept). */
  saved?: Pick<SavedRunReport, 'files' | 'pdf'> | undefined;
  saveError?: AppError | undefined;
}

interface RunReportsStore {
  reports: Record<string, ReportEntry>;
  /** Asks main for the run's report (again: after a teardown its resources change). */
  load(runId: string): Promise<void>;
  /** Writes report.md / .html (and .pdf in the desktop app) in the run's folder. */
  save(runId: string): Promise<void>;
}

const EMPTY: ReportEntry = { loading: false, saving: false };

/** Reports of finished runs: `runs.report` to show, `runs.saveReport` to write the files. */
export const useRunReports = create<RunReportsStore>()((set, get) => {
  const patch = (runId: string, change: Partial<ReportEntry>) =>
    set({ reports: { ...get().reports, [runId]: { ...(get().reports[runId] ?? EMPTY), ...change } } });
  return {
    reports: {},

    load: async (runId) => {
      patch(runId, { loading: true });
      const result = await api().invoke('runs.report', { runId });
      if (!result.ok) return patch(runId, { loading: false, error: result.error });
      // Saved files that no longer say what the report says (a teardown since) are not shown as current.
      const before = get().reports[runId];
      const changed =
        before?.report !== undefined &&
        JSON.stringify({ ...before.report, generatedAt: '' }) !== JSON.stringify({ ...result.value, generatedAt: '' });
      patch(runId, {
        loading: false,
        report: result.value,
        error: undefined,
        ...(changed ? { saved: undefined } : {}),
      });
    },

    save: async (runId) => {
      patch(runId, { saving: true, saveError: undefined });
      const result = await api().invoke('runs.saveReport', { runId });
      if (result.ok) patch(runId, { saving: false, saved: { files: result.value.files, pdf: result.value.pdf } });
      else patch(runId, { saving: false, saveError: result.error });
    },
  };
});
