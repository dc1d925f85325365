import type { Handlers } from '../../core/router';
import type { RunReports } from './run-reports';

/** Thin handlers of the report commands; handlers.ts spreads them into the table. */
export function reportHandlers(reports: RunReports): Pick<Handlers, 'runs.report' | 'runs.saveReport'> {
  return {
    'runs.report': ({ runId }) => reports.build(runId),
    'runs.saveReport': ({ runId }) => reports.save(runId),
  };
}
