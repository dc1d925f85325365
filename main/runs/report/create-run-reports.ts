import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { MonitorService } from '../../monitor/monitor-service';
import type { RunService } from '../run-service';
import type { PdfPrinter } from './pdf-printer';
import { RunReports } from './run-reports';

/** The report service over the run service and the monitor (whose progress lasts only while it has the run). */
export function createRunReports(options: {
  dataDir: string;
  runs: RunService;
  monitor: MonitorService;
  clock: Clock;
  log: Logger;
  pdf?: PdfPrinter | undefined;
}): RunReports {
  return new RunReports({
    dataDir: options.dataDir,
    run: (runId) => options.runs.get(runId),
    now: () => options.clock.now(),
    log: options.log,
    progressOf: (runId) => options.monitor.progress(runId),
    ...(options.pdf ? { pdf: options.pdf } : {}),
  });
}
