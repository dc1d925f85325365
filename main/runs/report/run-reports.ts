import { join } from 'node:path';

import type { RunSnapshot } from '../../../shared/domain/run';
import type { JournalEntry } from '../../../shared/domain/run-journal';
import type { TrainingProgress } from '../../../shared/monitor/progress';
import { reportHtml } from '../../../shared/report/report-html';
import { reportMarkdown } from '../../../shared/report/report-markdown';
import { buildRunReport, type RunReport, type SavedRunReport } from '../../../shared/report/run-report';
import type { Logger } from '../../core/logger';
import { writeFileAtomic } from '../../core/write-file-atomic';
import { readJournal, runDir } from '../../lifecycle/journal/run-journal';
import type { PdfPrinter } from './pdf-printer';

/** What the report service needs; the composition root provides it. */
export interface RunReportsDeps {
  dataDir: string;
  /** The run's snapshot (live or from its events.jsonl); throws NOT_FOUND for an unknown run. */
  run(runId: string): RunSnapshot;
  now(): number;
  log: Logger;
  /** The monitor's last training progress, while it still has the run. */
  progressOf?(runId: string): TrainingProgress | undefined;
  /** Desktop app only. */
  pdf?: PdfPrinter;
}

// A hidden window that never finishes loading must not hold the save forever.
const PDF_LIMIT_MS = 60_000;

/**
 * Run reports: built from the run's snapshot (outcome, phases, data figures, recorded cost)
 * and its journal (resources created and deleted), saved next to the run's events as
 * report.md, report.html and, in the desktop app, report.pdf.
 */
export class RunReports {
  constructor(private readonly deps: RunReportsDeps) {}

  async build(runId: string): Promise<RunReport> {
    const run = this.deps.run(runId);
    const journal = await readJournal(this.deps.dataDir, runId).catch((): JournalEntry[] | null => null);
    return buildRunReport(run, {
      journal,
      progress: this.deps.progressOf?.(runId),
      generatedAt: new Date(this.deps.now()).toISOString(),
    });
  }

  async save(runId: string): Promise<SavedRunReport> {
    const report = await this.build(runId);
    const dir = runDir(this.deps.dataDir, runId);
    const markdown = reportMarkdown(report);
    const html = reportHtml(report);
    const files: SavedRunReport['files'] = { markdown: join(dir, 'report.md'), html: join(dir, 'report.html') };
    // Owner-only (reports name the run's resources), and whole.
    await writeFileAtomic(files.markdown, markdown);
    await writeFileAtomic(files.html, html);
    if (!this.deps.pdf) return { markdown, html, files, pdf: { status: 'desktop-only' } };
    try {
      const pdf = await this.deps.pdf.print(files.html, AbortSignal.timeout(PDF_LIMIT_MS));
      files.pdf = join(dir, 'report.pdf');
      await writeFileAtomic(files.pdf, pdf);
      return { markdown, html, files, pdf: { status: 'saved' } };
    } catch (error) {
      // The Markdown and HTML are saved; a failed print costs the PDF only.
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.log.warn('report PDF failed', { runId, reason });
      return { markdown, html, files, pdf: { status: 'failed', reason } };
    }
  }
}
