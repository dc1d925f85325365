import type { RunSnapshot } from '../../../shared/domain/run';
import type { MonitorSnapshot } from '../../../shared/monitor/view';
import { buildRunReport, type RunReport } from '../../../shared/report/run-report';

/**
 * The report the page can build on its own, from the snapshot and the monitor: everything but
 * the resources (main reads those from the run's journal, see `runs.report`). Shown until
 * main's report arrives, or instead of it when main cannot answer.
 */
export function localRunReport(run: RunSnapshot, monitor: Pick<MonitorSnapshot, 'progress'> | undefined): RunReport {
  return buildRunReport(run, { progress: monitor?.progress, generatedAt: new Date().toISOString() });
}
