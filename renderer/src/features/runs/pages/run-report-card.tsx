import { useEffect, useMemo, useRef } from 'react';

import { reportMarkdown } from '../../../../../shared/report/report-markdown';
import { localRunReport } from '../../../format/run-report';
import { copyText } from '../../../stores/copy-text';
import { RunReportView } from '../components/run-report-view';
import { useMonitor } from '../stores/monitor';
import { useRunReports } from '../stores/run-reports';
import { useRuns } from '../stores/runs';

/**
 * A finished run's report: main's (with the journal's resources), else the page's own. `fromHistory`:
 * a run picked in History while another one is live (its own card, scrolled to; it never replaces the live one).
 */
export function RunReportCard({ runId, fromHistory = false }: { runId: string | undefined; fromHistory?: boolean }) {
  const place = useRef<HTMLDivElement>(null);
  const run = useRuns((s) => (runId ? s.runs[runId] : undefined));
  const teardownResult = useRuns((s) => (runId ? s.teardowns[runId]?.result : undefined));
  const entry = useRunReports((s) => (runId ? s.reports[runId] : undefined));
  // Only the progress, and only the shown run's: the snapshot changes with every delta (10 a second while training).
  const progress = useMonitor((s) => (runId && s.snapshot?.runId === runId ? s.snapshot.progress : undefined));
  const finished = run !== undefined && run.state !== 'running';
  // Asked again when the run's events move on or a teardown ends: the resources it lists change.
  useEffect(() => {
    if (runId && finished) void useRunReports.getState().load(runId);
  }, [runId, finished, run?.lastSeq, teardownResult]);
  // Picked in History (below the live run's long monitor): brought into view where the click was.
  useEffect(() => {
    if (fromHistory && runId) place.current?.scrollIntoView?.({ block: 'nearest' });
  }, [fromHistory, runId]);
  const local = useMemo(
    () => (run && finished ? localRunReport(run, progress ? { progress } : undefined) : undefined),
    [run, finished, progress],
  );
  if (!run || !local || !runId) return null;
  // main's report may predate the page's snapshot (its `finished` still on the way): then the page's, with main's resources.
  // The training progress is the page's when main's monitor no longer has the run.
  const fromMain = entry?.report;
  const report =
    fromMain && fromMain.outcome !== 'running'
      ? { ...fromMain, ...(!fromMain.training && local.training ? { training: local.training } : {}) }
      : { ...local, ...(fromMain?.resources ? { resources: fromMain.resources } : {}) };
  const view = (
    <RunReportView
      report={report}
      loading={entry?.loading ?? true}
      loadError={entry?.error}
      saving={entry?.saving ?? false}
      saved={entry?.saved}
      saveError={entry?.saveError}
      onSave={() => void useRunReports.getState().save(runId)}
      onCopyMarkdown={() => void copyText(reportMarkdown(report), 'The report (Markdown)')}
      fromHistory={fromHistory ? { onClose: () => useRuns.getState().select(undefined) } : undefined}
    />
  );
  return fromHistory ? <div ref={place}>{view}</div> : view;
}
